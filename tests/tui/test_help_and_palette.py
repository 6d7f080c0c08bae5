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
        assert len(titles) == len(set(titles)) and "開く: 業務一覧" in titles
        assert "取り込み: 要件一覧…" in titles and "書き出し: ベンダ回答シート…" in titles
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


async def _palette_hits(app, pilot, typed: str) -> list[str]:
    from textual.command import CommandList

    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*typed)
    await app.screen.workers.wait_for_complete()
    await pilot.pause()
    options = app.screen.query_one(CommandList)
    hits = [str(options.get_option_at_index(i).prompt).split("\n")[0] for i in range(options.option_count)]
    await pilot.press("escape")
    await pilot.pause()
    return hits


async def test_palette_and_footer_are_japanese_and_found_by_their_japanese_names(demo_db, make_app):
    """Every title is 「グループ: 操作」 with a Japanese group on every screen; 報告書 finds the report (issue
    23: only `report` did); the English group names of earlier versions still find their entries; the
    footer's palette key says コマンド, not palette."""
    import re

    from textual.widgets._footer import FooterKey

    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        footer = [str(k.description) for k in app.screen.query(FooterKey)]
        assert "コマンド" in footer and "palette" not in footer
        assert (await _palette_hits(app, pilot, "報告書"))[0].startswith("報告書: 移行準備状況報告書")
        assert (await _palette_hits(app, pilot, "report"))[0].startswith("報告書: 移行準備状況報告書")
        assert "開く: 住民基本台帳" in await _palette_hits(app, pilot, "住民基本")
        titles = [c.title for c in commands_for(app, app.screen)]
        app.open_requirements("001")
        await pilot.pause()
        titles += [c.title for c in commands_for(app, app.screen)]
        app.switch_mode("systems")
        await pilot.pause()
        titles += [c.title for c in commands_for(app, app.screen)]
        for title in titles:
            group = title.partition(": ")[0]
            assert group and not re.search(r"[A-Za-z]", group), title
            assert not re.search(r"\((reload|save|open|delete)\b|save as|readiness", title), title
