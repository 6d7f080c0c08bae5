"""Reading an extract of the current data (CSV) for profiling, streamed, and the file mapping its columns.

The extract is never read whole: :func:`open_extract` looks at its beginning for the encoding (UTF-8 with or
without BOM, else CP932 — whose user-defined characters decode to the Private Use Area, which is what
profiling looks for) and the header row, and :meth:`Extract.batches` yields its records a few thousand at a
time, each as long as the header. The file's size and row count are not limited (memory stays flat); a cell
over 32,767 characters or an unclosed quote is refused as every CSV fitgap reads is (``importers.limits``).

A mapping file names, for an extract whose headers are the current system's column names, the item each
column is: CSV rows ``列名,データ項目ID`` (a header row is allowed) or TOML (``[columns]`` ``"列名" = "03100001"``).
"""

from __future__ import annotations

import codecs
import csv
import io
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from fitgap.domain.data_items import parse_item_id
from fitgap.errors import InvalidInputError, file_error
from fitgap.importers.limits import MAX_CELL_CHARS, _csv_error

SAMPLE_BYTES = 1 << 20  # what the encoding is told from: the first MB from the first non-ASCII byte
BATCH = 4096
ENCODINGS = {"utf-8-sig": "UTF-8（BOM付き）", "utf-8": "UTF-8", "cp932": "CP932（Shift_JIS）"}
_UNCHANGED = "（データベースは変更していません）"
_RESAVE = "「CSV UTF-8 (コンマ区切り)」か「CSV (コンマ区切り)」（Shift_JIS）で保存し直してください。"


def detect_encoding(path: Path) -> str:
    """utf-8-sig (a BOM), utf-8, or cp932, told from the file's first non-ASCII bytes (the file is scanned
    until there are any, in binary, without decoding); refused when it is neither, or UTF-16 / binary."""
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
            if head.startswith(codecs.BOM_UTF8):
                return "utf-8-sig"
            if b"\x00" in head:
                raise InvalidInputError(f"{path.name} はテキストの CSV ではありません（UTF-16 またはバイナリ）。"
                                        f"何も変更していません。", _RESAVE)
            fh.seek(0)
            offset = 0
            while chunk := fh.read(SAMPLE_BYTES):
                if not chunk.isascii():
                    first = next(i for i, b in enumerate(chunk) if b >= 0x80)
                    fh.seek(offset + first)
                    sample = fh.read(SAMPLE_BYTES)
                    break
                offset += len(chunk)
            else:
                return "utf-8"  # ASCII only: either reads it alike
    except OSError as exc:
        raise file_error(exc, path, writing=False) from None
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError as exc:
        before = sample[:exc.start].decode("utf-8", "ignore")
        if sum(not ch.isascii() for ch in before) >= 4:  # UTF-8 text, then bytes that are not: a mixed file
            raise InvalidInputError(f"{path.name} は途中まで UTF-8 で、その後に UTF-8 として読めない文字があります"
                                    f"（文字コードの混在）。何も変更していません。", _RESAVE) from None
    try:
        codecs.getincrementaldecoder("cp932")().decode(sample, final=False)
        return "cp932"
    except UnicodeDecodeError:
        pass
    raise InvalidInputError(f"{path.name} の文字コードを判別できません（UTF-8 でも Shift_JIS でもありません）。何も変更していません。",
                            _RESAVE)


