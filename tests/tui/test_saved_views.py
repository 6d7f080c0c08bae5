"""Saved views: listed with their conditions, renamed, deleted, opened."""

from __future__ import annotations

from textual.widgets import Input, OptionList

from fitgap.domain.enums import Status
from fitgap.services import views
from fitgap.services.items import ItemFilter, ItemSort
from fitgap.tui.capture import screen_text
from fitgap.tui.screens.requirements import RequirementsScreen
from fitgap.tui.screens.saved_views import SavedViewsScreen, describe
from tests.tui.conftest import SIZE

GAPS = ItemFilter(operation_code="001", statuses=frozenset({Status.GAP}), text="住民")


def test_conditions_read_as_users_say_them():
    text = describe(GAPS, ItemSort("name", descending=True), {"001": "住民基本台帳"})
    assert text == "業務 001 住民基本台帳 ／ 状況 ギャップ ／ 検索「住民」 ／ 並び 名称↓"


async def test_list_rename_delete_and_open(demo_db, make_app):
    views.save_view(db=demo_db, name="住記のギャップ", flt=GAPS, sort=ItemSort("name"))
    views.save_view(db=demo_db, name="全部", flt=ItemFilter(), sort=ItemSort())
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        app.action_saved_views()
        await pilot.pause()
        assert isinstance(app.screen, SavedViewsScreen)
        text = screen_text(app)
        assert "住記のギャップ" in text and "状況 ギャップ" in text and "検索「住民」" in text
        ol = app.screen.query_one(OptionList)
        ol.highlighted = next(i for i in range(ol.option_count) if ol.get_option_at_index(i).id == "住記のギャップ")
        await pilot.press("r")
        await pilot.pause()
        name = app.screen.query_one(Input)
        name.value = "住記ギャップ（住民）"
        await pilot.press("enter")
        await pilot.pause()
        assert sorted(n for n, *_ in views.list_view_definitions(db=demo_db)) == sorted(["住記ギャップ（住民）", "全部"])
        screen = app.screen
        assert isinstance(screen, SavedViewsScreen)
        ol = screen.query_one(OptionList)
        ol.highlighted = next(i for i in range(ol.option_count) if ol.get_option_at_index(i).id == "全部")
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("1")  # 削除する
        await pilot.pause()
        assert [n for n, *_ in views.list_view_definitions(db=demo_db)] == ["住記ギャップ（住民）"]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RequirementsScreen)
        assert app.screen.flt == GAPS


async def test_renaming_onto_a_taken_name_asks_again_with_what_was_typed(demo_db, make_app):
    from fitgap.tui.widgets.pickers import NameModal

    views.save_view(db=demo_db, name="住記のギャップ", flt=GAPS, sort=ItemSort("name"))
    views.save_view(db=demo_db, name="全部", flt=ItemFilter(), sort=ItemSort())
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        app.action_saved_views()
        await pilot.pause()
        ol = app.screen.query_one(OptionList)
        ol.highlighted = next(i for i in range(ol.option_count) if ol.get_option_at_index(i).id == "全部")
        await pilot.press("r")
        await pilot.pause()
        app.screen.query_one(Input).value = "住記のギャップ"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, NameModal)  # asked again, not a toast over a closed dialog
        assert app.screen.query_one(Input).value == "住記のギャップ"
        assert "すでにあります" in screen_text(app)
        assert sorted(n for n, *_ in views.list_view_definitions(db=demo_db)) == ["住記のギャップ", "全部"]
        app.screen.query_one(Input).value = "全業務"  # corrected in place
        await pilot.press("enter")
        await pilot.pause()
        assert sorted(n for n, *_ in views.list_view_definitions(db=demo_db)) == ["住記のギャップ", "全業務"]


async def test_saving_under_a_taken_name_asks_before_replacing_it(demo_db, make_app):
    from fitgap.tui.widgets.pickers import ChoiceModal, NameModal

    views.save_view(db=demo_db, name="住記のギャップ", flt=GAPS, sort=ItemSort("name"))
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        app.open_requirements("001")
        await pilot.pause()
        await pilot.press("V")
        await pilot.pause()
        app.screen.query_one(Input).value = "住記のギャップ"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal) and "すでにあります" in screen_text(app)
        await pilot.press("2")  # 別の名前にする: back to the name, as typed
        await pilot.pause()
        assert isinstance(app.screen, NameModal) and app.screen.query_one(Input).value == "住記のギャップ"
        assert views.get_view(db=demo_db, name="住記のギャップ")[0] == GAPS  # not replaced
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("1")  # 置き換える
        await pilot.pause()
        assert isinstance(app.screen, RequirementsScreen)
        assert views.get_view(db=demo_db, name="住記のギャップ")[0] == app.screen.flt != GAPS


async def test_deleting_a_view_from_the_palette_asks_first(demo_db, make_app):
    from fitgap.tui.commands import commands_for
    from fitgap.tui.widgets.pickers import ChoiceModal
    from tests.tui.conftest import open_list

    views.save_view(db=demo_db, name="住記のギャップ", flt=GAPS, sort=ItemSort("name"))
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_list(pilot, "001")
        delete = next(c for c in commands_for(app, app.screen) if c.title == "ビュー: 削除「住記のギャップ」…")
        delete.callback()
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal) and "削除しますか" in screen_text(app)
        await pilot.press("2")  # やめる
        await pilot.pause()
        assert views.list_views(db=demo_db) == ["住記のギャップ"]
        delete.callback()
        await pilot.pause()
        await pilot.press("1")  # 削除する
        await pilot.pause()
        assert views.list_views(db=demo_db) == []


async def test_a_view_name_typed_and_not_used_is_offered_again_after_a_restart(demo_db, make_app):
    from fitgap.services import drafts
    from fitgap.tui.widgets.pickers import NameModal

    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        app.open_requirements("001")
        await pilot.pause()
        await pilot.press("V")
        await pilot.pause()
        app.screen.query_one(Input).value = "私の必須ギャップ"
        await pilot.press("escape")  # not saved: kept as the user's draft
        await pilot.pause()
        assert not isinstance(app.screen, NameModal)
    assert [d.text for d in drafts.list_drafts(db=demo_db, user="tester") if d.key == "view-name"] == ["私の必須ギャップ"]
    again = make_app(demo_db)
    async with again.run_test(size=SIZE) as pilot:
        again.open_requirements("001")
        await pilot.pause()
        await pilot.press("V")
        await pilot.pause()
        assert isinstance(again.screen, NameModal) and again.screen.query_one(Input).value == "私の必須ギャップ"
        await pilot.press("enter")
        await pilot.pause()
    assert "私の必須ギャップ" in views.list_views(db=demo_db)
    assert not [d for d in drafts.list_drafts(db=demo_db, user="tester") if d.key == "view-name"]
