"""Drafts through the service: kept per user and item, replaced not duplicated, read back after the database
is opened again, removed when saved or thrown away; long keys and form fields. Runs on PostgreSQL too
(FITGAP_TEST_BACKEND=postgres, or the `backend_url` test on both)."""

from __future__ import annotations

import pytest

from fitgap.errors import InvalidInputError
from fitgap.services import drafts
from fitgap.services.catalog import init_database
from fitgap.services.database import open_db
from fitgap.storage.db import Database

KEY = "001:機能:0010001"


def test_a_draft_is_kept_per_user_and_item_and_read_back_after_reopening(db: Database, db_url: str) -> None:
    drafts.keep_draft(db=db, user="alice", kind=drafts.NOTE, key=KEY, label="機能 0010001", text="途中まで",
                      base_revision=3, base_text="前のメモ")
    drafts.keep_draft(db=db, user="alice", kind=drafts.NOTE, key=KEY, label="機能 0010001", text="途中まで書いた",
                      base_revision=3, base_text="前のメモ")  # typed on: one draft, replaced
    drafts.keep_draft(db=db, user="bob", kind=drafts.NOTE, key=KEY, text="bob の下書き")
    other = open_db(url=db_url)  # as after a restart, or on a colleague's machine
    try:
        mine = drafts.get_draft(db=other, user="alice", kind=drafts.NOTE, key=KEY)
        assert mine is not None
        assert (mine.text, mine.base_revision, mine.base_text, mine.label) == ("途中まで書いた", 3, "前のメモ", "機能 0010001")
        assert mine.updated_at is not None
        assert [d.text for d in drafts.list_drafts(db=other, user="alice")] == ["途中まで書いた"]
        assert drafts.get_draft(db=other, user="alice", kind=drafts.REASON, key=KEY) is None  # another kind
        assert drafts.get_draft(db=other, user="carol", kind=drafts.NOTE, key=KEY) is None
        b = drafts.get_draft(db=other, user="bob", kind=drafts.NOTE, key=KEY)
        assert b is not None and b.text == "bob の下書き"
    finally:
        other.dispose()


def test_discarding_removes_only_that_draft(db: Database) -> None:
    drafts.keep_draft(db=db, user="alice", kind=drafts.NOTE, key=KEY, text="a")
    drafts.keep_draft(db=db, user="alice", kind=drafts.NOTE, key="001:帳票:0010001", text="b")
    assert drafts.discard_draft(db=db, user="alice", kind=drafts.NOTE, key=KEY)
    assert not drafts.discard_draft(db=db, user="alice", kind=drafts.NOTE, key=KEY)  # nothing left to remove
    assert [d.key for d in drafts.list_drafts(db=db, user="alice")] == ["001:帳票:0010001"]


def test_form_fields_round_trip_and_the_latest_draft_comes_first(db: Database) -> None:
    fields = {"planned": "2027-03-31", "kind": "個別設定", "interim": True, "cost": "", "none": None}
    drafts.keep_draft(db=db, user="alice", kind=drafts.NOTE, key=KEY, text="a")
    drafts.keep_draft(db=db, user="alice", kind=drafts.FORM, key="systems.deadline:住民記録システム",
                      label="住民記録システム: 期限", fields=fields)
    got = drafts.get_draft(db=db, user="alice", kind=drafts.FORM, key="systems.deadline:住民記録システム")
    assert got is not None and got.fields == fields and got.text == ""
    assert [d.kind for d in drafts.list_drafts(db=db, user="alice")] == [drafts.FORM, drafts.NOTE]
    with pytest.raises(InvalidInputError):
        drafts.keep_draft(db=db, user="alice", kind=drafts.FORM, key="x", fields={"when": object()})  # type: ignore[dict-item]


def test_long_keys_are_stored_by_digest_and_never_collide(db: Database) -> None:
    keys = ["001:F-" + ",".join(f"{i:04d}" for i in range(300)), "001:F-" + ",".join(f"{i:04d}" for i in range(301))]
    for n, key in enumerate(keys):
        drafts.keep_draft(db=db, user="alice", kind=drafts.REASON, key=key, text=f"理由 {n}")
    assert [drafts.get_draft(db=db, user="alice", kind=drafts.REASON, key=k).text for k in keys] == ["理由 0", "理由 1"]  # type: ignore[union-attr]
    assert all(len(drafts.slot_of(k)) <= drafts.SLOT_MAX for k in keys)
    assert drafts.discard_draft(db=db, user="alice", kind=drafts.REASON, key=keys[1])
    assert drafts.get_draft(db=db, user="alice", kind=drafts.REASON, key=keys[0]) is not None


def test_drafts_on_each_backend(backend_url: str) -> None:
    init_database(url=backend_url, user="t")
    db = open_db(url=backend_url)
    try:
        drafts.keep_draft(db=db, user="山田", kind=drafts.NOTE, key=KEY, text="改行\nと 全角　空白", base_revision=0)
        drafts.keep_draft(db=db, user="山田", kind=drafts.NOTE, key=KEY, text="二度目", base_revision=1)
        [only] = drafts.list_drafts(db=db, user="山田")
        assert (only.text, only.base_revision) == ("二度目", 1)
        assert drafts.discard_draft(db=db, user="山田", kind=drafts.NOTE, key=KEY)
        assert drafts.list_drafts(db=db, user="山田") == []
    finally:
        db.dispose()
