"""The dependency graph as text: Graphviz DOT, Mermaid, GraphML and JSON. Pure: returns a string."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from xml.sax.saxutils import escape, quoteattr

from fitgap.domain.calendar import format_date
from fitgap.domain.enums import SystemKind
from fitgap.graph.build import SystemGraph
from fitgap.graph.model import Link, SystemNode

FORMATS = ("dot", "mermaid", "graphml", "json")
TYPICAL_NOTE = "典型例 (要確認)"


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


def to_dot(sg: SystemGraph) -> str:
    """Graphviz: external systems as dashed ellipses, typical (unconfirmed) links dashed."""
    lines = [
        "digraph fitgap {",
        '  graph [rankdir=LR, fontname="sans-serif"];',
        '  node [shape=box, fontname="sans-serif"];',
        '  edge [fontname="sans-serif", fontsize=10];',
    ]
    for s in _nodes(sg):
        label = s.name + ("\n" + format_date(s.cutover) if s.cutover else "")
        attrs = [f"label={_dot_str(label)}"]
        if s.kind == SystemKind.EXTERNAL:
            attrs += ["shape=ellipse", "style=dashed"]
        elif s.kind == SystemKind.RELATED:
            attrs.append("style=rounded")
        lines.append(f"  n{s.id} [{', '.join(attrs)}];")
    for link in _links(sg):
        attrs = [f"label={_dot_str(_edge_label(link))}"]
        if link.typical:
            attrs += ["style=dashed", f"tooltip={_dot_str(TYPICAL_NOTE)}"]
        lines.append(f"  n{link.provider} -> n{link.consumer} [{', '.join(attrs)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


# ---- Mermaid --------------------------------------------------------------------------------------


def _mermaid_str(text: str) -> str:
    return '"' + text.replace('"', "#quot;").replace("\n", "<br/>") + '"'


def to_mermaid(sg: SystemGraph) -> str:
    """Mermaid flowchart: external systems as stadiums, typical (unconfirmed) links dotted."""
    lines = ["flowchart LR"]
    for s in _nodes(sg):
        label = _mermaid_str(s.name + ("\n" + format_date(s.cutover) if s.cutover else ""))
        shape = f"([{label}])" if s.kind == SystemKind.EXTERNAL else f"[{label}]"
        lines.append(f"  s{s.id}{shape}")
    for link in _links(sg):
        arrow = "-.->" if link.typical else "-->"
        lines.append(f"  s{link.provider} {arrow}|{_mermaid_str(_edge_label(link))}| s{link.consumer}")
    return "\n".join(lines) + "\n"


# ---- GraphML and JSON -----------------------------------------------------------------------------


def _node_record(s: SystemNode) -> dict[str, object]:
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


def to_graphml(sg: SystemGraph) -> str:
    """GraphML (yEd, Gephi, Cytoscape): node ids are system ids; lists joined with commas."""
    lines = [_GRAPHML_HEAD]
    node_keys = [k for k in _node_record(SystemNode(id=0, name="")) if k != "id"]
    edge_keys = ["provider_name", "consumer_name", "data", "method", "interim_interface", "typical"]
    for domain, keys in (("node", node_keys), ("edge", edge_keys)):
        for key in keys:
            kind = "boolean" if key in ("typical", "interim_interface") else "string"
            lines.append(f'  <key id="{key}" for="{domain}" attr.name="{key}" attr.type="{kind}" />')
    lines.append('  <graph edgedefault="directed">')
    for s in _nodes(sg):
        lines.append(f'    <node id="{s.id}">{_graphml_data(_node_record(s), ("id",))}</node>')
    for link in _links(sg):
        data = _graphml_data(_link_record(sg, link), ("provider", "consumer"))
        lines.append(f'    <edge source="{link.provider}" target="{link.consumer}">{data}</edge>')
    lines += ["  </graph>", "</graphml>"]
    return "\n".join(lines) + "\n"


def to_json(sg: SystemGraph) -> str:
    doc = {
        "format": "fitgap.systems",
        "version": 1,
        "systems": [_node_record(s) for s in _nodes(sg)],
        "links": [_link_record(sg, link) for link in _links(sg)],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


_WRITERS: dict[str, Callable[[SystemGraph], str]] = {
    "dot": to_dot,
    "mermaid": to_mermaid,
    "graphml": to_graphml,
    "json": to_json,
}


def export_graph(sg: SystemGraph, *, fmt: str) -> str:
    """The graph in one of FORMATS; ValueError for another format."""
    try:
        writer = _WRITERS[fmt]
    except KeyError:
        raise ValueError(f"unknown graph format {fmt!r}; one of {', '.join(FORMATS)}") from None
    return writer(sg)
