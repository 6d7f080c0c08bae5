"""Help lists the keys of the screen the user is on; the palette speaks Japanese and lists each command once."""

from __future__ import annotations

from fitgap.tui.commands import NO_MATCHES, PLACEHOLDER, FitGapPalette, commands_for
from fitgap.tui.screens.help import HelpScreen, help_text
from tests.tui.conftest import SIZE


async def test_help_on_the_systems_screen_lists_its_keys(db, make_app):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        app.switch_mode("systems")
        await pilot.pause()
        systems = app.screen
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = help_text(systems)
        assert "システムと移行計画のキー" in text
        own = [b for b in type(systems).BINDINGS if getattr(b, "tooltip", "")]
        assert own and all(b.tooltip in text for b in own)


def test_help_text_has_no_literal_markup_and_the_legend_matches_the_table():
    shown = help_text()
    assert "[/b]" not in shown and "[b]" not in shown
    assert "[ " in shown or "\n  [" in shown  # the [ key itself is shown
    assert "メ=メモあり" in shown and "✎" not in shown


async def test_palette_texts_are_japanese_and_titles_are_not_repeated(demo_db, make_app):
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        app.open_requirements("001")
        await pilot.pause()
        titles = [c.title for c in commands_for(app, app.screen)]
        assert len(titles) == len(set(titles)) and "go: 業務一覧" in titles
        assert "import: 要件一覧…" in titles and "export: ベンダ回答シート…" in titles
        await pilot.press("ctrl+p")
        await pilot.pause()
        palette = app.screen
        assert isinstance(palette, FitGapPalette)
        from textual.command import CommandInput

        assert palette.query_one(CommandInput).placeholder == PLACEHOLDER
        await pilot.press(*"zzzzqqq")
        await pilot.pause(1.0)
        from textual.command import CommandList

        options = palette.query_one(CommandList)
        assert any(NO_MATCHES in str(options.get_option_at_index(i).prompt) for i in range(options.option_count))
