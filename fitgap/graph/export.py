"""The dependency graph as text: Graphviz DOT, Mermaid, GraphML and JSON. Pure: returns a string."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import date
from xml.sax.saxutils import escape, quoteattr

from fitgap.domain.calendar import format_date
from fitgap.domain.enums import SystemKind
from fitgap.graph.build import SystemGraph
from fitgap.graph.model import Link, SystemNode
from fitgap.graph.risk import RiskLevel

FORMATS = ("dot", "mermaid", "graphml", "json")
TYPICAL_NOTE = "典型例 (要確認)"

# What a system's box says about its cut-over; the fill colours match the readiness report's.
DONE, LATE, OVERDUE, AT_RISK = "移行済み", "期限後", "予定日超過", "リスク高"
STATUS_STYLE = {DONE: ("#D9D9D9", "#7F7F7F"), LATE: ("#F4CCCC", "#C00000"), OVERDUE: ("#F4CCCC", "#C00000"),
                AT_RISK: ("#FCE5CD", "#E69138")}
STATUS_MEANING = {
    DONE: "移行済み（移行実施日あり）",
    LATE: "期限後（移行予定が期限より後、または期限を過ぎて未移行）",
    OVERDUE: "予定日超過（移行予定日を過ぎて移行実施日なし）",
    AT_RISK: "リスク高（fitgap schedule の期限リスク 高）",
}


def system_status(node: SystemNode, *, today: date | None, level: RiskLevel | None = None) -> str | None:
    """移行済み / 期限後 / 予定日超過 / リスク高, or None when nothing stands out (or no date to judge by)."""
    if node.done:
        return DONE
    if not node.migrates:
        return None
    if node.deadline is not None and (
        (node.planned_cutover is not None and node.planned_cutover > node.deadline)
        or (today is not None and node.deadline < today)
    ):
        return LATE
    if today is not None and node.planned_cutover is not None and node.planned_cutover < today:
        return OVERDUE
    if level == RiskLevel.HIGH:
        return AT_RISK
    return None


class _Statuses:
    def __init__(self, sg: SystemGraph, today: date | None, levels: Mapping[int, RiskLevel] | None) -> None:
        self.by_id = {s.id: system_status(s, today=today, level=(levels or {}).get(s.id)) for s in sg.systems.values()}

    def __getitem__(self, sid: int) -> str | None:
        return self.by_id.get(sid)


def _iso(d: date | None) -> str | None:
    return None if d is None else d.isoformat()


def _nodes(sg: SystemGraph) -> list[SystemNode]:
    return [sg.systems[i] for i in sg.sorted_ids(sg.systems)]


def _links(sg: SystemGraph) -> list[Link]:
    return sorted(sg.links.values(), key=lambda x: (sg.sort_key(x.provider), sg.sort_key(x.consumer)))


def _edge_label(link: Link) -> str:
    label = "・".join(link.data)
    extras = [link.method.value] + (["暫定連携"] if link.interim_interface else [])
    return f"{label} ({', '.join(extras)})" if label else ", ".join(extras)


# ---- DOT ------------------------------------------------------------------------------------------


def _dot_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def to_dot(sg: SystemGraph, status: _Statuses | None = None) -> str:
    """Graphviz: external systems as dashed ellipses, typical (unconfirmed) links dashed, systems filled
    by their cut-over status; a legend explains every mark."""
    status = status or _Statuses(sg, None, None)
    lines = [
        "digraph fitgap {",
        '  graph [rankdir=LR, fontname="sans-serif"];',
        '  node [shape=box, fontname="sans-serif"];',
        '  edge [fontname="sans-serif", fontsize=10];',
    ]
    for s in _nodes(sg):
        mark = status[s.id]
        label = s.name + ("\n" + format_date(s.cutover) if s.cutover else "") + (f"\n【{mark}】" if mark else "")
        attrs = [f"label={_dot_str(label)}"]
        styles = []
        if s.kind == SystemKind.EXTERNAL:
            attrs.append("shape=ellipse")
            styles.append("dashed")
        elif s.kind == SystemKind.RELATED:
            styles.append("rounded")
        if mark:
            fill, line = STATUS_STYLE[mark]
            styles.append("filled")
            attrs += [f'fillcolor="{fill}"', f'color="{line}"', "penwidth=2"]
        if styles:
            attrs.append(f'style="{",".join(styles)}"')
        lines.append(f"  n{s.id} [{', '.join(attrs)}];")
    for link in _links(sg):
        attrs = [f"label={_dot_str(_edge_label(link))}"]
        if link.typical:
            attrs += ["style=dashed", f"tooltip={_dot_str(TYPICAL_NOTE)}"]
        lines.append(f"  n{link.provider} -> n{link.consumer} [{', '.join(attrs)}];")
    lines += _dot_legend()
    lines.append("}")
    return "\n".join(lines) + "\n"


def _dot_legend() -> list[str]:
    lines = ['  subgraph cluster_legend {', '    label="凡例"; fontname="sans-serif"; style=solid; color="#999999";',
             '    node [fontsize=10];']
    for i, (mark, meaning) in enumerate(STATUS_MEANING.items()):
        fill, line = STATUS_STYLE[mark]
        lines.append(f'    legend_s{i} [label={_dot_str(meaning)}, style=filled, fillcolor="{fill}", color="{line}"];')
    lines += [
        f'    legend_std [label={_dot_str("標準化対象システム")}];',
        f'    legend_rel [label={_dot_str("関連システム")}, style=rounded];',
        f'    legend_ext [label={_dot_str("外部（移行しない）")}, shape=ellipse, style=dashed];',
        f'    legend_a [label={_dot_str("提供元")}]; legend_b [label={_dot_str("利用側")}];',
        f'    legend_a -> legend_b [label={_dot_str("データ (方式) 実線=確認済み、破線=典型例 (要確認)")}];',
        "  }",
    ]
    return lines


# ---- Mermaid --------------------------------------------------------------------------------------


def _mermaid_str(text: str) -> str:
    return '"' + text.replace('"', "#quot;").replace("\n", "<br/>") + '"'


_MERMAID_CLASS = {DONE: "done", LATE: "late", OVERDUE: "overdue", AT_RISK: "risk"}


def to_mermaid(sg: SystemGraph, status: _Statuses | None = None) -> str:
    """Mermaid flowchart: external systems as stadiums, typical (unconfirmed) links dotted, systems
    coloured by their cut-over status; a legend subgraph explains every mark."""
    status = status or _Statuses(sg, None, None)
    lines = ["flowchart LR"]
    for kind, name in _MERMAID_CLASS.items():
        fill, line = STATUS_STYLE[kind]
        lines.append(f"  classDef {name} fill:{fill},stroke:{line},stroke-width:2px")
    for s in _nodes(sg):
        mark = status[s.id]
        text = s.name + ("\n" + format_date(s.cutover) if s.cutover else "") + (f"\n【{mark}】" if mark else "")
        label = _mermaid_str(text)
        shape = f"([{label}])" if s.kind == SystemKind.EXTERNAL else f"[{label}]"
        lines.append(f"  s{s.id}{shape}" + (f":::{_MERMAID_CLASS[mark]}" if mark else ""))
    for link in _links(sg):
        arrow = "-.->" if link.typical else "-->"
        lines.append(f"  s{link.provider} {arrow}|{_mermaid_str(_edge_label(link))}| s{link.consumer}")
    lines.append('  subgraph legend["凡例"]')
    for i, (mark, meaning) in enumerate(STATUS_MEANING.items()):
        lines.append(f"    legend{i}[{_mermaid_str(meaning)}]:::{_MERMAID_CLASS[mark]}")
    lines += [f"    legend_ext([{_mermaid_str('外部（移行しない）')}])",
              f"    legend_a[{_mermaid_str('提供元')}] -->|{_mermaid_str('データ (方式)')}| legend_b[{_mermaid_str('利用側')}]",
              f"    legend_c[{_mermaid_str('提供元')}] -.->|{_mermaid_str(TYPICAL_NOTE)}| legend_d[{_mermaid_str('利用側')}]",
              "  end"]
    return "\n".join(lines) + "\n"


# ---- GraphML and JSON -----------------------------------------------------------------------------


def _node_record(s: SystemNode, status: str | None = None) -> dict[str, object]:
    return {
        "id": s.id,
        "name": s.name,
        "kind": s.kind.value,
        "vendor": s.vendor,
        "operations": list(s.operations),
        "planned_cutover": _iso(s.planned_cutover),
        "actual_cutover": _iso(s.actual_cutover),
        "deadline_kind": s.deadline_kind.value,
        "deadline": _iso(s.deadline),
        "typical": s.typical,
        "status": status,
    }


def _link_record(sg: SystemGraph, link: Link) -> dict[str, object]:
    return {
        "provider": link.provider,
        "provider_name": sg.name(link.provider),
        "consumer": link.consumer,
        "consumer_name": sg.name(link.consumer),
        "data": list(link.data),
        "method": link.method.value,
        "interim_interface": link.interim_interface,
        "typical": link.typical,
    }


_GRAPHML_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
    'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">'
)


def _graphml_data(record: dict[str, object], skip: tuple[str, ...]) -> str:
    out = []
    for key, value in record.items():
        if value is None or key in skip:
            continue
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, list):
            text = ",".join(str(v) for v in value)
        else:
            text = str(value)
        out.append(f"<data key={quoteattr(key)}>{escape(text)}</data>")
    return "".join(out)


def to_graphml(sg: SystemGraph, status: _Statuses | None = None) -> str:
    """GraphML (yEd, Gephi, Cytoscape): node ids are system ids; lists joined with commas."""
    status = status or _Statuses(sg, None, None)
    lines = [_GRAPHML_HEAD]
    node_keys = [k for k in _node_record(SystemNode(id=0, name="")) if k != "id"]
    edge_keys = ["provider_name", "consumer_name", "data", "method", "interim_interface", "typical"]
    for domain, keys in (("node", node_keys), ("edge", edge_keys)):
        for key in keys:
            kind = "boolean" if key in ("typical", "interim_interface") else "string"
            lines.append(f'  <key id="{key}" for="{domain}" attr.name="{key}" attr.type="{kind}" />')
    lines.append('  <graph edgedefault="directed">')
    for s in _nodes(sg):
        lines.append(f'    <node id="{s.id}">{_graphml_data(_node_record(s, status[s.id]), ("id",))}</node>')
    for link in _links(sg):
        data = _graphml_data(_link_record(sg, link), ("provider", "consumer"))
        lines.append(f'    <edge source="{link.provider}" target="{link.consumer}">{data}</edge>')
    lines += ["  </graph>", "</graphml>"]
    return "\n".join(lines) + "\n"


def to_json(sg: SystemGraph, status: _Statuses | None = None) -> str:
    status = status or _Statuses(sg, None, None)
    doc = {
        "format": "fitgap.systems",
        "version": 1,
        "status_meaning": STATUS_MEANING,
        "systems": [_node_record(s, status[s.id]) for s in _nodes(sg)],
        "links": [_link_record(sg, link) for link in _links(sg)],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


_WRITERS: dict[str, Callable[[SystemGraph, _Statuses], str]] = {
    "dot": to_dot,
    "mermaid": to_mermaid,
    "graphml": to_graphml,
    "json": to_json,
}


def export_graph(sg: SystemGraph, *, fmt: str, today: date | None = None,
                 levels: Mapping[int, RiskLevel] | None = None) -> str:
    """The graph in one of FORMATS; ValueError for another format.

    With ``today`` (and the risk ``levels`` by system id), systems are marked 移行済み / 期限後 / 予定日超過 /
    リスク高; without it only what needs no date (移行済み, planned after the deadline).
    """
    try:
        writer = _WRITERS[fmt]
    except KeyError:
        raise ValueError(f"unknown graph format {fmt!r}; one of {', '.join(FORMATS)}") from None
    return writer(sg, _Statuses(sg, today, levels))
