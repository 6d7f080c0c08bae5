"""The round trips as they behaved when the fixtures were made: returned workbooks of every kind, filled as
their recipients fill them (openpyxl, and the same files re-saved by LibreOffice Calc), with what importing
each one did to the database and reported.

``make_fixtures`` writes tests/data/round_trips/ (run it only for a new kind of workbook or a new case: its
point is that the expectation was recorded by the code of its day, commit 8dbec35 for the first three kinds);
``outcome`` is what the test compares, for the recorded files against the code of today.

    python -m tests.round_trip_golden          # (re)make the fixtures
    python -m tests.round_trip_golden record   # record what the stored files do today (wording changed)
"""

from __future__ import annotations

import gzip
import json
import shutil
import sqlite3
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import openpyxl

from fitgap.cli.main import main as fitgap_main
from fitgap.domain.answer_sheet import FIRST_DATA_ROW, HEADER_ROW, KEY_HEADER
from fitgap.storage.schema import open_database

HERE = Path(__file__).parent / "data" / "round_trips"
TODAY = date(2026, 12, 1)
KINDS = ("vendor", "review", "change")
# what an import changes, compared without its clock and its row numbers
TABLES = ("vendor_answer", "assessment", "interface_change")
SKIP = ("id", "export_id", "received_at", "assessed_at", "updated_at", "created_at")  # clock and uuids
JUKI = "住民記録システム"
LINKED = [f"連携システム{i:02d}" for i in range(1, 13)]


def _cli(db: Path, *args: str) -> None:
    code = fitgap_main(["--db", str(db), "--user", "fixture", *args])
    if code:
        raise SystemExit(f"fitgap {' '.join(args)} failed with {code}")


def _sheet(wb: Any) -> Any:
    """The first data sheet (the one with the key column)."""
    for ws in wb.worksheets:
        if ws.sheet_state == "visible" and KEY_HEADER in [c.value for c in ws[HEADER_ROW]]:
            return ws
    raise KeyError("no data sheet")


def _cols(ws: Any) -> dict[str, int]:
    return {c.value: c.column for c in ws[HEADER_ROW] if c.value}


def _fill(src: Path, dst: Path, edit: Callable[[Any, dict[str, int]], None]) -> None:
    wb = openpyxl.load_workbook(src)
    ws = _sheet(wb)
    edit(ws, _cols(ws))
    wb.save(dst)


def _copy_row(ws: Any, src: int, values: dict[int, Any] | None = None) -> int:
    """A row copied below the last one (its key too), some cells then changed: a duplicated row."""
    dst = ws.max_row + 1
    for c in range(1, ws.max_column + 1):
        ws.cell(row=dst, column=c).value = ws.cell(row=src, column=c).value
    for c, v in (values or {}).items():
        ws.cell(row=dst, column=c).value = v
    return dst


def _vendor_edit(ws: Any, h: dict[str, int]) -> None:
    r = FIRST_DATA_ROW
    a, d, c, m, i, k = (h["対応可否"], h["対応予定日"], h["概算費用（千円）"], h["回答・代替案"], h["ID"],
                        h[KEY_HEADER])
    ws.cell(r, a).value = "標準で対応"
    ws.cell(r + 1, a).value, ws.cell(r + 1, d).value, ws.cell(r + 1, c).value = "期限後対応", "2027/4/1", "1,200"
    ws.cell(r + 2, a).value = "対応できる"
    ws.cell(r + 3, a).value, ws.cell(r + 3, d).value = "代替案あり", "来年"
    ws.cell(r + 4, a).value, ws.cell(r + 4, c).value = "要協議", -5
    ws.cell(r + 5, a).value, ws.cell(r + 5, c).value = "要協議", "たくさん"
    ws.cell(r + 6, a).value = "#N/A"
    ws.cell(r + 7, a).value = "=B3"
    ws.cell(r + 8, m).value = "回答だけ"
    ws.cell(r + 9, a).value, ws.cell(r + 9, m).value = "要協議", "\u200b前後に 見えない文字\u200b"
    ws.cell(r + 10, a).value, ws.cell(r + 10, d).value = "期限後対応", datetime(2027, 9, 30)
    ws.cell(r + 11, a).value = "標準で対応"
    ws.cell(r + 12, a).value, ws.cell(r + 12, i).value = "標準で対応", "9999999"
    ws.cell(r + 13, a).value, ws.cell(r + 13, k).value = "標準で対応", "壊れたキー"
    ws.cell(r + 14, a).value = "標準で対応"  # answered in a newer workbook already (see make_fixtures)
    ws.cell(r + 15, a).value = "対応不可"  # likewise, with the same answer there
    _copy_row(ws, r)  # the same answer twice
    _copy_row(ws, r + 11, {a: "対応不可"})  # two different answers to one requirement
    added = ws.max_row + 1
    ws.cell(added, a).value, ws.cell(added, m).value = "標準で対応", "追加した行"
    ws.delete_rows(r + 16)


