"""#28: dispositions as the guidance words them, and the 業務見直し register they create (through the CLI)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from fitgap.domain.models import Vendor, VendorAnswer
from fitgap.services.database import open_db
from fitgap.services.items import ItemKey, get_item
from tests.conftest import dump_database

CSV = (
    "業務コード,No,機能名称,種別,概要,利用部署,頻度,根拠,年間費用,標準外,対応方針,理由\n"
    "001,F-001,窓口受付票,帳票,窓口で交付,市民課,毎日,慣行,,あり,運用で対応,窓口で手書きの控えを渡す\n"
    "001,F-002,混雑表示,画面,待ち人数を表示,市民課,毎日,慣行,1200,,,\n"
    "001,F-003,独自集計,機能,,市民課,随時,要綱,,,,\n"
)
OPTION = "機能:1.1.2-オプション"


def _setup(cli, tmp_path: Path) -> None:
    path = tmp_path / "inv.csv"
    path.write_text(CSV, encoding="utf-8")
    assert cli("init").code == 0
    r = cli("custom", "import", str(path))
    assert r.code == 0, r.err
    assert "追加 3 件" in r.out


def test_operation_is_accepted_on_import_and_creates_a_bpr_item(cli, tmp_path: Path) -> None:
    """Repro 1: 運用で対応 in a 現行機能一覧 is read (it was refused), and it changes the work."""
    _setup(cli, tmp_path)
    r = cli("custom", "show", "001:F-001")
    assert "対応方針: 運用で対応" in r.out
    r = cli("bpr", "list")
    assert "窓口受付票 の業務見直し" in r.out and "1 件（実施済でない 1" in r.out
    assert "001:独自:F-001" in cli("bpr", "show", "1").out


def test_a_function_covered_only_by_an_option_stays_open_until_adopted_and_implemented(
        cli, tmp_path: Path, db_url: str) -> None:
    """Repro 2: mapping to a 標準オプション does not make the function safe, nor clear its decision."""
    _setup(cli, tmp_path)
    assert cli("custom", "set", "001:F-002", "--outside", "--disposition", "要検討", "--note", "検討中").code == 0
    r = cli("custom", "map", "001:F-002", "--add", OPTION)
    assert r.code == 0
    r = cli("custom", "list", "--undecided")
    assert "F-002" in r.out and "オプション採用待ち" in r.out
    r = cli("custom", "set", "001:F-002", "--disposition", "標準オプションで対応", "--note", "オプションを採用する")
    assert r.code == 0
    r = cli("custom", "list", "--undecided")
    assert "F-002" in r.out  # still open: the option is neither adopted nor implemented
    db = open_db(url=db_url)
    try:
        from fitgap.domain.enums import Status
        from fitgap.services.assessment import update_items

        key = ItemKey.parse("001:" + OPTION)
        update_items(db=db, user="u", keys=[key], status=Status.FIT)  # adopted
        assert "F-002" in cli("custom", "list", "--undecided").out  # not implemented yet
        with db.write() as s:
            v = Vendor(name="A社")
            s.add(v)
            s.flush()
            s.add(VendorAnswer(vendor_id=v.id or 0, operation_code="001", kind="機能", req_id=key.req_id,
                               answer="標準で対応", received_at=datetime.now(UTC)))
        assert get_item(db=db, key=key).status == Status.FIT
    finally:
        db.dispose()
    r = cli("custom", "list", "--undecided")
    assert "F-002" not in r.out
    assert "標準オプションで対応" in cli("custom", "show", "001:F-002").out


def test_the_new_decisions_and_their_rules(cli, tmp_path: Path, db_path: Path) -> None:
    """Repro 3: カスタマイズ needs its reason; 既存の別システムで実現 names an existing system, never a new one."""
    _setup(cli, tmp_path)
    assert cli("custom", "set", "001:F-003", "--outside").code == 0
    before = dump_database(db_path)
    r = cli("custom", "set", "001:F-003", "--disposition", "カスタマイズ")
    assert r.code == 1 and "理由" in r.out and "やむを得ない" in r.out
    r = cli("custom", "set", "001:F-003", "--disposition", "既存の別システムで実現", "--system", "存在しない庁内システム",
            "--note", "庁内の集計システムで行う")
    assert r.code != 0 and "存在しない庁内システム" in r.err
    assert dump_database(db_path) == before
    existing = "住民記録システム"  # one of the typical systems fitgap init lists
    assert existing in cli("systems", "list").out
    r = cli("custom", "set", "001:F-003", "--disposition", "既存の別システムで実現", "--system", existing,
            "--note", "既存のシステムで集計する")
    assert r.code == 0, r.out + r.err
    assert f"移行先: {existing}" in cli("custom", "show", "001:F-003").out
    for decision in ("パラメータ設定で対応", "共通機能で対応", "カスタマイズ"):
        r = cli("custom", "set", "001:F-003", "--disposition", decision, "--note", "法改正に伴い真にやむを得ない")
        assert r.code == 0 and f"対応方針: {decision}" in cli("custom", "show", "001:F-003").out


def test_the_registers_life(cli, tmp_path: Path) -> None:
    """Repro 5: created from a decision, grouped, reassigned, done, undone."""
    _setup(cli, tmp_path)
    assert cli("custom", "set", "001:F-003", "--outside").code == 0
    r = cli("custom", "set", "001:F-003", "--disposition", "業務見直し", "--note", "集計をやめる", "--bpr", "1")
    assert r.code == 0 and "業務見直し #1 に加えました" in r.out  # grouped with F-001's item
    show = cli("bpr", "show", "1").out
    assert "001:独自:F-001" in show and "001:独自:F-003" in show
    r = cli("bpr", "set", "1", "--department", "市民課", "--person", "佐藤", "--changes", "例規,様式",
            "--due", "2027-03-31")
    assert r.code == 0
    r = cli("bpr", "list", "--department", "市民課")
    assert "例規・様式" in r.out and "佐藤" in r.out and "市民課: 未完了 1（うち期限超過 0）" in r.out
    assert cli("bpr", "list", "--department", "税務課").out.startswith("ID")
    assert cli("bpr", "done", "1").code == 0
    assert "実施済 1" in cli("bpr", "list").out and "（" in cli("bpr", "show", "1").out
    assert cli("bpr", "reopen", "1").code == 0  # undone
    r = cli("bpr", "show", "1")
    assert "状況: 決定" in r.out and "実施）" not in r.out
    assert cli("bpr", "undo").code == 0  # the reopening taken back: done again
    assert "状況: 実施済" in cli("bpr", "show", "1").out
    # a decision that no longer changes the work leaves the item, said
    r = cli("custom", "set", "001:F-001", "--disposition", "廃止")
    assert "業務見直し #1 から外しました" in r.out
    r = cli("custom", "set", "001:F-003", "--disposition", "パラメータ設定で対応")
    assert "答える対象がなくなりました" in r.out


def test_an_overdue_item_reads_overdue(cli, tmp_path: Path) -> None:
    _setup(cli, tmp_path)
    assert cli("bpr", "set", "1", "--due", "2026-04-01").code == 0
    r = cli("bpr", "list", "--overdue")
    assert "日超過" in r.out and "うち期限超過 1" in r.out
    r = cli("bpr", "set", "1", "--status", "未定")
    assert r.code != 0 and "未定" in r.err and "実施済" in r.err


def test_my_functions_by_department(cli, tmp_path: Path) -> None:
    """Departments as owners: the 独自機能 assigned to a 担当課 are listed by it, and a 担当課 with none says so."""
    _setup(cli, tmp_path)
    r = cli("assign", "001:F-001", "001:F-003", "--department", "市民課", "--person", "佐藤")
    assert r.code == 0, r.err
    mine = cli("custom", "list", "--department", "市民課")
    assert mine.code == 0 and "001:F-001" in mine.out and "001:F-003" in mine.out and "001:F-002" not in mine.out
    assert "2 件" in mine.out
    none = cli("custom", "list", "--department", "税務課")
    assert none.code == 0 and "割り当てのある担当課: 市民課" in none.out
