"""A page cache over a row source: only the pages the screen shows are ever fetched."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any, Generic, Protocol, TypeVar

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


class RowSource(Protocol[T_co]):
    """Where rows come from: the database does the filtering and sorting."""

    def count(self) -> int: ...

    def fetch(self, offset: int, limit: int) -> Sequence[T_co]: ...


class KeyedRowSource(RowSource[T_co], Protocol[T_co]):
    """A row source that can also say where rows stand, by key, without reading every page."""

    def locate(self, keys: Sequence[Hashable]) -> tuple[Hashable, int] | None:
        """The first of ``keys`` that is among the rows, and its index; None when none is."""
        ...


class ListSource(Generic[T]):
    """A row source over a list already in memory (small tables such as the 20 operations)."""

    def __init__(self, rows: Sequence[T]) -> None:
        self.rows = list(rows)

    def count(self) -> int:
        return len(self.rows)

    def fetch(self, offset: int, limit: int) -> Sequence[T]:
        return self.rows[offset : offset + limit]


class PageCache(Generic[T]):
    """Rows by index, fetched a page at a time and kept for the most recently used pages."""

    def __init__(self, source: RowSource[T], *, page_size: int = 100, max_pages: int = 16) -> None:
        self.source = source
        self.page_size = page_size
        self.max_pages = max_pages
        self._pages: OrderedDict[int, list[T]] = OrderedDict()
        self._count: int | None = None
        self.fetches = 0  # how many pages were read (benchmarks and tests look at it)

    def count(self) -> int:
        if self._count is None:
            self._count = self.source.count()
        return self._count

    def get(self, index: int) -> T | None:
        if index < 0 or index >= self.count():
            return None
        page_no, pos = divmod(index, self.page_size)
        page = self._pages.get(page_no)
        if page is None:
            page = list(self.source.fetch(page_no * self.page_size, self.page_size))
            self.fetches += 1
            self._pages[page_no] = page
            while len(self._pages) > self.max_pages:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page_no)
        return page[pos] if pos < len(page) else None

    def peek(self, index: int) -> T | None:
        """The row at ``index`` if its page is cached (nothing is read)."""
        if index < 0:
            return None
        page_no, pos = divmod(index, self.page_size)
        page = self._pages.get(page_no)
        return page[pos] if page is not None and pos < len(page) else None

    def replace(self, rows: Mapping[Any, T], key: Callable[[T], Any]) -> int:
        """Put fresh copies of rows already cached in place (same position); returns how many were found."""
        found = 0
        for page in self._pages.values():
            for i, row in enumerate(page):
                fresh = rows.get(key(row))
                if fresh is not None:
                    page[i] = fresh
                    found += 1
        return found

    def cached_rows(self) -> list[T]:
        return [row for page in self._pages.values() for row in page]

    def invalidate(self, *, count: bool = True) -> None:
        """Forget the pages (and the count): the next read asks the source again (and a source that read
        ahead, ``forget``, forgets that too)."""
        self._pages.clear()
        if count:
            self._count = None
        forget = getattr(self.source, "forget", None)
        if forget is not None:
            forget()

    def replace_source(self, source: RowSource[T]) -> None:
        self._pages.clear()
        self._count = None
        self.source = source
