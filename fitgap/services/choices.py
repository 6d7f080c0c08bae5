"""The choices commands offer (argument parsing needs them before any service is loaded)."""

from __future__ import annotations

GRAPH_FORMATS = ("dot", "mermaid", "graphml", "json")  # = fitgap.graph.export.FORMATS (tested)
REPORT_FORMATS = ("xlsx", "html", "both")
VENDOR_SCOPES = {"gaps": "ギャップと判定した要件", "must": "実装必須機能", "all": "すべての要件"}