def _review_edit(ws: Any, h: dict[str, int]) -> None:
    r = FIRST_DATA_ROW
    s, d, n, i, k = h["状況"], h["対応方針"], h["メモ"], h["ID"], h[KEY_HEADER]
    ws.cell(r, s).value = "適合"
    ws.cell(r + 1, s).value, ws.cell(r + 1, d).value, ws.cell(r + 1, n).value = "ギャップ", "業務見直し", "運用を変える"
    ws.cell(r + 2, s).value = "OK"
    ws.cell(r + 3, s).value, ws.cell(r + 3, d).value = "適合", "業務見直し"
    ws.cell(r + 4, s).value, ws.cell(r + 4, d).value = "ギャップ", "何か"
    ws.cell(r + 5, n).value = "#REF!"
    ws.cell(r + 6, s).value = "=B3"
    ws.cell(r + 8, n).value = "\u200bメモ\u200b を追記"
    ws.cell(r + 9, s).value = "対象外"  # changed in fitgap after the export (see make_fixtures)
    ws.cell(r + 10, s).value = "適合"
    ws.cell(r + 11, s).value, ws.cell(r + 11, i).value = "適合", "9999999"
    ws.cell(r + 12, s).value, ws.cell(r + 12, k).value = "適合", "壊れたキー"
    ws.cell(r + 13, s).value = "ギャップ"  # a gap without a disposition
    _copy_row(ws, r + 10, {s: "対象外"})
    added = ws.max_row + 1
    ws.cell(added, s).value = "適合"
    ws.delete_rows(r + 14)


def _change_edit(ws: Any, h: dict[str, int]) -> None:
    r = FIRST_DATA_ROW
    s, p, a, c, t, n, k = (h["状況"], h["完了予定日"], h["完了日"], h["概算費用（千円）"], h["暫定連携"], h["備考"],
                           h[KEY_HEADER])
    ws.cell(r, s).value, ws.cell(r, a).value = "完了", datetime(2026, 11, 20)
    ws.cell(r + 1, s).value, ws.cell(r + 1, a).value = "調査中", "2026/11/1"
    ws.cell(r + 2, s).value = "終わった"
    ws.cell(r + 3, p).value = "いつか"
    ws.cell(r + 4, c).value = -1
    ws.cell(r + 5, n).value = "#VALUE!"
    ws.cell(r + 6, s).value, ws.cell(r + 6, t).value = "改修中", "\u200bCSV で暫定連携"  # changed in fitgap meanwhile
    ws.cell(r + 7, s).value = "改修中"  # its link removed meanwhile
    ws.cell(r + 8, k).value = "壊れたキー"
    ws.cell(r + 8, s).value = "改修中"
    ws.cell(r + 9, s).value, ws.cell(r + 9, p).value = "調査中", datetime(2027, 2, 1)
    ws.cell(r + 10, c).value, ws.cell(r + 10, t).value = "1,500", "=CSV で暫定連携"
    ws.cell(r + 11, s).value, ws.cell(r + 11, n).value = "連携テスト済", "  前後に空白  "
    _copy_row(ws, r + 1, {n: "二重"})
    added = ws.max_row + 1
    ws.cell(added, s).value, ws.cell(added, n).value = "調査中", "追加した行"


