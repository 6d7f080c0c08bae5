"""A look at an Excel file before it is parsed: refuse hostile or broken files cleanly and fast.

Workbooks come from outside (the ministries' sites, vendors, other departments). Before any XML is parsed
this checks, from the zip directory and a streaming scan of the parts, that the file:

- is not too large, and is an .xlsx at all (not a CSV, a PDF, an old .xls or a truncated download);
- is a sane zip: a bounded number of members, a bounded total unpacked size and compression ratio
  (a "zip bomb" unpacks a few kilobytes into gigabytes), no encrypted members, xl/workbook.xml present;
- declares no DTD or entities in any XML part (external entities read local files, nested entities
  explode in memory); this says so in plain words before any parser sees them;
- has no shared-strings table big enough to exhaust memory, no cell longer than Excel itself allows
  (32,767 characters), and no formulas whose results were never calculated (their values would be
  read as empty).

Every refusal is an :class:`UnsafeWorkbookError` with what is wrong and what to do. The guard only reads.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

from fitgap.errors import InvalidInputError, file_error
from fitgap.importers.limits import MAX_CELL_CHARS, MAX_FILE_BYTES, MAX_SHEETS, max_file_bytes

__all__ = ["MAX_FILE_BYTES", "UnsafeWorkbookError", "check_workbook", "max_file_bytes", "uncalculated_cells"]

MAX_MEMBERS = 10_000
MAX_TOTAL_UNPACKED = 512 * 1024 * 1024
MAX_RATIO = 100  # unpacked / packed, for parts over RATIO_MIN_BYTES
RATIO_MIN_BYTES = 1024 * 1024
MAX_SHARED_STRINGS_BYTES = 64 * 1024 * 1024
EXCEL_CELL_LIMIT = MAX_CELL_CHARS
# Text between two tags longer than this cannot come from a cell Excel wrote (32,767 characters of 3-byte
# UTF-8 are 98 KB). The scan looks for a window of this size without "<": every run this long is found
# when it is three times as long; shorter ones never are.
TEXT_WINDOW_BYTES = 128 * 1024
PROLOG_SCAN_BYTES = 64 * 1024
CHUNK = 1 << 20

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")
_ROOT_RE = re.compile(rb"<[A-Za-z_]")
_DTD_RE = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_UNCALCULATED_RE = re.compile(rb"(?:</f>|<f\b[^>]*/>)\s*(?:<v\s*/>|<v></v>|<is>|</c>)")
_RESAVE = "Excel で開いて「Excel ブック (*.xlsx)」として保存し直してから読み込んでください。"


class UnsafeWorkbookError(InvalidInputError):
    """A file that must not be opened as a workbook (hostile, broken, or not a workbook at all)."""


def _kind_of(head: bytes) -> str | None:
    """What a non-zip file most likely is, from its first bytes."""
    if head.startswith(b"%PDF"):
        return "PDF"
    if head.startswith(b"\x89PNG") or head.startswith(b"\xff\xd8\xff"):
        return "画像"
    if head.startswith((b"<html", b"<!DOCTYPE html", b"<!doctype html", b"<HTML")):
        return "HTML（Web ページ）"
    if head.startswith(b"<?xml"):
        return "XML"
    sample = head[:4096]
    if sample and not sample.count(b"\x00"):
        for enc in ("utf-8", "cp932"):
            try:
                text = sample.decode(enc)
            except UnicodeDecodeError:
                continue
            return "CSV（テキスト）" if ("," in text or "\t" in text) else "テキスト"
    return None


XLSX_SUFFIXES = (".xlsx", ".xlsm")
_ZIP_MAGIC = b"PK\x03\x04"


def format_suffix(path: Path) -> str:
    """The file's suffix as the readers choose by it (lower case), except that a workbook saved under
    another name (book.xls that is really an .xlsx, as some systems name their downloads) is ".xlsx":
    its content decides, so it is read — and checked by the guard — like any workbook, never called broken."""
    suffix = path.suffix.lower()
    if suffix in XLSX_SUFFIXES or suffix in (".csv", ".tsv", ".txt", ".toml"):
        return suffix
    try:
        with path.open("rb") as fh:
            head = fh.read(4)
    except OSError:
        return suffix
    return ".xlsx" if head == _ZIP_MAGIC else suffix


def _refuse(path: Path, what: str, hint: str = _RESAVE) -> UnsafeWorkbookError:
    return UnsafeWorkbookError(f"{path.name}: {what}。読み込みを中止しました（データベースは変更していません）。", hint)


def check_workbook(path: Path, *, uncalculated_formulas: bool = False) -> int:
    """Raise UnsafeWorkbookError unless ``path`` looks like an ordinary, safe .xlsx/.xlsm workbook.

    ``uncalculated_formulas=True`` lets formulas without a saved result through, for a reader that
    reports each such cell itself (a returned answer sheet points at the very cell to fix); the number
    of such formulas is returned (0 otherwise).
    """
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(8192)
    except FileNotFoundError:
        raise UnsafeWorkbookError(f"{path} が見つかりません。", "ファイルのパスを確かめてください。") from None
    except IsADirectoryError:
        raise UnsafeWorkbookError(f"{path} はフォルダです。", "Excel ブック（.xlsx）を指定してください。") from None
    except OSError as exc:  # permission denied, an unreadable network share …
        raise file_error(exc, path, writing=False) from None
    limit = max_file_bytes()
    if size > limit:
        raise _refuse(path, f"ファイルが大きすぎます（{size / 1048576:.0f} MB、上限 {limit / 1048576:.0f} MB）",
                      "不要なシートや画像を削除して保存し直すか、CSV で書き出してください。"
                      "信頼できるファイルなら環境変数 FITGAP_MAX_WORKBOOK_MB で上限を上げられます。")
    if size == 0:
        raise _refuse(path, "ファイルが空です（0 バイト）", "元のファイルをもう一度取得してください。")
    if head.startswith(_OLE_MAGIC):
        if _ENCRYPTED_MARK in head or _ENCRYPTED_MARK in path.read_bytes()[: 1 << 20]:
            raise _refuse(path, "パスワードで保護されています", "Excel でパスワードを解除して別名で保存してから読み込んでください。")
        raise _refuse(path, "古い Excel 形式 (.xls) です")
    if not head.startswith(b"PK"):
        kind = _kind_of(head)
        what = f"中身は {kind} で、Excel ブック (.xlsx) ではありません" if kind else "Excel ブック (.xlsx) ではありません"
        hint = "CSV なら拡張子を .csv にして読み込んでください。" if kind and "CSV" in kind else _RESAVE
        raise _refuse(path, what, hint)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _refuse(path, "ファイルが途中で切れているか壊れています（zip の目次が読めません）",
                      "ダウンロードやコピーをやり直して、元のファイルをもう一度取得してください。") from None
    with archive:
        _check_directory(path, archive)
        return _check_parts(path, archive, formulas=not uncalculated_formulas)


def _check_directory(path: Path, archive: zipfile.ZipFile) -> None:
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise _refuse(path, f"中のファイル数が多すぎます（{len(infos):,} 個、上限 {MAX_MEMBERS:,}）")
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names:
        raise _refuse(path, "zip ファイルですが Excel ブックではありません（xl/workbook.xml がない）")
    sheets = sum(1 for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml") and n.count("/") == 2)
    if sheets > MAX_SHEETS:
        raise _refuse(path, f"シートが多すぎます（{sheets:,} 枚、上限 {MAX_SHEETS} 枚）",
                      "不要なシートを削除して保存し直すか、ブックを分けてください。")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise _refuse(path, f"暗号化された部品があります（{info.filename}）")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _refuse(path, f"Excel が使わない圧縮方式の部品があります（{info.filename}）")
        total += info.file_size
        if info.file_size > RATIO_MIN_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size / max(info.compress_size, 1)
            raise _refuse(path, f"圧縮率が異常です（{info.filename} が {ratio:,.0f} 倍に展開される。zip 爆弾の疑い）",
                          "このファイルは開かないでください。送り主に正しいファイルを依頼してください。")
    if total > MAX_TOTAL_UNPACKED:
        raise _refuse(path, f"展開後の大きさが大きすぎます（{total / 1048576:,.0f} MB、上限 {MAX_TOTAL_UNPACKED // 1048576} MB）",
                      "送り主に確認し、不要なシートを削除したファイルを依頼してください。")
    shared = next((i for i in infos if i.filename == "xl/sharedStrings.xml"), None)
    if shared is not None and shared.file_size > MAX_SHARED_STRINGS_BYTES:
        raise _refuse(path, f"文字列の表（共有文字列）が大きすぎます（{shared.file_size / 1048576:,.0f} MB、"
                      f"上限 {MAX_SHARED_STRINGS_BYTES // 1048576} MB）",
                      "送り主に確認し、不要なデータを削除したファイルを依頼してください。")


def _check_parts(path: Path, archive: zipfile.ZipFile, *, formulas: bool) -> int:
    uncalculated = 0
    try:
        for info in archive.infolist():
            name = info.filename
            if not name.endswith((".xml", ".rels", ".vml")):
                continue
            scan_text = name == "xl/sharedStrings.xml" or (name.startswith("xl/worksheets/") and name.endswith(".xml"))
            with archive.open(info) as fh:
                first = fh.read(PROLOG_SCAN_BYTES)
                _check_prolog(path, name, first)
                if scan_text:
                    uncalculated += _scan_cells(path, name, first, fh, sheet=name.startswith("xl/worksheets/"),
                                                refuse_formulas=formulas)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
        raise _refuse(path, f"ファイルが壊れています（{type(exc).__name__}）",
                      "ダウンロードやコピーをやり直して、元のファイルをもう一度取得してください。") from None
    return uncalculated


def _check_prolog(path: Path, name: str, first: bytes) -> None:
    data = first
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        data = data.decode("utf-16", errors="ignore").encode("utf-8")
    root = _ROOT_RE.search(data)
    prolog = data[: root.start()] if root else data
    if _DTD_RE.search(prolog):
        raise _refuse(path, f"XML に DTD／エンティティ宣言があります（{name}。外部のファイルを読ませる攻撃に使われます）",
                      "このファイルは開かないでください。送り主に Excel で保存し直したファイルを依頼してください。")
    if root is None and len(first) >= PROLOG_SCAN_BYTES:
        raise _refuse(path, f"XML の先頭が異常です（{name}）")


def _scan_cells(path: Path, name: str, first: bytes, fh: object, *, sheet: bool, refuse_formulas: bool = True) -> int:
    """Overlong text between two tags, and (in sheets) formulas saved without a result; C-speed scans.

    Returns the number of formulas without a result when they are not refused."""
    step = TEXT_WINDOW_BYTES
    carry = b""
    overlong = False
    uncalculated = 0
    chunk = first
    while chunk:
        data = carry + chunk
        for start in range(0, max(len(data) - step + 1, 0), step):
            if data.find(b"<", start, start + step) == -1:
                overlong = True
                break
        if overlong:
            break
        if sheet and b"<f" in data:
            uncalculated += sum(1 for m in _UNCALCULATED_RE.finditer(data) if m.end() > len(carry))
        carry = data[-step:]
        chunk = fh.read(CHUNK)  # type: ignore[attr-defined]
    if overlong:
        raise _refuse(path, f"Excel のセルの上限（{EXCEL_CELL_LIMIT:,} 文字）を超える長さの文字列があります（{name}）",
                      "Excel で作られたファイルではない可能性があります。送り主に確認してください。")
    if uncalculated and refuse_formulas:
        raise _refuse(path, f"計算結果が保存されていない数式が {uncalculated:,} 個あります（{name}）。"
                      "値が入るべきセルが数式のままで、値を読めません",
                      "Excel で開いて再計算させ（F9）保存し直すか、数式を値に置き換えて（形式を選択して貼り付け→値）保存してください。")
    return uncalculated


def uncalculated_cells(path: Path) -> dict[str, set[tuple[int, int]]]:
    """Per sheet name, the (row, column) of every formula cell (1-based), read from the formulas themselves.

    For a reader that let uncalculated formulas through: a cell that reads as empty with values only but
    holds a formula has no saved result, and must be reported, never taken as blank.
    """
    from openpyxl import load_workbook  # only for a workbook that holds uncalculated formulas

    wb = load_workbook(path, read_only=True, data_only=False)
    try:
        out: dict[str, set[tuple[int, int]]] = {}
        for ws in wb.worksheets:
            cells = {(r, c) for r, row in enumerate(ws.iter_rows(values_only=True), 1)
                     for c, v in enumerate(row, 1) if _is_formula(v)}
            if cells:
                out[ws.title] = cells
        return out
    finally:
        wb.close()


def _is_formula(value: Any) -> bool:
    return (isinstance(value, str) and value.startswith("=")) or type(value).__name__ in ("ArrayFormula",
                                                                                         "DataTableFormula")
