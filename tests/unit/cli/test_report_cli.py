"""`fitgap report readiness` never overwrites a report by accident: default names get -2, -3 …; a file
named with -o is replaced only with --force."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.conftest import file_digest


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_twice_on_one_day_writes_a_second_pair_beside_the_first(cli: Callable, tmp_path: Path) -> None:
    assert cli("init").code == 0
    exports = tmp_path / "exports"
    first = cli("report", "readiness")
    assert first.code == 0, first.err
    kept = {name: file_digest(exports / name) for name in _names(exports)}
    second = cli("report", "readiness")
    assert second.code == 0, second.err
    assert _names(exports) == ["readiness_2026-11-23-2.html", "readiness_2026-11-23-2.xlsx",
                               "readiness_2026-11-23.html", "readiness_2026-11-23.xlsx"]
    assert {name: file_digest(exports / name) for name in kept} == kept  # the first pair untouched
    assert str(exports / "readiness_2026-11-23-2.xlsx") in second.out
    assert str(exports / "readiness_2026-11-23-2.html") in second.out


def test_two_databases_in_one_folder_do_not_share_a_report(cli: Callable, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    assert cli("init").code == 0 and cli("init", db=other).code == 0
    assert cli("report", "readiness", "--format", "xlsx").code == 0
    assert cli("report", "readiness", "--format", "xlsx", db=other).code == 0
    assert _names(tmp_path / "exports") == ["readiness_2026-11-23-2.xlsx", "readiness_2026-11-23.xlsx"]


def test_a_folder_given_with_o_gets_a_new_name_too(cli: Callable, tmp_path: Path) -> None:
    assert cli("init").code == 0
    out = tmp_path / "reports"
    out.mkdir()
    (out / "readiness_2026-11-23.html").write_text("someone's page", encoding="utf-8")
    result = cli("report", "readiness", "-o", str(out))
    assert result.code == 0, result.err
    # the pair keeps one name: the .html of that day was taken, so both become -2
    assert _names(out) == ["readiness_2026-11-23-2.html", "readiness_2026-11-23-2.xlsx", "readiness_2026-11-23.html"]
    assert (out / "readiness_2026-11-23.html").read_text(encoding="utf-8") == "someone's page"


def test_o_onto_an_existing_file_needs_force(cli: Callable, tmp_path: Path) -> None:
    assert cli("init").code == 0
    target = tmp_path / "月次報告.xlsx"
    target.write_bytes(b"last month")
    refused = cli("report", "readiness", "-o", str(target))
    assert refused.code != 0
    assert f"{target} はすでにあります。上書きしていません。" in refused.err
    assert "--force" in refused.err
    assert target.read_bytes() == b"last month"
    assert not target.with_suffix(".html").exists()  # nothing written at all, not half the pair

    forced = cli("report", "readiness", "-o", str(target), "--force")
    assert forced.code == 0, forced.err
    assert target.read_bytes() != b"last month" and target.with_suffix(".html").exists()


def test_o_onto_a_pair_where_only_the_html_exists_is_refused(cli: Callable, tmp_path: Path) -> None:
    assert cli("init").code == 0
    page = tmp_path / "r.html"
    page.write_text("keep", encoding="utf-8")
    refused = cli("report", "readiness", "-o", str(tmp_path / "r.xlsx"))
    assert refused.code != 0 and f"{page} はすでにあります" in refused.err
    assert page.read_text(encoding="utf-8") == "keep" and not (tmp_path / "r.xlsx").exists()
