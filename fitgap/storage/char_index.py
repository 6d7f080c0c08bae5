"""The index for one- and two-character searches (除票, 転出, 税額): SQLite FTS5 with one token per character.

The trigram index needs three characters; Japanese users type two all the time. This table holds req_id,
name and text of every requirement (under its rowid), in NFKC form like the trigram index, with a space
between every two characters, so each
character is a token; a term of one or two characters is then an FTS5 phrase of one or two tokens, found
from the index instead of a LIKE scan of every row.

It matches exactly what the substring filter (LIKE '%term%', case-insensitive for ASCII) matches:

- every printable, non-space character of the Basic Multilingual Plane is a token (the tokenizer's categories take letters, marks,
  numbers, punctuation and symbols); spaces, line breaks, other non-printing characters and characters beyond
  U+FFFF are indexed as one placeholder token (␣), so two characters are adjacent in the index only when they are in the text;
- diacritics are kept (``remove_diacritics 0``);
- the tokenizer folds case. For ASCII that is what LIKE does; a term with a non-ASCII letter that has case
  (Ａ, é) also gets the LIKE filter, to keep LIKE's answer; a term with a space or non-printing
  character is not looked up here at all (:func:`usable`).

Kept up to date by :mod:`fitgap.storage.search_index` together with the trigram index, in the same
transactions (catch-up before a search, removal with the rows); its own high-water mark in fitgap_meta.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

TABLE = "requirement_chars"
UPTO_KEY = "search_chars_indexed_upto"
PLACEHOLDER = "\u2423"  # ␣: stands for any space or non-printing character
MAX_TERM = 2  # longer terms use the trigram index
_FUNCTION = "fitgap_spaced"
_TOKENIZER = "unicode61 remove_diacritics 0 categories 'L* N* M* P* S*'"


def _indexable(c: str) -> bool:
    # outside the Basic Multilingual Plane the tokenizer's Unicode 6.1 tables may not know a character
    return c.isprintable() and not c.isspace() and c <= "\uffff"


def spaced(value: str | None) -> str | None:
    """'除票の写し' → '除 票 の 写 し'; spaces and non-printing characters → the placeholder token."""
    if value is None:
        return None
    if value.isprintable() and " " not in value and "\u3000" not in value and (not value or max(value) <= "\uffff"):
        return " ".join(value)
    return " ".join(c if _indexable(c) else PLACEHOLDER for c in value)


def create(conn: sa.Connection) -> None:
    """Create the (empty) index; the next catch-up fills it. SQLite only."""
    if conn.dialect.name != "sqlite":
        return
    conn.exec_driver_sql(
        f'CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5(req_id, name, text, tokenize="{_TOKENIZER}", '
        "columnsize=0)"
    )
    _set_upto(conn, 0)


def exists(conn: sa.Connection) -> bool:
    if conn.dialect.name != "sqlite":
        return False
    return conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = ?", (TABLE,)).first() is not None


def _upto(conn: sa.Connection) -> int:
    row = conn.exec_driver_sql("SELECT value FROM fitgap_meta WHERE key = ?", (UPTO_KEY,)).first()
    return int(row[0]) if row and row[0] else 0


def _set_upto(conn: sa.Connection, value: int) -> None:
    if not conn.exec_driver_sql("UPDATE fitgap_meta SET value = ? WHERE key = ?", (str(value), UPTO_KEY)).rowcount:
        conn.exec_driver_sql("INSERT INTO fitgap_meta (key, value) VALUES (?, ?)", (UPTO_KEY, str(value)))


def behind(conn: sa.Connection, top: int) -> bool:
    return exists(conn) and top > _upto(conn)


def catch_up(conn: sa.Connection, top: int) -> int:
    """Index the requirements with ids up to ``top`` added since the last catch-up (in a write transaction)."""
    if not exists(conn):
        return 0
    upto = _upto(conn)
    if top <= upto:
        return 0
    raw = conn.connection.dbapi_connection
    raw.create_function(_FUNCTION, 1, spaced, deterministic=True)  # type: ignore[union-attr]
    n = conn.exec_driver_sql(
        f"INSERT INTO {TABLE} (rowid, req_id, name, text) "
        f"SELECT id, {_FUNCTION}(fitgap_nfkc(req_id)), {_FUNCTION}(fitgap_nfkc(name)), {_FUNCTION}(fitgap_nfkc(text)) "
        "FROM requirement "
        "WHERE id > ? AND id <= ?",
        (upto, top),
    ).rowcount
    _set_upto(conn, top)
    return int(n or 0)


def reset(conn: sa.Connection) -> None:
    """Empty the index; the next catch-up fills it again (when the form of the text it holds changes)."""
    if exists(conn):
        conn.exec_driver_sql(f"DELETE FROM {TABLE}")
        _set_upto(conn, 0)


def remove(conn: sa.Connection, *, ids: Sequence[int], top: int) -> None:
    if not exists(conn) or not ids:
        return
    for i in range(0, len(ids), 500):
        chunk = list(ids[i : i + 500])
        conn.exec_driver_sql(f"DELETE FROM {TABLE} WHERE rowid IN ({','.join('?' * len(chunk))})", tuple(chunk))
    _set_upto(conn, min(_upto(conn), top))


def usable(term: str) -> bool:
    """Whether a term can be looked up here: one or two printable, non-space characters."""
    return 0 < len(term) <= MAX_TERM and all(_indexable(c) for c in term)


def needs_like(term: str) -> bool:
    """Whether the index may find more than LIKE would (a non-ASCII letter with case: LIKE keeps its case)."""
    return any(ord(c) > 127 and c.lower() != c.upper() for c in term)


def match_expression(terms: Sequence[str]) -> str:
    """An FTS5 query requiring every term as adjacent characters (each a quoted phrase: no syntax leaks in)."""
    return " AND ".join('"' + " ".join(t).replace('"', '""') + '"' for t in terms)