def _resave(files: list[Path], outdir: Path) -> list[Path]:
    from tests.office import soffice_convert

    with tempfile.TemporaryDirectory() as tmp:
        soffice_convert(files, "xlsx", Path(tmp), Path(tmp) / "profile")
        out = []
        for f in files:
            target = outdir / f"{f.stem}_calc.xlsx"
            shutil.move(Path(tmp) / f.name, target)
            out.append(target)
    return out


def make_fixtures(out: Path = HERE) -> None:
    from fitgap.services import change_sheets, changes, review_sheets, systems, vendors
    from fitgap.services.assessment import apply_changes
    from fitgap.services.items import ItemKey

    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    work = Path(tempfile.mkdtemp())
    dbf = work / "fixture.db"
    _cli(dbf, "init", "--municipality", "札幌市")
    _cli(dbf, "demo", "-n", "400", "--seed", "11")
    db = open_database(f"sqlite:///{dbf}")
    for name in LINKED:
        systems.add_system(db=db, user="fixture", name=name, kind=systems.SystemKind.RELATED, vendor="株式会社連携")
        systems.set_link(db=db, user="fixture", provider=JUKI, consumer=name, data="宛名")
    systems.update_system(db=db, user="fixture", system=JUKI, planned_cutover=date(2027, 1, 5))

    at = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    older = vendors.export_vendor_sheet(db=db, user="fixture", vendor="株式会社回答", exports_dir=work,
                                        operation_keys=["001"], path=work / "vendor.xlsx", now=at)
    newer = vendors.export_vendor_sheet(db=db, user="fixture", vendor="株式会社回答", exports_dir=work,
                                        operation_keys=["001"], path=work / "vendor_newer.xlsx",
                                        now=datetime(2026, 11, 9, 9, 0, tzinfo=UTC))
    review = review_sheets.export_review_sheet(db=db, user="fixture", operation_keys=["001"], exports_dir=work,
                                               path=work / "review.xlsx", now=at)
    change = change_sheets.export_change_sheet(db=db, user="fixture", exports_dir=work, vendor="株式会社連携",
                                               path=work / "change.xlsx", today=TODAY, now=at)

    # after the exports: the vendor answered the newer workbook on two rows …
    def newer_answers(ws: Any, h: dict[str, int]) -> None:
        ws.cell(FIRST_DATA_ROW + 14, h["対応可否"]).value = "要協議"
        ws.cell(FIRST_DATA_ROW + 15, h["対応可否"]).value = "対応不可"

    _fill(newer.path, work / "vendor_newer_back.xlsx", newer_answers)
    vendors.import_vendor_sheet(db=db, user="fixture", path=work / "vendor_newer_back.xlsx", report_dir=work,
                                now=datetime(2026, 11, 10, 9, 0, tzinfo=UTC))
    # … staff changed one requirement of the review sheet in fitgap …
    wb = openpyxl.load_workbook(review.path)
    ws = _sheet(wb)
    kind, req_id = ws.cell(FIRST_DATA_ROW + 9, _cols(ws)["種別"]).value, ws.cell(FIRST_DATA_ROW + 9, 1).value
    from fitgap.domain.enums import RequirementKind, Status

    apply_changes(db=db, user="staff", changes={ItemKey("001", RequirementKind(kind), str(req_id)): {
        "status": Status.FIT}})
    # … and one 改修 item in fitgap, and removed one link
    wb = openpyxl.load_workbook(change.path)
    ws = _sheet(wb)
    consumer = _cols(ws)["利用側システム"]
    changes.update_change(db=db, user="staff", provider=JUKI, consumer=ws.cell(FIRST_DATA_ROW + 6, consumer).value,
                          note="庁内で確認中", today=TODAY)
    systems.remove_link(db=db, user="staff", provider=JUKI, consumer=ws.cell(FIRST_DATA_ROW + 7, consumer).value)
    db.dispose()

    books = []
    for kind, src, edit in (("vendor", older.path, _vendor_edit), ("review", review.path, _review_edit),
                            ("change", change.path, _change_edit)):
        dst = out / f"{kind}.xlsx"
        _fill(src, dst, edit)
        books.append(dst)
    _resave(books, out)
    with dbf.open("rb") as fh, gzip.open(out / "fixture.db.gz", "wb", compresslevel=9) as gz:
        shutil.copyfileobj(fh, gz)
    record(out)
    shutil.rmtree(work, ignore_errors=True)


