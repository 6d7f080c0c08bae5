"""Three bodies' databases for the 共同利用 tests (tests/unit/services/test_group.py, tests/unit/cli/test_group_cli.py):
the same demo list; A and B on a newer version of one operation (C left on the older one); on another
operation, one disagreement of each kind and one decision still open that disagrees with nobody."""

from __future__ import annotations

import csv
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from fitgap.domain.enums import Disposition, Kubun, Status
from fitgap.services.assessment import update_items
from fitgap.services.catalog import init_database
from fitgap.services.database import open_db
from fitgap.services.demo import generate_demo
from fitgap.services.items import ItemKey
from fitgap.services.specs_import import import_specs

BODIES = ("A町", "B村", "C町")
OP = "003"  # all three on the demo version: compared three ways (its demo list has options to choose)
SPLIT = "001"  # A and B on 第2.0版, C still on the demo version


@dataclass(frozen=True)
class Built:
    folder: Path
    group: Path
    status: ItemKey  # A 適合, B ギャップ, C 適合
    disposition: ItemKey  # 業務見直し / 運用で対応 / 要検討
    option: ItemKey  # 標準オプションで対応 naming two different options
    open_only: ItemKey  # 業務見直し / none / 要検討: not a disagreement
    options: tuple[str, str]


def rows_of(path: Path, sql: str) -> list[tuple[object, ...]]:
    con = sqlite3.connect(path)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _new_version(path: Path, folder: Path) -> None:
    """Import the current list of operation SPLIT again as 第2.0版 (its assessments carry over)."""
    rows = rows_of(path, f"SELECT req_id, kind, kubun, name, text FROM requirement WHERE operation_code = '{SPLIT}' "
                       "AND current = 1 ORDER BY doc_order")
    csv_path = folder / "split_v2.csv"
    with csv_path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["req_id", "kind", "kubun", "transitional", "category", "name", "text"])
        for r in rows:
            w.writerow([r[0], r[1], r[2], 0, "", r[3], r[4]])
    csv_path.with_suffix(".toml").write_text(f'operation = "{SPLIT}"\nversion = "第2.0版"\ntitle = "仕様書"\n',
                                             encoding="utf-8")
    db = open_db(url=f"sqlite:///{path}")
    try:
        assert import_specs(db=db, user="tester", paths=[csv_path])[0].written
    finally:
        db.dispose()


def _set(path: Path, key: ItemKey, status: Status, disposition: Disposition | None = None, detail: str = "") -> None:
    db = open_db(url=f"sqlite:///{path}")
    try:
        kw: dict[str, object] = {"status": status, "note": f"{path.stem} の判断"}
        if status == Status.GAP:
            kw["disposition"] = disposition
            kw["detail"] = detail
        r = update_items(db=db, user="tester", keys=[key], **kw)  # type: ignore[arg-type]
        assert not r.rejected and not r.conflicts
    finally:
        db.dispose()


def build_bodies(folder: Path) -> Built:
    first = folder / "body0.db"
    init_database(url=f"sqlite:///{first}", user="tester")
    db = open_db(url=f"sqlite:///{first}")
    try:
        generate_demo(db=db, total=300, seed=7, user="tester")
    finally:
        db.dispose()
    paths = [folder / f"body{i}.db" for i in range(3)]
    for p in paths[1:]:
        shutil.copy(first, p)  # the same demo, as three bodies sharing one system start out
    for p in paths[:2]:
        _new_version(p, folder)
    reqs = rows_of(first, f"SELECT kind, req_id, kubun FROM requirement WHERE operation_code = '{OP}' AND current = 1 "
                        "ORDER BY kind, req_id")
    options = [f"{k}:{r}" for k, r, kubun in reqs if kubun == Kubun.OPTION.value][:2]
    plain = [ItemKey.of(OP, k, r) for k, r, kubun in reqs if kubun == Kubun.MUST.value][:4]
    status, disposition, option, open_only = plain
    for p, s in zip(paths, (Status.FIT, Status.GAP, Status.FIT), strict=True):
        _set(p, status, s, Disposition.BPR if s == Status.GAP else None)
    for p, d in zip(paths, (Disposition.BPR, Disposition.OPERATION, Disposition.UNDECIDED), strict=True):
        _set(p, disposition, Status.GAP, d)
    for p, o in zip(paths, (options[0], options[1], options[0]), strict=True):
        _set(p, option, Status.GAP, Disposition.OPTION, o)
    for p, d in zip(paths, (Disposition.BPR, None, Disposition.UNDECIDED), strict=True):
        _set(p, open_only, Status.GAP, d)
    group = folder / "group.toml"
    group.write_text("".join(f'[[body]]\nname = "{n}"\ndb = "{p.name}"\n\n' for n, p in zip(BODIES, paths, strict=True)),
                     encoding="utf-8")
    return Built(folder, group, status, disposition, option, open_only, (options[0], options[1]))
