"""A table that renders only the rows on screen (Textual's line API over a page cache).

Rows come from a :class:`RowSource` (the database filters and sorts); a formatter turns a row into cells.
Scrolling, moving and marking cost the same whether the source holds 300 rows or 300,000.

Given a ``key``, the cursor is anchored to the row under it, not to a row number: when the list is read
again (someone changed something, the filter or sort changed, a page was read anew) the cursor is put back
on the same row wherever it now stands. When that row left the list, the cursor goes to the row that
followed it as the list showed it (else the one before), and the table says so (``CursorDisplaced``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar, cast

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from fitgap.tui.cells import fit, one_line
from fitgap.tui.widgets.page_cache import KeyedRowSource, PageCache, RowSource

T = TypeVar("T")

NEIGHBOURS = 30  # rows after (and before) the cursor remembered, to follow when the cursor's row leaves
NEAR = 2  # after a reload the cursor's row is first looked for this many rows either side of where it was
SCAN_LIMIT = 5_000  # a source that cannot say where a row stands is searched row by row up to this size


@dataclass(frozen=True)
class Displacement:
    """The cursor's row left the list when it was read again; the cursor moved on by itself."""

    lost: Hashable  # the key of the row that left
    at: float  # time.monotonic() when it happened

Cell = str | tuple[str, str]
"""Plain text, or (text, style) where style names a component class: must, warn, muted, good, accent, info."""


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    width: int = 0  # 0: takes the room left (at least min_width)
    align: str = "left"
    min_width: int = 8
    drop_order: int = 0  # when the table is narrow, columns go in drop_order 1, 2, 3 … (0: never)


def layout_columns(columns: Sequence[Column], width: int) -> list[tuple[Column, int]]:
    """The columns that fit in ``width`` cells and the width of each (one space between columns)."""
    cols = list(columns)
    while True:
        fixed = sum(c.width for c in cols if c.width) + max(len(cols) - 1, 0)
        flex = [c for c in cols if not c.width]
        need = fixed + sum(c.min_width for c in flex)
        droppable = [c for c in cols if c.drop_order]
        if need <= width or not droppable:
            break
        cols.remove(min(droppable, key=lambda c: c.drop_order))
    room = max(width - fixed, 0)
    out: list[tuple[Column, int]] = []
    share = room // len(flex) if flex else 0
    extra = room - share * len(flex) if flex else 0
    for c in cols:
        if c.width:
            out.append((c, c.width))
        else:
            out.append((c, share + extra))
            extra = 0
    return out


