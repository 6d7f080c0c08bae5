"""Cycles and migration waves."""

from __future__ import annotations

from fitgap.domain.enums import SystemKind
from fitgap.graph.analysis import find_cycles, migration_waves


def test_no_cycles_in_a_chain(graph) -> None:
    sg = graph(["A", "B", "C"], [("A", "B"), ("B", "C")])
    assert find_cycles(sg) == []


def test_cycles_report_every_system_involved(graph) -> None:
    sg = graph(
        ["戸籍", "住記", "附票", "税", "国保", "介護"],
        [
            ("戸籍", "住記"),
            ("住記", "附票"),
            ("附票", "住記"),  # 住記 ↔ 附票
            ("住記", "税"),
            ("税", "国保"),
            ("国保", "介護"),
            ("介護", "税"),  # 税 → 国保 → 介護 → 税
        ],
    )
    cycles = find_cycles(sg)
    assert [sorted(sg.names(c.systems)) for c in cycles] == [sorted(["税", "国保", "介護"]), ["住記", "附票"]]
    for c in cycles:
        loop = list(c.example)
        # the example is a real loop: every step is a link, and it closes
        for u, v in zip(loop, [*loop[1:], loop[0]], strict=True):
            assert sg.graph.has_edge(u, v)
        assert set(loop) <= set(c.systems)


def test_waves_put_providers_before_consumers(graph) -> None:
    sg = graph(
        ["戸籍", "住記", "税", "国保", "独自"],
        [("戸籍", "住記"), ("住記", "税"), ("住記", "国保"), ("税", "国保"), ("国保", "独自")],
    )
    waves = migration_waves(sg)
    assert [sg.names(w.systems) for w in waves] == [["戸籍"], ["住記"], ["税"], ["国保"], ["独自"]]
    assert [w.number for w in waves] == [1, 2, 3, 4, 5]
    assert all(not w.cycles for w in waves)


def test_waves_group_independent_systems(graph) -> None:
    sg = graph(["住記", "税", "印鑑", "選挙"], [("住記", "税"), ("住記", "印鑑"), ("住記", "選挙")])
    waves = migration_waves(sg)
    assert [sorted(sg.names(w.systems)) for w in waves] == [["住記"], sorted(["印鑑", "税", "選挙"])]


def test_waves_explain_a_cycle_as_one_group(graph) -> None:
    sg = graph(
        ["戸籍", "住記", "附票", "税"],
        [("戸籍", "住記"), ("戸籍", "附票"), ("住記", "附票"), ("附票", "住記"), ("住記", "税")],
    )
    waves = migration_waves(sg)
    assert [sorted(sg.names(w.systems)) for w in waves] == [["戸籍"], ["住記", "附票"], ["税"]]
    assert [sorted(sg.names(c.systems)) for c in waves[1].cycles] == [["住記", "附票"]]


def test_external_systems_are_in_no_wave_but_keep_the_order(graph) -> None:
    sg = graph(
        {"住記": {}, "宛名": {}, "中間サーバー": {"kind": SystemKind.EXTERNAL}, "独自": {}},
        [("住記", "宛名"), ("宛名", "中間サーバー"), ("中間サーバー", "独自")],
    )
    waves = migration_waves(sg)
    assert [sg.names(w.systems) for w in waves] == [["住記"], ["宛名"], ["独自"]]
    assert [w.number for w in waves] == [1, 2, 3]
