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


STATUS_SYSTEMS = {
    "済": {"actual_cutover": date(2026, 1, 5), "deadline": date(2026, 3, 31)},
    "遅": {"planned_cutover": date(2031, 6, 1), "deadline": date(2031, 3, 31)},
    "超": {"planned_cutover": date(2026, 1, 5), "deadline": date(2031, 3, 31)},
    "順調": {"planned_cutover": date(2027, 1, 5), "deadline": date(2031, 3, 31)},
}


def test_graphs_mark_migrated_late_and_overdue_systems_and_carry_a_legend(graph) -> None:
    sg = graph(STATUS_SYSTEMS, [("済", "遅", {})])
    today = date(2026, 11, 23)
    doc = json.loads(export_graph(sg, fmt="json", today=today))
    assert {s["name"]: s["status"] for s in doc["systems"]} == {"済": "移行済み", "遅": "期限後", "超": "予定日超過",
                                                             "順調": None}
    dot = export_graph(sg, fmt="dot", today=today)
    late = next(line for line in dot.splitlines() if "label=\"遅" in line)
    assert "【期限後】" in late and 'fillcolor="#F4CCCC"' in late
    assert "subgraph cluster_legend" in dot and "予定日超過（移行予定日を過ぎて移行実施日なし）" in dot
    assert "破線=典型例" in dot
    mermaid = export_graph(sg, fmt="mermaid", today=today).splitlines()
    assert any(line.strip().startswith("s2[") and line.endswith(":::late") for line in mermaid)
    assert any(line.strip().startswith("s1[") and line.endswith(":::done") for line in mermaid)
    assert '  subgraph legend["凡例"]' in mermaid
    g = nx.parse_graphml(export_graph(sg, fmt="graphml", today=today))
    assert {g.nodes[n]["name"]: g.nodes[n].get("status") for n in g}["超"] == "予定日超過"
