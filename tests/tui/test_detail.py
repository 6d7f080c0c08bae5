"""The detail pane: what changed between two versions of a requirement, marked character by character."""

from __future__ import annotations

from fitgap.tui.capture import screen_text
from fitgap.tui.screens.requirements import RequirementsScreen
from fitgap.tui.widgets.text_diff import DELETED, INSERTED, diff_contents
from tests.tui.conftest import REVISED_IDS, detail_shown


def _marked(content, style: str) -> list[str]:
    return [content.plain[s.start:s.end] for s in content.spans if s.style == style]


def test_only_the_changed_characters_are_marked():
    old, new = diff_contents("住民票を管理すること。", "住民票を管理・照会できること。")
    assert old.plain == "住民票を管理すること。" and new.plain == "住民票を管理・照会できること。"
    assert "".join(_marked(new, INSERTED)) == "・照会でき"
    assert "".join(_marked(old, DELETED)) == "す"  # すること → できること


def test_replaced_characters_are_marked_on_both_sides():
    old, new = diff_contents("実装すべき機能", "実装必須機能")
    assert "".join(_marked(old, DELETED)) == "すべき"
    assert "".join(_marked(new, INSERTED)) == "必須"


def test_same_text_has_no_marks():
    old, new = diff_contents("同じ文", "同じ文")
    assert old.spans == [] and new.spans == []


async def test_needs_review_item_shows_both_versions(revised_db, make_app):
    app = make_app(revised_db)
    async with app.run_test(size=(200, 60)) as pilot:
        app.open_requirements("001")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RequirementsScreen)
        await detail_shown(pilot, screen)
        assert screen.table.current_row.key.req_id == REVISED_IDS[0]
        text = screen_text(app)
        assert "■前の版（第1.0版）" in text and "■現在の版（第1.1版）" in text
        assert "要再確認" in text
        await pilot.press("down", "down")  # an unchanged item: no side-by-side
        await detail_shown(pilot, screen)
        assert "■前の版" not in screen_text(app)
