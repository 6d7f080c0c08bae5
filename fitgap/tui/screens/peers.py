"""The survey's comparison in the workbench: per operation, this body beside its prefecture and the nation,
from one survey month (the figures of ``fitgap status --peers`` and the readiness report: domain.progress's
peer_values, from services.peers)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Static

from fitgap.domain.progress import (
    PEER_COLUMNS,
    TOTAL_STEPS,
    PeerComparison,
    month_label,
    peer_text,
    peer_values,
)

NUMBERS = {1, 2, 3, 4, 5, 6, 7, 8, 10}  # the columns of figures (right-aligned)


def head_lines(c: PeerComparison) -> list[str]:
    """What the figures are: the survey's month (every figure but the entered one is of that month), the body."""
    month = month_label(c.month)
    lines = [f"進捗状況調査 {month}時点: この団体・県・全国の値はすべて {month}時点の{TOTAL_STEPS}手順のうち"
             "完了済み＋対象外の数。入力値だけは、その月に入力した値です。"]
    if not c.body:
        lines.append("団体が未設定のため、全国の分布だけを示します（fitgap init --municipality で設定）。")
    elif not c.in_survey:
        lines.append(f"{c.body} はこの調査にありません。全国の分布だけを示します。")
    elif c.rows:
        first = c.rows[0].peers
        lines.append(f"団体: {c.body}（{c.prefecture} {first.prefecture_bodies}団体、全国 {first.national_bodies}団体）"
                     + (f"　同区分: 全国の{first.body_class}（{first.class_bodies}団体）" if first.body_class else ""))
    return lines


class PeersScreen(ModalScreen[None]):
    """This body's progress beside its prefecture and the nation (esc closes)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,p", "close", "閉じる", id="peers.close", tooltip="閉じます", key_display="esc"),
    ]
    DEFAULT_CSS = """
    PeersScreen { align: center middle; }
    PeersScreen > Vertical {
        width: 95%; height: auto; max-height: 90%; border: round $accent; background: $surface; padding: 0 1;
        border-title-color: $text-accent;
    }
    PeersScreen .peers-note { color: $text-muted; height: auto; }
    PeersScreen DataTable { height: auto; max-height: 24; }
    """

    def __init__(self, comparison: PeerComparison | None) -> None:
        super().__init__()
        self.comparison = comparison

    def compose(self) -> ComposeResult:
        c = self.comparison
        with Vertical() as box:
            box.border_title = "進捗の比較（全国・県）"
            if c is None:
                yield Static("進捗状況調査が読み込まれていません（fitgap init で同梱の調査を読み込みます）。")
            else:
                yield Static("\n".join(head_lines(c)), classes="peers-note")
                table: DataTable[str] = DataTable(cursor_type="row", zebra_stripes=True)
                table.add_columns(*PEER_COLUMNS)
                for r in c.rows:
                    cells = [peer_text(v, col) for v, col in zip(peer_values(r), PEER_COLUMNS, strict=True)]
                    table.add_row(*[cell.rjust(6) if i in NUMBERS else cell for i, cell in enumerate(cells)])
                yield table
                yield Static(c.credit, classes="peers-note")
        yield Footer()

    def action_close(self) -> None:
        self.dismiss(None)
