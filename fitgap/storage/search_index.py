"""Full-text search over requirements: SQLite FTS5 with the trigram tokenizer (Japanese substrings).

The index holds req_id, name and text of every requirement under the requirement's rowid. Building it
costs more than inserting the rows, so bulk loads do not wait for it: :func:`catch_up` indexes whatever
was added since the last time (fitgap_meta ``search_indexed_upto``) before a search, or ahead of time
in a worker. :func:`remove` drops deleted rows. Terms of one or two characters use the character index
(:mod:`fitgap.storage.char_index`), kept up to date here with this one; databases other than SQLite use
LIKE on the search form of the requirement's columns (:mod:`fitgap.storage.text_match`).

Both indexes hold the NFKC form of each column (SQL function ``fitgap_nfkc``, registered on every SQLite
connection fitgap opens) and the query terms are in the one search form (``text.search_form``: NFKC, the
Latin capitals lowered), so search is width-insensitive and folds A–Z the same way on both backends (ＰＤＦ,
PDF and pdf find the same rows). The indexes fold more (İ, Greek): a term with such a letter is also held
to LIKE, which folds the Latin capitals only. Indexes built before they held that form
(fitgap_meta ``search_index_form``) are rebuilt by the next catch-up.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from fitgap.storage import char_index

TABLE = "requirement_fts"
FORM = "nfkc"  # what the index holds; another value (or none) means an index to rebuild


def create(conn: sa.Connection) -> None:
    if conn.dialect.name != "sqlite":
        return
    conn.exec_driver_sql(f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5(req_id, name, text, tokenize='trigram')")
    _set_upto(conn, 0)
    if char_index.exists(conn):
        char_index.create(conn)  # a copy's indexes are rebuilt together (the schema step creates it first)


def available(conn: sa.Connection) -> bool:
    return conn.dialect.name == "sqlite"


def _upto(conn: sa.Connection) -> int:
    row = conn.exec_driver_sql("SELECT value FROM fitgap_meta WHERE key = 'search_indexed_upto'").first()
    return int(row[0]) if row and row[0] else 0


def _form(conn: sa.Connection) -> str:
    row = conn.exec_driver_sql("SELECT value FROM fitgap_meta WHERE key = 'search_index_form'").first()
    return str(row[0]) if row and row[0] else ""


def _set_form(conn: sa.Connection) -> None:
    if not conn.exec_driver_sql("UPDATE fitgap_meta SET value = ? WHERE key = 'search_index_form'", (FORM,)).rowcount:
        conn.exec_driver_sql("INSERT INTO fitgap_meta (key, value) VALUES ('search_index_form', ?)", (FORM,))


def _set_upto(conn: sa.Connection, value: int) -> None:
    if not conn.exec_driver_sql("UPDATE fitgap_meta SET value = ? WHERE key = 'search_indexed_upto'", (str(value),)).rowcount:
        conn.exec_driver_sql("INSERT INTO fitgap_meta (key, value) VALUES ('search_indexed_upto', ?)", (str(value),))


def _max_id(conn: sa.Connection) -> int:
    return int(conn.exec_driver_sql("SELECT COALESCE(MAX(id), 0) FROM requirement").scalar_one())


def behind(conn: sa.Connection) -> bool:
    """True when requirements were added since the indexes were last brought up to date."""
    if not available(conn):
        return False
    top = _max_id(conn)
    return top > _upto(conn) or _form(conn) != FORM or char_index.behind(conn, top)


def catch_up(conn: sa.Connection) -> int:
    """Index the requirements added since the last catch-up; returns how many (call in a write transaction)."""
    if not available(conn):
        return 0
    if _form(conn) != FORM:  # built before they held the NFKC form: rebuild both
        conn.exec_driver_sql(f"DELETE FROM {TABLE}")
        _set_upto(conn, 0)
        char_index.reset(conn)
        _set_form(conn)
    upto, top = _upto(conn), _max_id(conn)
    chars = char_index.catch_up(conn, top)
    if top <= upto:
        return chars
    n = conn.exec_driver_sql(
        f"INSERT INTO {TABLE} (rowid, req_id, name, text) SELECT id, fitgap_nfkc(req_id), fitgap_nfkc(name), "
        "fitgap_nfkc(text) FROM requirement WHERE id > ? AND id <= ?",
        (upto, top),
    ).rowcount
    _set_upto(conn, top)
    return int(n or 0)


def remove(conn: sa.Connection, *, ids: Sequence[int]) -> None:
    """Drop deleted requirements from the index (call after deleting them from the table)."""
    if not available(conn) or not ids:
        return
    for i in range(0, len(ids), 500):
        chunk = list(ids[i : i + 500])
        conn.exec_driver_sql(f"DELETE FROM {TABLE} WHERE rowid IN ({','.join('?' * len(chunk))})", tuple(chunk))
    # ids above the highest remaining one may be handed out again: make sure they get indexed then
    top = _max_id(conn)
    _set_upto(conn, min(_upto(conn), top))
    char_index.remove(conn, ids=ids, top=top)


def match_expression(terms: Sequence[str]) -> str:
    """An FTS5 query that requires every term as a substring (each quoted, so no FTS syntax leaks in)."""
    return " AND ".join('"' + t.replace('"', '""') + '"' for t in terms)
