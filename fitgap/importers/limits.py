"""The documented limits of every file fitgap reads, checked before memory grows (docs/limits.md: 入力の上限).

- a file (Excel or CSV) of at most 64 MB (FITGAP_MAX_WORKBOOK_MB raises it for a trusted file), checked
  from its size before it is read;
- a cell of at most 32,767 characters (what Excel itself allows), for CSV fields as for workbook cells,
  refused with its place (row and column) before anything is stored: a longer cell would be cut by the next
  export and read back shorter;
- a 機能番号 or requirement ID of at most 64 characters, as the database keeps them (SQLite would store a
  longer one that PostgreSQL refuses: both are refused before the write, in the same words);
- at most 1,048,576 rows per sheet or CSV file (Excel's own limit) and 255 sheets per workbook.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator, Sequence
from pathlib import Path

from fitgap.config import number_setting
from fitgap.errors import InvalidInputError, file_error

MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_CELL_CHARS = 32_767
MAX_KEY_CHARS = 64  # the key columns' length in the database (current_function.code, requirement IDs)
# a CSV field up to this is read, so that one over MAX_CELL_CHARS is refused naming its column; a longer one
# (often an unclosed quote swallowing the rows after it) stops the reader where it is
_CSV_FIELD_LIMIT = 8 * MAX_CELL_CHARS
MAX_ROWS = 1_048_576
MAX_SHEETS = 255
_RESAVE = "不要な行や列を削除して保存し直すか、ファイルを分けてください。"


def max_file_bytes() -> int:
    """The size limit; FITGAP_MAX_WORKBOOK_MB raises it for an unusually large but trusted file."""
    value = os.environ.get("FITGAP_MAX_WORKBOOK_MB")
    return int(number_setting("FITGAP_MAX_WORKBOOK_MB", value) * 1024 * 1024) if value else MAX_FILE_BYTES


def read_input_bytes(path: Path) -> bytes:
    """A whole (CSV) input file, refused by its size before it is read; read errors in plain words."""
    try:
        size = path.stat().st_size
        limit = max_file_bytes()
        if size > limit:
            raise InvalidInputError(
                f"{path.name} が大きすぎます（{size / 1048576:,.0f} MB、上限 {limit / 1048576:,.0f} MB）。"
                "読み込みを中止しました（データベースは変更していません）。",
                _RESAVE + "信頼できるファイルなら環境変数 FITGAP_MAX_WORKBOOK_MB で上限を上げられます。")
        return path.read_bytes()
    except OSError as exc:
        raise file_error(exc, path, writing=False) from None


def overlong_cell(cells: Sequence[object]) -> int | None:
    """The index of the first text cell over MAX_CELL_CHARS, or None."""
    for i, c in enumerate(cells):
        if type(c) is str and len(c) > MAX_CELL_CHARS:
            return i
    return None


def csv_rows(text: str, *, name: str, delimiter: str = ",") -> Iterator[list[str]]:
    """CSV records, strictly: an unclosed quote, a field over MAX_CELL_CHARS or more than MAX_ROWS rows
    is an InvalidInputError naming the line (and the column of an overlong field), never a field that
    silently swallows the rows after it, nor one cut by the next export."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    previous = csv.field_size_limit(_CSV_FIELD_LIMIT)
    try:
        n = 0
        header: list[str] = []
        while True:
            start = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise _csv_error(name, start, reader.line_num, exc) from None
            if row and max(map(len, row)) > MAX_CELL_CHARS:
                raise _overlong(name, start, row, header)
            if n == 0:
                header = row
            n += 1
            if n > MAX_ROWS:
                raise InvalidInputError(f"{name} の行が多すぎます（上限 {MAX_ROWS:,} 行）。読み込みを中止しました"
                                        "（データベースは変更していません）。", _RESAVE)
            yield row
    finally:
        csv.field_size_limit(previous)


def _overlong(name: str, line: int, row: list[str], header: list[str]) -> InvalidInputError:
    i = overlong_cell(row) or 0
    title = header[i].strip() if i < len(header) and header[i].strip() else ""
    column = f"{i + 1}列目" + (f"（「{title[:40]}」）" if title else "")
    return InvalidInputError(
        f"{name} の {line}行目、{column}に長すぎるセルがあります（{len(row[i]):,} 文字、上限 {MAX_CELL_CHARS:,} 文字）。"
        "読み込みを中止しました（データベースは変更していません）。",
        "Excel のセルに入る長さ（32,767 文字）までにしてください。引用符 (\") の閉じ忘れで後ろの行まで1つのセルに"
        "なっていないかも確かめてください。")


def _csv_error(name: str, start: int, end: int, exc: csv.Error) -> InvalidInputError:
    text = str(exc)
    if "field larger than field limit" in text:
        return InvalidInputError(
            f"{name} の {start}行目に長すぎるセルがあります（上限 {MAX_CELL_CHARS:,} 文字）。"
            "読み込みを中止しました（データベースは変更していません）。",
            "セルの内容を短くするか、引用符 (\") の閉じ忘れで後ろの行まで1つのセルになっていないか確かめてください。")
    if "unexpected end of data" in text or "expected after" in text:
        where = f"{start}行目" if end <= start else f"{start}行目（{end}行目まで）"
        return InvalidInputError(
            f"{name} の {where}で引用符 (\") が閉じていません。このままでは後ろの行が1つのセルとして読まれるため、"
            "読み込みを中止しました（データベースは変更していません）。",
            "引用符を閉じるか、値の中の \" を \"\" と2つ重ねて書いてください。")
    return InvalidInputError(f"{name} の {start}行目を CSV として読めません（{text}）。何も変更していません。",
                             "引用符 (\") の対応が崩れていないか確かめてください。")
