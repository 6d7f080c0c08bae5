"""fitgap audit -o FILE.xlsx|csv: who, when, what, old and new; filters; values stay text."""

import csv
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from fitgap.errors import InvalidInputError
from fitgap.services.audit_export import export_audit
from fitgap.storage import audit


def _add(db, *, user, at, key, old, new):
    with db.write() as s:
        audit.record(session=s, user=user, at=at, batch=audit.new_batch(), action="assessment.update",
                     entity="assessment", entity_key=key, field="note", old=old, new=new)


@pytest.fixture
def logged(db):
    _add(db, user="佐藤", at=datetime(2026, 10, 1, 3, 0, tzinfo=UTC), key="001:0010001", old="", new="=HYPERLINK(\"x\")")
    _add(db, user="鈴木", at=datetime(2026, 11, 2, 3, 0, tzinfo=UTC), key="001:0010002", old="旧", new="新")
    return db


def test_xlsx_has_who_when_what_old_new(logged, tmp_path):
    out = tmp_path / "log.xlsx"
    result = export_audit(db=logged, output=out)
    ws = load_workbook(out).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:8] == ("日時", "利用者", "操作", "対象", "キー", "項目", "変更前", "変更後")
    assert result.rows == len(rows) - 1 >= 3  # init's own events come first
    mine = [r for r in rows if r[1] in ("佐藤", "鈴木")]
    assert [r[1] for r in mine] == ["佐藤", "鈴木"]  # oldest first
    assert mine[0][4] == "001:0010001" and mine[0][5] == "メモ" and mine[0][3] == "要件の確認結果"
    assert mine[0][7] == '=HYPERLINK("x")'  # stays text, never a formula
    assert ws.cell(row=rows.index(mine[0]) + 1, column=8).data_type == "s"
    assert mine[1][6:8] == ("旧", "新") and "確認結果の変更" in mine[1][2]


def test_csv_filters_and_formula_guard(logged, tmp_path):
    out = tmp_path / "log.csv"
    export_audit(db=logged, output=out, user="佐藤")
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert len(rows) == 2 and rows[1][1] == "佐藤"
    assert rows[1][7] == "'=HYPERLINK(\"x\")"
    export_audit(db=logged, output=out, since=datetime(2026, 11, 1).date(), until=datetime(2026, 11, 30).date(),
                 overwrite=True)
    with out.open(encoding="utf-8-sig", newline="") as fh:
        users = [r[1] for r in csv.reader(fh)][1:]
    assert "鈴木" in users and "佐藤" not in users


def test_wrong_suffix_is_refused(logged, tmp_path):
    with pytest.raises(InvalidInputError, match=r"\.xlsx か \.csv"):
        export_audit(db=logged, output=tmp_path / "log.pdf")
    assert not (tmp_path / "log.pdf").exists()


def test_cli_audit(cli, tmp_path):
    cli("init")
    r = cli("audit", "-o", str(tmp_path / "a.csv"), "--by", "tester")
    assert r.code == 0 and "件を" in r.out
    assert (tmp_path / "a.csv").read_text(encoding="utf-8-sig").startswith("日時,利用者")


def test_actions_fields_and_values_read_as_in_the_workbench(db, cli, tmp_path):
    assert cli("systems", "set", "住民記録システム", "--planned", "2026-10-01", "--confirm").code == 0
    assert cli("systems", "milestone", "住民記録システム", "契約", "--planned", "2026-06-01").code == 0
    with db.write() as s:
        audit.record(session=s, user="佐藤", at=datetime(2026, 10, 1, 3, 0, tzinfo=UTC), batch=audit.new_batch(),
                     action="assessment.update", entity="assessment", entity_key="001:0010001",
                     field="needs_review", old="1", new="0")
    out = tmp_path / "log.csv"
    export_audit(db=db, output=out)
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))[1:]
    text = "\n".join(",".join(r) for r in rows)
    assert "datetime" not in text and "True" not in text and "False" not in text and "None" not in text
    assert "system.update" not in text and "link.add" not in text
    planned = next(r for r in rows if r[5] == "移行予定日")
    assert planned[2] == "システムの変更" and planned[3] == "システム" and planned[7] == "2026-10-01 (R8年度)"
    milestone = next(r for r in rows if r[5] == "契約")
    assert milestone[7] == "予定 2026-06-01 (R8年度) ／ 実績 —"
    flag = next(r for r in rows if r[5] == "要再確認")
    assert (flag[6], flag[7]) == ("はい", "いいえ")
