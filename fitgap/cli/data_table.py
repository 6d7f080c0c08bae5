"""The データ要件 table: the counts of services.data_items.counts_in as ``fitgap data status`` and
``fitgap status`` both print them (one table, one rounding). Loads no database library."""

from __future__ import annotations

from collections.abc import Mapping

from fitgap.cli.table import render_table
from fitgap.domain.data_items import DataCounts

HEADERS = ["業務", "版", "項目", "確認済", "準備済", "必須未保持", "要再確認", "コード未対応", "外字候補"]
NO_LIST = "基本データリストはまだ取り込まれていません。fitgap data import FILE で項目定義書を取り込んでください。"
LEGEND = ("確認済・準備済 = 保持状況を確認した項目・準備済（対象外を含む）の項目の割合、必須未保持 = 阻害（必須・実装類型○の項目が"
          "未保持で移行方法が未定、またはベンダが移行不可）、コード未対応 = 未対応の現行コードのある項目、外字候補 = プロファイルで"
          "見つかった外字候補の文字の種類")


def data_table(counts: Mapping[str, DataCounts], names: Mapping[str, str] | None = None) -> str:
    """One row per operation with a list; with ``names`` the operation's name and its code in brackets (so that
    no row of this table reads as a row of the status table, which begins with the code)."""
    rows = [(f"{names.get(op, op)}（{op}）" if names is not None else op, c.version, c.items,
             f"{c.assessed_pct:.0f}%", f"{c.ready_pct:.0f}%", c.blockers, c.review, c.unmapped_items, c.gaiji_chars)
            for op, c in counts.items()]
    return render_table(HEADERS, rows, right=[2, 3, 4, 5, 6, 7, 8])