class VirtualTable(ScrollView, Generic[T], can_focus=True):
    """Header line plus the visible rows; a cursor row; optional selection marks from the owner."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "virtual-table--header", "virtual-table--cursor", "virtual-table--selected", "virtual-table--must",
        "virtual-table--warn", "virtual-table--muted", "virtual-table--good", "virtual-table--accent", "virtual-table--info",
    }
    DEFAULT_CSS = """
    VirtualTable {
        background: $surface;
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-gutter: stable;
        & > .virtual-table--header { background: $panel; color: $text; text-style: bold; }
        & > .virtual-table--cursor { background: $block-cursor-blurred-background; color: $block-cursor-blurred-foreground; }
        &:focus > .virtual-table--cursor { background: $block-cursor-background; color: $block-cursor-foreground; text-style: bold; }
        & > .virtual-table--selected { background: $accent 30%; }
        & > .virtual-table--must { color: $text-error; text-style: bold; }
        & > .virtual-table--warn { color: $text-warning; }
        & > .virtual-table--muted { color: $text-muted; }
        & > .virtual-table--good { color: $text-success; }
        & > .virtual-table--accent { color: $text-accent; }
        & > .virtual-table--info { color: $text-secondary; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor_up", "上へ", show=False, id="table.up", tooltip="一行上へ"),
        Binding("down,j", "cursor_down", "下へ", show=False, id="table.down", tooltip="一行下へ"),
        Binding("pageup", "page_up", "前ページ", show=False, id="table.page_up", tooltip="一画面上へ"),
        Binding("pagedown", "page_down", "次ページ", show=False, id="table.page_down", tooltip="一画面下へ"),
        Binding("home", "first", "先頭", show=False, id="table.first", tooltip="先頭の行へ"),
        Binding("end", "last", "末尾", show=False, id="table.last", tooltip="最後の行へ"),
        Binding("enter", "activate", "開く", show=False, id="table.activate", tooltip="この行を開く"),
    ]

    class CursorMoved(Message):
        def __init__(self, table: VirtualTable[Any], index: int) -> None:
            super().__init__()
            self.table = table
            self.index = index

        @property
        def control(self) -> VirtualTable[Any]:
            return self.table

    class CursorDisplaced(Message):
        """The cursor's row is no longer in the list (read again); the cursor is on ``index`` now."""

        def __init__(self, table: VirtualTable[Any], lost: Hashable, index: int | None) -> None:
            super().__init__()
            self.table = table
            self.lost = lost
            self.index = index

        @property
        def control(self) -> VirtualTable[Any]:
            return self.table

    class Activated(Message):
        def __init__(self, table: VirtualTable[Any], index: int) -> None:
            super().__init__()
            self.table = table
            self.index = index

        @property
        def control(self) -> VirtualTable[Any]:
            return self.table

    def __init__(
        self,
        source: RowSource[T],
        *,
        columns: Sequence[Column],
        formatter: Callable[[T], Sequence[Cell] | Mapping[str, Cell]],
        is_selected: Callable[[T], bool] | None = None,
        key: Callable[[T], Hashable] | None = None,
        page_size: int = 100,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.cache: PageCache[T] = PageCache(source, page_size=page_size)
        self.columns = list(columns)
        self.formatter = formatter
        self.is_selected = is_selected or (lambda _row: False)
        self.cursor = 0
        self.row_key = key
        self.anchor_key: Hashable | None = None  # (with ``key``) the row the cursor is on, whatever its number
        self.displaced: Displacement | None = None  # the last time the cursor's row left, until the user moves
        self._recheck_pending = False
        self._layout_width = -1
        self._layout: list[tuple[Column, int]] = []
        self._styles: dict[str, Style] = {}

    # ---- data ---------------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return self.cache.count()

    @property
    def body_height(self) -> int:
        return max(self.scrollable_content_region.height - 1, 1)

    def row_at(self, index: int) -> T | None:
        return self.cache.get(index)

    @property
    def current_row(self) -> T | None:
        """The row under the cursor. With a ``key``, always the anchored row: when a page read again shows
        another row at the cursor's number (the list changed since), the list is read again first."""
        row = self.cache.get(self.cursor)
        if self.row_key is None or row is None:
            return row
        if self.anchor_key is None:
            self.anchor_key = self.row_key(row)
        elif self.row_key(row) != self.anchor_key:
            self.reload()
            row = self.cache.get(self.cursor)
        return row

    def set_columns(self, columns: Sequence[Column]) -> None:
        """Show other columns (e.g. one that only matters once there is data for it)."""
        if list(columns) != self.columns:
            self.columns = list(columns)
            self._layout_width = -1
            self.refresh()

    def set_source(self, source: RowSource[T], *, keep_cursor: bool = False) -> None:
        """Show other rows (another filter or sort). ``keep_cursor``: with a ``key``, the cursor stays on its
        row if the new list has it (else goes to the first row); without one, on the same row number."""
        if self.row_key is not None and keep_cursor and self.anchor_key is not None:
            self.cache.replace_source(source)
            self._relocate([], follow=False)
            return
        self.cache.replace_source(source)
        self._after_reload(keep_cursor=keep_cursor)

    def reload(self, *, keep_cursor: bool = True, expected_gone: Collection[Hashable] = ()) -> None:
        """Read again from the source (after a change): count and visible pages.

        With a ``key`` the cursor stays on its row; if that row left the list, it goes to the row that
        followed it (``CursorDisplaced`` says so, unless the row is in ``expected_gone``: the user's own
        change took it out)."""
        if self.row_key is not None and keep_cursor and self.anchor_key is not None:
            neighbours = self._neighbours()
            self.cache.invalidate()
            self._relocate(neighbours, follow=True, expected_gone=expected_gone)
            return
        self.cache.invalidate()
        self._after_reload(keep_cursor=keep_cursor)

    def _after_reload(self, *, keep_cursor: bool) -> None:
        n = self.cache.count()
        self.cursor = min(self.cursor, max(n - 1, 0)) if keep_cursor else 0
        self._update_virtual_size()
        if not keep_cursor:
            self.scroll_to(y=0, animate=False, immediate=True)
        self._scroll_to_cursor()
        self.refresh()
        self._anchor_here()
        self.post_message(self.CursorMoved(self, self.cursor))

    # ---- the anchored row ---------------------------------------------------------------------

    def _anchor_here(self) -> None:
        """The anchor is the row now under the cursor (kept as it was while the list is empty)."""
        if self.row_key is not None:
            row = self.cache.get(self.cursor)
            if row is not None:
                self.anchor_key = self.row_key(row)

    def _neighbours(self) -> list[Hashable]:
        """Keys of the rows after the cursor (nearest first), then of those before it, as the list showed
        them (only pages already read: nothing is fetched)."""
        key = cast(Callable[[T], Hashable], self.row_key)
        after = [self.cache.peek(i) for i in range(self.cursor + 1, self.cursor + 1 + NEIGHBOURS)]
        before = [self.cache.peek(i) for i in range(self.cursor - 1, max(self.cursor - 1 - NEIGHBOURS, -1), -1)]
        return [key(r) for r in (*after, *before) if r is not None]

    def _locate(self, keys: Sequence[Hashable]) -> tuple[Hashable, int] | None:
        """The first of ``keys`` that is in the list now, and where: by the source's own lookup if it has
        one, else row by row (small sources only)."""
        source = self.cache.source
        if hasattr(source, "locate"):
            return cast(KeyedRowSource[T], source).locate(keys)
        key = cast(Callable[[T], Hashable], self.row_key)
        n = self.cache.count()
        where = {}
        for i in range(n if n <= SCAN_LIMIT else 0):
            row = self.cache.get(i)
            if row is not None:
                where[key(row)] = i
        return next(((k, where[k]) for k in keys if k in where), None)

    def _relocate(self, neighbours: Sequence[Hashable], *, follow: bool,
                  expected_gone: Collection[Hashable] = ()) -> None:
        """Put the cursor back on the anchored row in the list just read (see ``reload`` and ``set_source``)."""
        key = cast(Callable[[T], Hashable], self.row_key)
        anchor, old, n = self.anchor_key, self.cursor, self.cache.count()
        line = old - int(self.scroll_offset.y)  # where on screen the row was: it stays there if it can
        near: dict[Hashable, int] = {}  # the rows about the old place (their pages are shown anyway)
        for i in range(max(old - NEAR, 0), min(old + NEAR + 1, n)):
            row = self.cache.get(i)
            if row is not None:
                near[key(row)] = i
        index = near.get(anchor)
        lost = None
        if index is None and anchor in expected_gone:  # the user's own change took it out (or moved it):
            index = next((near[k] for k in neighbours if k in near), None)  # the next row, if it is close
            lost = anchor if index is not None else None
        if index is None and n:
            found = self._locate([anchor, *neighbours] if follow else [anchor])
            if found is not None and found[0] == anchor:
                index = found[1]
            else:
                lost = anchor
                index = found[1] if found is not None else (old if follow else 0)
        elif index is None:
            lost = anchor
        self.cursor = min(max(index if index is not None else old, 0), max(n - 1, 0))
        self._update_virtual_size()
        if lost is not None and not follow:
            self.scroll_to(y=0, animate=False, immediate=True)
        elif 0 <= line < self.body_height:
            self.scroll_to(y=max(self.cursor - line, 0), animate=False, immediate=True)
        self._scroll_to_cursor()
        self.refresh()
        self._anchor_here()
        if lost is not None and follow and lost not in expected_gone:
            self.displaced = Displacement(lost, time.monotonic())
            self.post_message(self.CursorDisplaced(self, lost, self.cursor if n else None))
        self.post_message(self.CursorMoved(self, self.cursor))

    def move_to_key(self, key: Hashable) -> bool:
        """Put the cursor on the row with ``key``, wherever it stands; False (cursor unmoved) if not listed."""
        if self.row_key is None:
            return False
        for i in sorted(range(max(self.cursor - NEAR - 1, 0), min(self.cursor + NEAR + 2, self.cache.count())),
                        key=lambda i: abs(i - self.cursor)):
            row = self.cache.get(i)
            if row is not None and self.row_key(row) == key:
                self.move_to(i)
                return True
        found = self._locate([key])
        if found is None:
            return False
        self.move_to(found[1])
        return True

    def _recheck_anchor(self) -> None:
        self._recheck_pending = False
        if self.row_key is None or self.anchor_key is None:
            return
        row = self.cache.get(self.cursor)
        if row is not None and self.row_key(row) != self.anchor_key:
            self.reload()

    def _update_virtual_size(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, self.cache.count() + 1)

    def on_resize(self, _event: events.Resize) -> None:
        self._update_virtual_size()
        self._scroll_to_cursor()

    def on_mount(self) -> None:
        self._update_virtual_size()

    # ---- cursor -------------------------------------------------------------------------------

    def move_to(self, index: int) -> None:
        n = self.cache.count()
        index = min(max(index, 0), max(n - 1, 0))
        self.displaced = None
        if self.row_key is not None:
            row = self.cache.get(index)
            if row is not None:
                self.anchor_key = self.row_key(row)
        if index != self.cursor:
            old, self.cursor = self.cursor, index
            top = int(self.scroll_offset.y)
            self._scroll_to_cursor()
            if int(self.scroll_offset.y) == top:
                self.refresh_row(old)  # only the two rows whose look changed
                self.refresh_row(index)
            else:
                self.refresh()
        self.post_message(self.CursorMoved(self, self.cursor))

    def refresh_row(self, index: int) -> None:
        y = index - int(self.scroll_offset.y) + 1
        if 1 <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    def _scroll_to_cursor(self) -> None:
        top = int(self.scroll_offset.y)
        h = self.body_height
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + h:
            self.scroll_to(y=self.cursor - h + 1, animate=False, immediate=True)

    def action_cursor_up(self) -> None:
        self.move_to(self.cursor - 1)

    def action_cursor_down(self) -> None:
        self.move_to(self.cursor + 1)

    def action_page_up(self) -> None:
        self.move_to(self.cursor - self.body_height)

    def action_page_down(self) -> None:
        self.move_to(self.cursor + self.body_height)

    def action_first(self) -> None:
        self.move_to(0)

    def action_last(self) -> None:
        self.move_to(self.cache.count() - 1)

    def action_activate(self) -> None:
        if self.cache.count():
            self.post_message(self.Activated(self, self.cursor))

    def on_click(self, event: events.Click) -> None:
        if event.y < 1:
            return
        index = int(self.scroll_offset.y) + event.y - 1
        if index < self.cache.count():
            self.move_to(index)
            if event.chain >= 2:
                self.post_message(self.Activated(self, index))

    def on_focus(self) -> None:
        self._styles.clear()
        self.refresh()

    def on_blur(self) -> None:
        self._styles.clear()
        self.refresh()

    def notify_style_update(self) -> None:
        self._styles.clear()
        super().notify_style_update()

    # ---- rendering ----------------------------------------------------------------------------

    def _columns_for(self, width: int) -> list[tuple[Column, int]]:
        if width != self._layout_width:
            self._layout = layout_columns(self.columns, width)
            self._layout_width = width
        return self._layout

    def visible_columns(self) -> list[str]:
        return [c.key for c, _w in self._columns_for(self.scrollable_content_region.width)]

    def _style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            style = self._styles[name] = self.get_component_rich_style(f"virtual-table--{name}")
        return style

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        layout = self._columns_for(width)
        base = self.rich_style
        if y == 0:
            header = self._style("header")
            text = " ".join(fit(c.label, w, c.align) for c, w in layout)
            return Strip([Segment(fit(text, width), base + header)], width)
        index = int(self.scroll_offset.y) + y - 1
        row = self.cache.get(index) if index < self.cache.count() else None
        if row is None:
            return Strip.blank(width, base)
        if (index == self.cursor and self.row_key is not None and self.anchor_key is not None
                and self.row_key(row) != self.anchor_key and not self._recheck_pending):
            self._recheck_pending = True  # a page read anew shows another row here: find the cursor's row
            self.call_later(self._recheck_anchor)
        line_style = base
        if self.is_selected(row):
            line_style = line_style + self._style("selected")
        cursor = index == self.cursor
        cursor_style = self._style("cursor") if cursor else None
        cells = self.formatter(row)
        by_key = cells if isinstance(cells, Mapping) else dict(zip((c.key for c in self.columns), cells, strict=False))
        segments: list[Segment] = []
        for i, (col, w) in enumerate(layout):
            cell = by_key.get(col.key, "")
            text, style_name = (cell, "") if isinstance(cell, str) else cell
            style = line_style + self._style(style_name) if style_name else line_style
            if cursor_style is not None:
                style = style + cursor_style
            if i:
                segments.append(Segment(" ", line_style + cursor_style if cursor_style else line_style))
            segments.append(Segment(fit(one_line(text), w, col.align), style))
        used = sum(w for _c, w in layout) + max(len(layout) - 1, 0)
        if used < width:
            segments.append(Segment(" " * (width - used), line_style + cursor_style if cursor_style else line_style))
        return Strip(segments, width)