def record(out: Path = HERE) -> None:
    """Record again what importing the stored workbooks does (their files stay as they were written): for
    a deliberate change of wording, reviewed in the diff of expected.json."""
    expected = {f.name: outcome(out / "fixture.db.gz", f) for f in sorted(out.glob("*.xlsx"))}
    (out / "expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                                       encoding="utf-8")


def _dump(dbf: Path) -> dict[str, list[list[Any]]]:
    con = sqlite3.connect(dbf)
    try:
        out = {}
        for t in TABLES:
            cols = [r[1] for r in con.execute(f"PRAGMA table_info('{t}')") if r[1] not in SKIP]
            quoted = ", ".join(f'"{c}"' for c in cols)
            rows = [[str(v) if v is not None else None for v in row]
                    for row in con.execute(f"SELECT {quoted} FROM '{t}'").fetchall()]
            out[t] = sorted(rows, key=repr)
        return out
    finally:
        con.close()


def _report(rep: Any) -> dict[str, Any]:
    return {
        "taken": rep.taken,
        "untouched": getattr(rep, "untouched", 0),
        "unanswered": getattr(rep, "unanswered", 0),
        "unchanged": getattr(rep, "unchanged", 0),
        "conflicts": len(getattr(rep, "conflicts", ())) + len(getattr(rep, "older", ())),
        "stripped": rep.stripped_chars,
        "notices": sorted(rep.notices),
        # what the problem report lists: the problems and the conflicts
        "problems": sorted(([p.sheet, p.row, p.key, p.message, p.hint] for p in getattr(rep, "reported", rep.problems)),
                           key=repr),
    }


def outcome(db_gz: Path, book: Path) -> dict[str, Any]:
    """What importing ``book`` into a copy of the fixture database reports (dry run and for real) and
    leaves in the tables an import changes."""
    from fitgap.services import change_sheets, review_sheets, vendors

    kind = book.stem.split("_")[0]
    with tempfile.TemporaryDirectory() as tmp:
        dbf = Path(tmp) / "fixture.db"
        with gzip.open(db_gz, "rb") as gz, dbf.open("wb") as fh:
            shutil.copyfileobj(gz, fh)
        result: dict[str, Any] = {}
        for dry in (True, False):
            db = open_database(f"sqlite:///{dbf}")
            try:
                common = {"db": db, "user": "importer", "path": book, "report_dir": Path(tmp), "dry_run": dry}
                if kind == "vendor":
                    rep = vendors.import_vendor_sheet(**common, now=datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
                elif kind == "review":
                    rep = review_sheets.import_review_sheet(**common)
                else:
                    rep = change_sheets.import_change_sheet(**common, today=TODAY)
            finally:
                db.dispose()
            result["dry_run" if dry else "applied"] = _report(rep)
        result["tables"] = _dump(dbf)
        return result


if __name__ == "__main__":
    if sys.argv[1:] == ["record"]:
        record()
    else:
        make_fixtures(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
