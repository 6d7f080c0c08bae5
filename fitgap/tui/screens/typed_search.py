"""Typing in the requirements list goes to the search, never to the mark keys by accident.

The mark keys are single characters (1/2/3, f/g/n/u), so an ID typed while the list has focus used to
mark a row per digit. Now a printable character that is no key of the list — 0 and 4–9 (every standard ID
begins with its operation's code, 001…), most letters, kana and kanji — starts a typed search: it and
every printable key after it, mark keys included, go into the search box until enter or ↓ (keep the search
and return to the list) or esc (take it back). The screen keeps the focus meanwhile, so keys that arrive
in a burst (a fast typist, a terminal sending a whole ID at once) all take the same path, in order: none
can reach a mark key while focus moves. A single mark key press on its own still marks.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import events

from fitgap.tui.widgets.filter_bar import FilterBar

TYPING_CLASS = "-typing"  # the search box while text typed in the list goes there (app.tcss)
END_KEEP = frozenset({"enter", "down", "tab"})  # end the typed search and keep it (as the search box's enter)


class TypedSearch:
    """The state of a search typed into the list: None when none is under way."""

    def __init__(self, bar: Callable[[], FilterBar], *, restore: Callable[[str], None],
                 started: Callable[[], None]) -> None:
        self._bar = bar
        self._restore = restore  # esc: the search as it was before the typing
        self._started = started
        self.before: str | None = None

    @property
    def active(self) -> bool:
        return self.before is not None

    def key(self, event: events.Key, *, bound: bool, previous: str) -> bool:
        """Take ``event`` if it belongs to a typed search (True: the caller stops it). ``bound``: the key has
        a binding on the screen; ``previous``: the search text now (restored by esc)."""
        printable = bool(event.character) and event.is_printable
        if self.before is None:
            if not printable or bound:
                return False
            self.before = previous
            self._set("")
            self._bar().search_input.add_class(TYPING_CLASS)
            self._started()
        value = self._bar().search_input.value
        if printable and event.character:
            self._set(value + event.character)
        elif event.key == "backspace":
            self._set(value[:-1])
        elif event.key == "escape":
            before = self.before
            self.end(apply=False)
            self._restore(before)
        elif event.key in END_KEEP:
            self.end()
        else:
            self.end()  # another key (↑, pageup, ctrl+…): the search stays, the key does its usual work
            return False
        return True

    def end(self, *, apply: bool = True) -> None:
        """Finish the typed search: what was typed is applied now (no debounce left pending); with
        ``apply=False`` it is dropped (the box is set back, and a search still pending is then stale)."""
        if self.before is None:
            return
        self.before = None
        bar = self._bar()
        bar.search_input.remove_class(TYPING_CLASS)
        if apply:
            bar.flush()

    def _set(self, text: str) -> None:
        search = self._bar().search_input
        search.value = text  # (the search box narrows the list as when typed into it)
        search.cursor_position = len(text)
