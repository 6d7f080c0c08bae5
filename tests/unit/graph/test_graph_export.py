from __future__ import annotations

import json
from datetime import date

import networkx as nx
import pytest

from fitgap.domain.enums import LinkMethod, SystemKind
from fitgap.graph.export import FORMATS, export_graph

SYSTEMS = {
    "住民基本台帳": {"planned_cutover": date(2026, 1, 5), "operations": ("001",)},
    '税 "統合"': {"vendor": "A社"},
    "中間サーバー": {"kind": SystemKind.EXTERNAL},
}
LINKS = [
    ("住民基本台帳", '税 "統合"', {"data": ("宛名", "世帯"), "method": LinkMethod.API, "typical": True}),
    ('税 "統合"', "中間サーバー", {"interim_interface": True}),
]


@pytest.fixture
def sg(graph):
    return graph(SYSTEMS, LINKS)


def test_json_holds_every_system_and_link(sg) -> None:
    doc = json.loads(export_graph(sg, fmt="json"))
    by_name = {s["name"]: s for s in doc["systems"]}
    assert set(by_name) == set(SYSTEMS)
    assert by_name["住民基本台帳"]["planned_cutover"] == "2026-01-05"
    assert by_name["住民基本台帳"]["operations"] == ["001"]
    assert by_name["中間サーバー"]["kind"] == "外部"
    first = next(link for link in doc["links"] if link["provider_name"] == "住民基本台帳")
    assert (first["consumer_name"], first["data"], first["method"], first["typical"]) == (
        '税 "統合"',
        ["宛名", "世帯"],
        "API",
        True,
    )


def test_graphml_reads_back_with_networkx(sg) -> None:
    g = nx.parse_graphml(export_graph(sg, fmt="graphml"))
    assert {g.nodes[n]["name"] for n in g} == set(SYSTEMS)
    assert g.number_of_edges() == 2
    assert g.edges["1", "2"]["data"] == "宛名,世帯"
    assert g.edges["2", "3"]["interim_interface"] is True


def test_dot_escapes_names_and_marks_typical_links(sg) -> None:
    dot = export_graph(sg, fmt="dot")
    assert dot.startswith("digraph fitgap {") and dot.rstrip().endswith("}")
    assert 'label="税 \\"統合\\""' in dot
    assert "2026-01-05 (R7年度)" in dot
    edge = next(line for line in dot.splitlines() if "n1 -> n2" in line)
    assert "style=dashed" in edge and "宛名・世帯 (API)" in edge
    assert "暫定連携" in next(line for line in dot.splitlines() if "n2 -> n3" in line)


def test_mermaid_dotted_typical_links_and_quoted_labels(sg) -> None:
    lines = export_graph(sg, fmt="mermaid").splitlines()
    assert lines[0] == "flowchart LR"
    assert '  s2["税 #quot;統合#quot;"]' in lines
    assert '  s3(["中間サーバー"])' in lines
    assert any(line.startswith("  s1 -.->|") and line.endswith("| s2") for line in lines)
    assert any(line.startswith("  s2 -->|") for line in lines)


def test_every_format_and_an_unknown_one(sg) -> None:
    for fmt in FORMATS:
        assert export_graph(sg, fmt=fmt).endswith("\n")
    with pytest.raises(ValueError, match="svg"):
        export_graph(sg, fmt="svg")
