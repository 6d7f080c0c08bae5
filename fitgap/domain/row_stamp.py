"""What a file that fitgap writes for editing (and reads back) carries on every row: a stamp.

The 独自機能 inventory workbook, the systems CSV files and the systems workbook are edited freely (rows added,
any column changed) and read back by name or number. So that an older file never undoes newer work, each
row fitgap wrote holds one stamp cell (a hidden column in a workbook, the last column of a CSV):

- the export it came from, as the database stood then (the newest audit event, so that two exports of an
  unchanged database write the same file, and what changed after the export can be found in the audit log),
  and a tag of the database it came from;
- the row's identity in the database (a function, system or link ID) and a hash of its key cells as
  exported (業務コード and 機能番号; システム名; 提供元 and 利用側), which must not be changed;
- ``state``: a hash of the row's stored values as exported. On import the database's row hashed the same way
  tells whether it changed since the export (then the file's row is a conflict, not applied);
- a signature over all of it and the database's ID, so that an edited stamp, a stamp copied to another
  row or a changed key cell is noticed (an integrity check against slips and mix-ups, not a secret).

Rows without a stamp are rows the user added, or rows of a file made elsewhere or by an older fitgap.
Pure data and functions.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum

from fitgap.domain.text import strip_invisible

STAMP_HEADER = "行キー（変更しないでください）"
_MARK = "fg1"
_SEP = "|"


def _digest(*parts: str, length: int) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:length]


def _canonical(value: object) -> str:
    """A value as the files hold it: text trimmed and without invisible characters (as every reader leaves
    it), None and "" alike, dates ISO, numbers in one form, flags 1/0, several values sorted."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Enum):
        return _canonical(value.value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, int):
        return repr(float(value))
    if isinstance(value, (tuple, list, set, frozenset)):
        return "\x1e".join(sorted(_canonical(v) for v in value))
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return strip_invisible(str(value))[0].strip()


def state_hash(values: Iterable[object]) -> str:
    """The hash of a row's stored values (12 hex digits), the same whether read from the database or a file."""
    return _digest(*(_canonical(v) for v in values), length=12)


def database_tag(database_id: str) -> str:
    return _digest(database_id, length=6)


class StampCheck(Enum):
    OK = "ok"
    OTHER_DATABASE = "other database"  # written by another database (or for another municipality)
    BROKEN = "broken"  # edited, copied or not a stamp fitgap wrote
    KEY_CHANGED = "key changed"  # the stamp is intact but the row's key cells were changed


@dataclass(frozen=True, slots=True)
class RowStamp:
    export: int  # the export: the newest audit event of the database when the file was written
    entity: str  # the row's identity in the database: "12" (a function or system ID), "3-7" (a link)
    state: str
    db_tag: str = ""
    key_hash: str = ""
    sig: str = ""

    def encode(self) -> str:
        return _SEP.join([_MARK, self.db_tag, f"e{self.export}", self.entity, self.key_hash, self.state, self.sig])

    def ids(self) -> tuple[int, ...]:
        """The database IDs in ``entity``."""
        return tuple(int(p) for p in self.entity.split("-"))


def _key_hash(keys: Sequence[object]) -> str:
    return _digest(*(_canonical(k) for k in keys), length=8)


def _signature(database_id: str, s: RowStamp) -> str:
    return _digest(database_id, _MARK, str(s.export), s.entity, s.key_hash, s.state, length=12)


def make_stamp(*, database_id: str, export: int, entity: str, keys: Sequence[object], state: str) -> RowStamp:
    """The stamp of one exported row (``keys``: its key cells as written; ``export``: the newest audit event)."""
    s = RowStamp(export=export, entity=entity, state=state, db_tag=database_tag(database_id), key_hash=_key_hash(keys))
    return RowStamp(s.export, s.entity, s.state, s.db_tag, s.key_hash, _signature(database_id, s))


def decode_stamp(text: object) -> RowStamp | None:
    """The stamp in a cell, or None when the cell does not hold one fitgap wrote (in its form)."""
    if not isinstance(text, str):
        return None
    parts = text.strip().split(_SEP)
    if len(parts) != 7 or parts[0] != _MARK or not all(parts[1:]):
        return None
    _, tag, export, entity, key_hash, state, sig = parts
    if not (export.startswith("e") and export[1:].isdigit()) or not all(p.isdigit() for p in entity.split("-")):
        return None
    return RowStamp(int(export[1:]), entity, state, tag, key_hash, sig)


def check_stamp(stamp: RowStamp, *, database_id: str, keys: Sequence[object]) -> StampCheck:
    """Whether a row's stamp is one this database wrote, unaltered, for a row whose key cells read ``keys``."""
    if stamp.db_tag != database_tag(database_id):
        return StampCheck.OTHER_DATABASE
    if stamp.sig != _signature(database_id, stamp):
        return StampCheck.BROKEN
    if stamp.key_hash != _key_hash(keys):
        return StampCheck.KEY_CHANGED
    return StampCheck.OK


