"""Enter opens a requirement full screen; search hits are marked in the detail pane and the full view."""

from __future__ import annotations

from datetime import UTC, datetime

from textual.widgets import Static

from fitgap.domain.enums import VendorAnswerKind
from fitgap.services.assessment import update_items
from fitgap.services.items import ItemFilter
from fitgap.storage import vendors as vendor_rows
from fitgap.tui.capture import screen_text
from fitgap.tui.screens.item_view import ItemScreen
from fitgap.tui.screens.requirements import RequirementsScreen
from fitgap.tui.widgets.detail_pane import highlighted
from tests.tui.conftest import REVISED_IDS


def _marked(content) -> list[str]:
    return [content.plain[s.start:s.end] for s in content.spans if "reverse" in str(s.style)]


def test_hits_are_marked_whatever_their_case_or_width():
    assert _marked(highlighted("ＰＤＦ形式と pdf と住民票", ["pdf"])) == ["ＰＤＦ", "pdf"]
    assert _marked(highlighted("転出届と転出証明書", ["転出"])) == ["転出", "転出"]


async def test_enter_shows_everything_about_the_item(revised_db, make_app):
    key = None
    app = make_app(revised_db)
    async with app.run_test(size=(120, 36)) as pilot:
        app.open_requirements("001")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RequirementsScreen)
        row = screen.table.current_row
        assert row is not None and row.key.req_id == REVISED_IDS[0]
        key = row.key
        update_items(db=revised_db, user="同僚", keys=[key], note="様式が違う")  # still 要再確認
        update_items(db=revised_db, user="同僚", keys=[key], note="様式が違う（窓口で確認）")
        with revised_db.write() as s:
            v = vendor_rows.get_or_create_vendor(session=s, name="株式会社サンプル")
            base = {"vendor_id": v.id, "operation_code": "001", "kind": "機能", "req_id": key.req_id,
                    "planned_date": None, "cost_kyen": None, "export_id": None, "text_hash": None}
            vendor_rows.insert_answers(session=s, rows=[
                {**base, "answer": VendorAnswerKind.IMPOSSIBLE.value, "comment": "最初の回答",
                 "received_at": datetime(2026, 10, 1, tzinfo=UTC), "superseded": True},
                {**base, "answer": VendorAnswerKind.STANDARD.value, "comment": "改修で対応",
                 "received_at": datetime(2026, 10, 5, tzinfo=UTC), "superseded": False}])
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ItemScreen)
        body = str(app.screen.query_one("#item-body", Static).render())
        assert "ベンダ回答（2件）" in body and "以前の回答" in body and "最初の回答" in body and "改修で対応" in body
        assert "様式が違う（窓口で確認）" in body and "変更履歴" in body
        text = screen_text(app)
        assert "■前の版（第1.0版" in text and "■現在の版（第1.1版" in text  # the old text beside the new
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, RequirementsScreen)


async def test_a_search_hit_is_marked_in_the_detail_pane(demo_db, make_app):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        app.open_requirements("001")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RequirementsScreen)
        screen.set_filter(ItemFilter(operation_code="001", text="帳票"))
        await pilot.pause(0.3)
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)
        head = screen.query_one("#detail-head", Static).render()
        text = screen.query_one("#detail-text", Static).render()
        assert "帳票" in _marked(head) + _marked(text)


async def test_an_operation_without_a_list_says_how_to_get_one(db, make_app):
    app = make_app(db)
    async with app.run_test(size=(120, 36)) as pilot:
        app.open_requirements("027")  # 児童手当: nothing bundled
        await pilot.pause()
        await pilot.pause()
        text = screen_text(app)
        assert "児童手当 の要件一覧はまだ取り込まれていません" in text
        assert "児童手当システム標準仕様書" in text and "取り込み: 要件一覧" in text
        squeezed = "".join(text.split())  # (a long database path wraps)
        assert "fitgap--db" in squeezed and "import-spec要件一覧.xlsx" in squeezed  # pasteable: not the default db
        assert "絞り込みを変えてください" not in text


async def test_mark_keys_work_in_the_full_view_and_move_on_to_the_next_requirement(demo_db, make_app):
    from fitgap.domain.enums import Status
    from fitgap.services.items import get_item, list_items
    from tests.tui.conftest import SIZE, open_list

    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_list(pilot, "001")
        first, second = [r.key for r in list_items(db=demo_db, flt=ItemFilter(operation_code="001"), limit=2)]
        screen.table.move_to_key(first)
        await pilot.press("enter")
        await pilot.pause()
        view = app.screen
        assert isinstance(view, ItemScreen) and view.key == first
        await pilot.press("1")  # 適合, as in the list: the requirement shown, then the next one
        await pilot.pause()
        await pilot.pause()
        assert get_item(db=demo_db, key=first).status == Status.FIT
        assert app.screen is view and view.key == second
        assert second.req_id in screen_text(app)
        assert screen.table.current_row.key == second  # the list moved on with it
