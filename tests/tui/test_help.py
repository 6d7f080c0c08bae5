"""Help: every key of the workbench, grouped; reachable with ? and from the palette."""

from __future__ import annotations

from fitgap.tui import keymap
from fitgap.tui.capture import screen_text
from fitgap.tui.commands import commands_for
from fitgap.tui.screens.help import HelpScreen, help_text
from fitgap.tui.screens.requirements import RequirementsScreen
from tests.tui.conftest import SIZE


def test_help_lists_every_binding_of_every_group():
    text = help_text()
    groups = [keymap.APP, keymap.OPERATIONS, keymap.MOVE, *keymap.REQUIREMENTS]
    for group in groups:
        assert group.title in text
        for b in group.bindings:
            assert b.tooltip and b.id, b
            assert b.tooltip in text


def test_binding_ids_are_unique():
    ids = [b.id for g in (keymap.APP, keymap.OPERATIONS, keymap.MOVE, *keymap.REQUIREMENTS) for b in g.bindings]
    assert len(ids) == len(set(ids))


async def test_question_mark_opens_help_and_escape_closes_it(demo_db, make_app):
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert "キー一覧" in screen_text(app)
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_every_requirements_action_is_in_the_palette(demo_db, make_app):
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        app.open_requirements("001")
        await pilot.pause()
        assert isinstance(app.screen, RequirementsScreen)
        titles = {c.title for c in commands_for(app, app.screen)}
        for expected in ("判定: ギャップ", "判定: 適合", "判定: 対応方針…", "メモ: 編集", "メモ: 外部エディタで編集",
                         "選択: 絞り込み結果をすべて", "絞り込み: 条件を選ぶ…", "検索: ID・名称・本文", "並べ替え: 名称",
                         "ビュー: 名前を付けて保存…", "ビュー: 開く…", "編集: 元に戻す", "編集: やり直す",
                         "ヘルプ: キー一覧", "開く: 住民基本台帳", "開く: 業務一覧", "一覧: 読み直し"):
            assert expected in titles
        assert all(": " in t for t in titles)
        help_cmd = next(c for c in commands_for(app, app.screen) if c.title == "ヘルプ: キー一覧")
        help_cmd.callback()
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
