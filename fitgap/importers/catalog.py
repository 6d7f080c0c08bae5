"""Read the bundled catalog: operations, the municipality directory and the 特定移行支援 flags."""

from __future__ import annotations

import csv
import difflib
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from fitgap.errors import AmbiguousError, InvalidInputError, NotFoundError

TOKUTEI_FILE = "tokutei_2025-12.csv"
PROGRESS_FILE = "progress_2026-01.csv"
TOKUTEI_FIXED = ("団体コード", "都道府県", "団体名", "団体区分", "該当業務数")  # the rest: one column per operation


@dataclass(frozen=True)
class OperationEntry:
    code: str
    order: int
    name: str
    short_name: str
    group: str
    ministry: str
    spec_document: str
    sub_codes: tuple[str, ...] = ()
    cross_cutting: bool = False
    tokutei_column: str = ""  # column of the 特定移行支援 list that flags this operation
    serves: tuple[str, ...] = ()  # a common part: the operations it serves (empty: every operation)


@dataclass(frozen=True)
class MunicipalityEntry:
    prefecture: str
    name: str
    code: str | None = None
    kind: str | None = None
    tokutei_columns: frozenset[str] = field(default_factory=frozenset)  # operations flagged 特定移行支援

    @property
    def label(self) -> str:
        code = f"（{self.code}）" if self.code else ""
        name = self.name if self.name == self.prefecture else f"{self.prefecture} {self.name}"
        return f"{name}{code}"


def read_operations(path: Path) -> list[OperationEntry]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise InvalidInputError(f"カタログ {path} を読めません: {exc}", "fitgap を入れ直してください。") from exc
    out = []
    for i, row in enumerate(data.get("operation", []), start=1):
        out.append(
            OperationEntry(
                code=str(row["code"]),
                order=i,
                name=row["name"],
                short_name=row.get("short_name", row["name"]),
                group=row.get("group", ""),
                ministry=row.get("ministry", ""),
                spec_document=row.get("spec_document", ""),
                sub_codes=tuple(str(c) for c in row.get("sub_codes", [])),
                cross_cutting=bool(row.get("cross_cutting", False)),
                tokutei_column=row.get("tokutei_column", row["name"]),
                serves=tuple(str(c) for c in row.get("serves", [])),
            )
        )
    return out


def read_municipalities(catalog_dir: Path) -> list[MunicipalityEntry]:
    """Every body known to the bundled lists; codes and flags from the 特定移行支援 list where present."""
    entries: dict[tuple[str, str], MunicipalityEntry] = {}
    with (catalog_dir / TOKUTEI_FILE).open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        for row in reader:
            flags = frozenset(k for k, v in row.items() if k not in TOKUTEI_FIXED and (v or "").strip() == "1")
            name = row["団体名"].strip() or row["都道府県"]  # prefectures themselves have no 団体名
            e = MunicipalityEntry(row["都道府県"], name, row["団体コード"].zfill(6), row["団体区分"], flags)
            entries[(e.prefecture, e.name)] = e
    with (catalog_dir / PROGRESS_FILE).open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            key = (row["都道府県"], row["団体名"])
            entries.setdefault(key, MunicipalityEntry(*key))
    return list(entries.values())


def read_tokutei_columns(catalog_dir: Path) -> tuple[str, ...]:
    """The operation columns of the bundled 特定移行支援 list (the 20 operations and 共通機能), in its order."""
    with (catalog_dir / TOKUTEI_FILE).open(encoding="utf-8-sig", newline="") as fh:
        header = next(csv.reader(fh), [])
    return tuple(c for c in header if c not in TOKUTEI_FIXED)


def _norm(s: str) -> str:
    return "".join(unicodedata.normalize("NFKC", s).split())


def find_municipality(
    entries: list[MunicipalityEntry],
    *,
    name: str | None = None,
    prefecture: str | None = None,
    code: str | None = None,
) -> MunicipalityEntry:
    """One body by 団体コード or by name (optionally with its prefecture, or written as 東京都府中市)."""
    if code:
        c = _norm(code)
        if not (c.isdigit() and len(c) == 6):
            raise InvalidInputError(f"団体コード {code!r} は6桁の数字ではありません。", "例: --code 011002（札幌市）")
        hits = [e for e in entries if e.code == c]
        if not hits:
            raise NotFoundError(
                f"団体コード {c} は同梱の一覧にありません（団体コードを持つのは特定移行支援システムの一覧にある団体のみです）。",
                "--municipality 名前（必要なら --prefecture）で指定してください。",
            )
        return hits[0]
    if not name:
        raise InvalidInputError("団体名か団体コードを指定してください。", "例: --municipality 札幌市 / --code 011002")
    n = _norm(name)
    pref = _norm(prefecture) if prefecture else None
    if pref is None:
        for e in entries:  # "東京都府中市" written as one word
            if n.startswith(e.prefecture) and n[len(e.prefecture) :] == e.name:
                return e
    hits = [e for e in entries if e.name == n and (pref is None or e.prefecture == pref)]
    if len(hits) == 1:
        return hits[0]
    if len(hits) > 1:
        listed = "、".join(e.label for e in hits)
        raise AmbiguousError(
            f"{name} は複数あります: {listed}",
            f"--prefecture で都道府県を指定してください（例: --municipality {name} --prefecture {hits[0].prefecture}）、または --code で指定してください。",
        )
    pool = [e for e in entries if pref is None or e.prefecture == pref]
    names = [e.name for e in pool]
    close = difflib.get_close_matches(n, names, n=6, cutoff=0.5)
    close += [x for x in names if n and x and (n in x or x in n) and x not in close][:6]
    suggestions = [e.label for x in dict.fromkeys(close) for e in pool if e.name == x][:8]
    where = f"{prefecture} の" if prefecture else ""
    raise NotFoundError(
        f"{where}団体 {name!r} は見つかりません。" + (f" 近い候補: {'、'.join(suggestions)}" if suggestions else ""),
        "正しい団体名（市区町村名は「市」「町」「村」「区」まで）か --code で指定してください。",
    )