@dataclass
class Extract:
    """An extract open for reading: its encoding, delimiter and header; records follow with :meth:`batches`."""

    path: Path
    encoding: str
    delimiter: str
    header: list[str]
    size: int
    rows: int = 0  # records read so far (blank lines not counted)
    ragged: int = 0  # records with more or fewer fields than the header (short ones read as empty)
    _fh: io.TextIOWrapper | None = field(default=None, repr=False)
    _raw: io.BufferedReader | None = field(default=None, repr=False)
    _reader: Iterator[list[str]] | None = field(default=None, repr=False)
    _limit: int = field(default=0, repr=False)

    @property
    def encoding_label(self) -> str:
        return ENCODINGS.get(self.encoding, self.encoding)

    def position(self) -> int:
        """Bytes read so far (for progress)."""
        return self._raw.tell() if self._raw is not None and not self._raw.closed else self.size

    def batches(self, size: int = BATCH, progress: Callable[[int, int], None] | None = None
                ) -> Iterator[list[list[str]]]:
        """The records after the header, ``size`` at a time, each padded (or cut) to the header's width."""
        assert self._reader is not None
        width = len(self.header)
        batch: list[list[str]] = []
        append = batch.append
        with self._errors():
            for row in self._reader:
                if len(row) != width:
                    if not row:
                        continue
                    self.ragged += 1
                    row = (row + [""] * (width - len(row)))[:width]
                append(row)
                if len(batch) >= size:
                    self.rows += len(batch)
                    yield batch
                    batch = []
                    append = batch.append
                    if progress is not None:
                        progress(self.position(), self.size)
        if batch:
            self.rows += len(batch)
            yield batch
        if progress is not None:
            progress(self.size, self.size)

    def _guarded(self, reader: Iterator[list[str]]) -> Iterator[list[str]]:
        with self._errors():
            yield from reader

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """A broken CSV, undecodable bytes or a read error in plain words, naming the line."""
        name = self.path.name
        reader = self._reader
        try:
            yield
        except csv.Error as exc:
            line = getattr(reader, "line_num", 0)
            raise _csv_error(name, line, line, exc) from None
        except UnicodeDecodeError:
            line = getattr(reader, "line_num", 0)
            raise InvalidInputError(
                f"{name} の {line + 1}行目より後に {self.encoding_label} として読めない文字があります（文字コードが途中で"
                f"変わっているか、壊れた文字があります）。読み込みを中止しました{_UNCHANGED}。", _RESAVE) from None
        except OSError as exc:
            raise file_error(exc, self.path, writing=False) from None

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None
        if self._limit:
            csv.field_size_limit(self._limit)
            self._limit = 0

    def __enter__(self) -> Extract:
        return self

    def __exit__(self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


def open_extract(path: Path) -> Extract:
    """Open an extract: its encoding, its delimiter (tab when the header has more tabs than commas) and its
    header (the first non-blank record). Refused when it is missing, not text, or has no header."""
    encoding = detect_encoding(path)
    try:
        size = path.stat().st_size
        raw = path.open("rb")
        fh = io.TextIOWrapper(raw, encoding=encoding, newline="")
    except OSError as exc:
        raise file_error(exc, path, writing=False) from None
    previous = csv.field_size_limit(MAX_CELL_CHARS)
    ex = Extract(path=path, encoding=encoding, delimiter=",", header=[], size=size, _fh=fh, _raw=raw,
                 _limit=previous)
    try:
        try:
            first = fh.readline(1 << 16)
            while first and not first.strip():
                first = fh.readline(1 << 16)
            fh.seek(0)
        except UnicodeDecodeError:
            raise InvalidInputError(f"{path.name} の見出し行が {ex.encoding_label} として読めません。何も変更していません。",
                                    _RESAVE) from None
        ex.delimiter = "\t" if first.count("\t") > first.count(",") else ","
        reader = csv.reader(fh, delimiter=ex.delimiter, strict=True)
        ex._reader = reader
        header = next((r for r in ex._guarded(reader) if any(c.strip() for c in r)), None)
        if header is None:
            raise InvalidInputError(f"{path.name} に見出し行がありません。何も変更していません。",
                                    "1行目に列名（データ項目ID、データ項目名、またはローマ字）を書いてください。")
        ex.header = header
        return ex
    except BaseException:
        ex.close()
        raise


# ---- the mapping file ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ColumnMap:
    """Column name → データ項目ID (8 digits) as a mapping file gives them."""

    path: Path
    columns: dict[str, str]


_MAP_HINT = ("CSV なら1行に「列名,データ項目ID」（例 SHIMEI,03100003）、TOML なら [columns] の下に "
             "\"列名\" = \"03100003\" と書いてください。")


def read_column_map(path: Path) -> ColumnMap:
    """A mapping file: CSV of 列名,データ項目ID (a first row whose ID is not one is a header) or TOML."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise file_error(exc, path, writing=False) from None
    if len(data) > 8 * 1024 * 1024:
        raise InvalidInputError(f"対応表 {path.name} が大きすぎます。何も変更していません。", _MAP_HINT)
    text = None
    for encoding in ("utf-8-sig", "cp932"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is None:
        raise InvalidInputError(f"対応表 {path.name} の文字コードを判別できません。何も変更していません。", _MAP_HINT)
    pairs: list[tuple[str, object, str]] = []  # (column, ID as written, where)
    if path.suffix.lower() == ".toml":
        try:
            doc = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise InvalidInputError(f"対応表 {path.name} を TOML として読めません（{exc}）。何も変更していません。",
                                    _MAP_HINT) from None
        table = doc.get("columns", doc)
        if not isinstance(table, dict):
            raise InvalidInputError(f"対応表 {path.name} に [columns] がありません。何も変更していません。", _MAP_HINT)
        pairs = [(str(k), v, f"「{k}」") for k, v in table.items()]
    else:
        try:
            rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
        except csv.Error as exc:
            raise InvalidInputError(f"対応表 {path.name} を CSV として読めません（{exc}）。何も変更していません。",
                                    _MAP_HINT) from None
        for n, row in enumerate(rows, 1):
            cells = [c.strip() for c in row]
            if not any(cells):
                continue
            if n == 1 and (len(cells) < 2 or parse_item_id(cells[1]) is None):
                continue  # a header row
            pairs.append((cells[0], cells[1] if len(cells) > 1 else "", f"{n}行目"))
    columns: dict[str, str] = {}
    bad: list[str] = []
    for column, raw, where in pairs:
        iid = parse_item_id(raw) if isinstance(raw, str | int) and not isinstance(raw, bool) else None
        if not column or iid is None:
            bad.append(f"{where}（{column or '列名なし'} → {raw!s}）")
            continue
        if column in columns and columns[column] != iid:
            bad.append(f"{where}（{column} が2回: {columns[column]} と {iid}）")
            continue
        columns[column] = iid
    if bad:
        raise InvalidInputError(f"対応表 {path.name} に読めない行があります: {'、'.join(bad[:5])}"
                                f"{' ほか' if len(bad) > 5 else ''}。何も変更していません。", _MAP_HINT)
    if not columns:
        raise InvalidInputError(f"対応表 {path.name} に対応が1つもありません。何も変更していません。", _MAP_HINT)
    return ColumnMap(path=path, columns=columns)
