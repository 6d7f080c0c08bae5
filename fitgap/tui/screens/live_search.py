"""The search of the requirement list as it is typed: each keystroke's query starts at once, in a worker.

No fixed debounce: the first key's query runs as soon as it is typed. While it runs, the keys that come
meanwhile only change the text wanted; when it finishes, its result is shown if it is still what the box
says, and the query for the newest text starts at once if the text moved on (the texts in between are
never queried). So a key waits at most for the query already under way and its own, and a burst of keys
costs two queries, not one per key. A result that no longer matches the box (esc took the search back,
another filter was chosen meanwhile) is dropped. ``settle`` (enter, ↓, the end of a typed search) applies
the text in the box at once, synchronously, and drops whatever is still running: the keys after it act on
the list as the box says.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from textual.screen import Screen
from textual.worker import get_current_worker

from fitgap.errors import FitGapError
from fitgap.services.items import ItemFilter
from fitgap.tui.screens.item_source import ItemSource


class LiveSearch:
    """The state of the search under way: the text wanted, and whether a query is running."""

    def __init__(self, screen: Screen[object], *, current: Callable[[], ItemFilter],
                 box: Callable[[], str], source: Callable[[ItemFilter], ItemSource],
                 read_ahead: Callable[[ItemSource], Callable[[], None]],
                 show: Callable[[ItemFilter, ItemSource], None],
                 failed: Callable[[FitGapError], None]) -> None:
        self._screen = screen
        self._current = current  # the filter the list shows now
        self._box = box  # the text in the search box now
        self._source = source  # a source for a filter
        self._read_ahead = read_ahead  # the work (run in the worker) that reads what showing a source needs
        self._show = show  # show a source read ahead for its filter
        self._failed = failed
        self.wanted: str | None = None  # the newest text typed, while a query runs
        self.running: str | None = None  # the text of the query under way
        self._generation = 0  # settle() makes the running query's result stale

    def typed(self, text: str) -> None:
        """The box says ``text`` now: query it at once, or as soon as the query under way finishes."""
        self.wanted = text
        if self.running is None:
            self._start(text)

    def settle(self) -> None:
        """Apply the box's text now (synchronously) and drop any result still to come."""
        self._generation += 1
        self.wanted = self.running = None

    def _start(self, text: str) -> None:
        self.wanted = None
        self.running = text
        generation = self._generation
        flt = replace(self._current(), text=text)
        source = self._source(flt)
        read = self._read_ahead(source)  # what it needs from the screen is taken here, on the app's thread

        def work() -> None:
            worker = get_current_worker()
            try:
                read()
            except FitGapError as exc:
                if not worker.is_cancelled:
                    self._screen.app.call_from_thread(self._done, generation, text, flt, None, exc)
                return
            if not worker.is_cancelled:
                self._screen.app.call_from_thread(self._done, generation, text, flt, source, None)

        self._screen.run_worker(work, thread=True, group="live-search", name="検索")

    def _done(self, generation: int, text: str, flt: ItemFilter, source: ItemSource | None,
              error: FitGapError | None) -> None:
        if generation != self._generation or not self._screen.is_attached:
            return  # settled (or the screen closed) since: this result is not wanted
        self.running = None
        wanted, self.wanted = self.wanted, None
        now = self._current()
        if error is not None:
            self._failed(error)
        elif source is not None and text == self._box() and replace(now, text=text) == flt:
            self._show(flt, source)  # still what the box says, with the other filters as they are
        nxt = wanted if wanted is not None and wanted != text else None
        if nxt is None and error is None and self._box() != self._current().text:
            nxt = self._box()  # another filter came in between: the box's text over it
        if nxt is not None and nxt == self._box():
            self._start(nxt)