def shown(value: object) -> str:
    """A value in a conflict listing: （空） for nothing."""
    text = _canonical(value).replace("\x1e", "; ")
    if isinstance(value, float | int) and not isinstance(value, bool):
        text = f"{value:g}"
    elif isinstance(value, bool):
        text = "あり" if value else "なし"
    return text if text else "（空）"


# ---- what an import of such a file reports ------------------------------------------------------------

CHANGED_SINCE = "書き出し後にデータベースで変更されています"
CHANGED_SINCE_UNTOUCHED = "書き出し後にデータベースで変更されています（ファイルのこの行は書き出したまま）"
NO_STAMP = "ファイルに書き出し時の版がなく、データベースの内容より新しいか確かめられません"
OTHER_DATABASE = "別のデータベースから書き出した行で、このデータベースの内容より新しいか確かめられません"
_SHOWN_CHARS = 40


def _short(text: str) -> str:
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 1] + "…"


@dataclass(frozen=True, slots=True)
class RowConflict:
    """A row of a file that would change a row the database holds, which may be newer than the file."""

    where: str  # "シート「001 住民記録」 5行目", "systems.csv 3行目"
    label: str  # "001:F-005", "住民記録システム", "住民記録システム → 国民健康保険システム"
    reason: str  # one of the texts above
    fields: tuple[tuple[str, str, str], ...]  # (column, the database's value, the file's value)
    applied: bool = False  # applied all the same (--accept-older)
    removal: bool = False  # a row the file lacks, which applying the file removes

    def __str__(self) -> str:
        diff = "、".join(f"{col}: データベース「{_short(db)}」／ファイル「{_short(file)}」" for col, db, file in self.fields)
        if self.removal:
            done = "削除しました" if self.applied else "削除していません"
        else:
            done = "ファイルの内容で上書きしました" if self.applied else "取り込んでいません"
        return f"{self.where} {self.label}: {self.reason}。{done}" + (f" — {diff}" if diff else "")


STALE_HINT = ("データベースの今の内容を確かめて（書き出し直したファイルに記入し直すのが確実です）、"
              "それでもファイルの内容で上書きするなら --accept-older を付けて取り込み直してください。")


@dataclass(frozen=True)
class FileStamps:
    """The stamps of a file's rows, checked: per row a RowStamp (intact), a StampCheck (BROKEN or
    KEY_CHANGED: the row is refused) or None (no stamp to go by: a row added by hand, a file made elsewhere
    or by an older fitgap, or a row of another database)."""

    rows: tuple[RowStamp | StampCheck | None, ...]
    others: tuple[bool, ...]  # per row: stamped by another database
    stamped: bool  # the file has stamps fitgap wrote (some rows at least)

    def reason(self, i: int) -> str:
        """Why a row without an intact stamp cannot show that it is not older than the database."""
        return OTHER_DATABASE if self.others[i] else NO_STAMP

    def notice(self) -> str | None:
        other = sum(self.others)
        if other:
            return (f"{other:,} 行は別のデータベースから書き出したものです（書き出し後の変更を確かめられません。"
                    "登録済みの行を変える行は競合として扱います）。")
        if not self.stamped and self.rows:
            return ("このファイルには書き出し時の版がありません（fitgap が書き出したファイルではないか、以前の版の fitgap で"
                    "書き出したものです）。登録済みの行を変える行は競合として扱います。")
        return None

    def export(self) -> int | None:
        """The earliest export among the intact stamps (the newest audit event it saw)."""
        marks = [s.export for s in self.rows if isinstance(s, RowStamp)]
        return min(marks) if marks else None


def check_file_stamps(texts: Sequence[str], keys: Sequence[Sequence[object]], *, database_id: str) -> FileStamps:
    """Every row's stamp cell (``texts``, "" for none) against the row's key cells (``keys``)."""
    decoded = [decode_stamp(t) if t else None for t in texts]
    stamped = any(d is not None for d in decoded)
    rows: list[RowStamp | StampCheck | None] = []
    others: list[bool] = []
    for text, stamp, key in zip(texts, decoded, keys, strict=True):
        other = False
        if stamp is None:
            # an unreadable stamp where the other rows have theirs was edited; in a file without any, the key
            # column holds what an older fitgap wrote there
            rows.append(StampCheck.BROKEN if text and stamped else None)
        else:
            verdict = check_stamp(stamp, database_id=database_id, keys=key)
            other = verdict == StampCheck.OTHER_DATABASE
            rows.append(stamp if verdict == StampCheck.OK else None if other else verdict)
        others.append(other)
    return FileStamps(tuple(rows), tuple(others), stamped)
