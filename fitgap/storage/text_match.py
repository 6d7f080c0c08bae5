"""Substring search in SQL by the one search form (:func:`fitgap.domain.text.search_form`).

``SearchForm(column)`` is the column in that form, spelled for each backend: on SQLite ``fitgap_nfkc(column)``
(NFKC, registered on every connection fitgap opens; LIKE then folds the Latin capitals, and nothing else);
on PostgreSQL ``lower(normalize(column, NFKC) COLLATE "C")`` (the C collation lowers the Latin capitals only,
whatever the server's locale, where a plain ILIKE would fold İ, Greek and Cyrillic too); elsewhere
``lower(column)``. :func:`contains` is "the column holds the term", the term put in the same form.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from fitgap.domain.text import search_form


class SearchForm(FunctionElement[str]):
    """A text column in the search form (see the module docstring)."""

    type = sa.String()
    inherit_cache = True
    name = "search_form"


@compiles(SearchForm, "sqlite")
def _sqlite(element: SearchForm, compiler: Any, **kw: Any) -> str:
    return f"fitgap_nfkc({compiler.process(element.clauses, **kw)})"


@compiles(SearchForm, "postgresql")
def _postgresql(element: SearchForm, compiler: Any, **kw: Any) -> str:
    return f'lower(normalize({compiler.process(element.clauses, **kw)}, NFKC) COLLATE "C")'


@compiles(SearchForm)
def _other(element: SearchForm, compiler: Any, **kw: Any) -> str:
    return f"lower({compiler.process(element.clauses, **kw)})"


def like_pattern(term: str) -> str:
    """``%term%`` in the search form, with LIKE's own characters escaped (ESCAPE '\\')."""
    form = search_form(term)
    return "%" + form.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def contains(columns: Sequence[Any], term: str) -> Any:
    """Any of ``columns`` holds ``term`` (both in the search form)."""
    pattern = like_pattern(term)
    return sa.or_(*(SearchForm(c).like(pattern, escape="\\") for c in columns))
