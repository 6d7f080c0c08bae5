"""Small hand-made graphs for the graph analyses: systems and links named, ids given in order."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from fitgap.graph.build import SystemGraph, build_graph
from fitgap.graph.model import Link, SystemNode

GraphFactory = Callable[..., SystemGraph]


def make_graph(systems: dict[str, dict[str, Any]] | list[str], links: list[tuple[Any, ...]]) -> SystemGraph:
    """``systems``: name → SystemNode fields (or just names); ``links``: (provider, consumer[, fields])."""
    spec = {name: {} for name in systems} if isinstance(systems, list) else systems
    ids = {name: i for i, name in enumerate(spec, start=1)}
    nodes = [SystemNode(id=ids[name], name=name, **fields) for name, fields in spec.items()]
    edges = [Link(provider=ids[p], consumer=ids[c], **(rest[0] if rest else {})) for p, c, *rest in links]
    return build_graph(nodes, edges)


@pytest.fixture
def graph() -> GraphFactory:
    return make_graph
