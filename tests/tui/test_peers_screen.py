"""The survey's comparison in the workbench (p on the home screen): the same figures as `fitgap status
--peers`, computed here from the bundled CSV, with the survey's month and credit."""

from __future__ import annotations

from textual.widgets import DataTable

from fitgap.domain.progress import PEER_COLUMNS
from fitgap.services.catalog import init_database
from fitgap.services.database import open_db
from fitgap.tui.capture import screen_text
from fitgap.tui.screens.peers import PeersScreen
from tests.tui.conftest import SIZE
from tests.unit.services.test_peer_comparison import expected


async def test_p_opens_this_body_beside_its_prefecture_and_the_nation(db_url: str, make_app) -> None:
    init_database(url=db_url, user="tester", municipality="海津市")
    db = open_db(url=db_url)
    want = expected("岐阜県", "海津市")["001"]  # own, prefecture median, Q1, median, Q3, % complete
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, PeersScreen)
        table = app.screen.query_one(DataTable)
        rows = [[str(c).strip() for c in table.get_row_at(i)] for i in range(table.row_count)]
        juki = next(r for r in rows if r[0] == "住民基本台帳")
        shown = {col: juki[i] for i, col in enumerate(PEER_COLUMNS)}
        assert float(shown["この団体"]) == want[0] and float(shown["県の中央値"]) == want[1]
        assert (float(shown["全国Q1"]), float(shown["全国中央値"]), float(shown["全国Q3"])) == want[2:5]
        assert float(shown["全国の完了"].rstrip("%")) == want[5]
        text = screen_text(app)
        assert "2026年1月時点" in text and "海津市" in text
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, PeersScreen)
    db.dispose()
