"""`fitgap drafts`: what a user left unsaved in the workbench, listed, shown and thrown away — their own only."""

from __future__ import annotations

from fitgap.services import drafts
from fitgap.services.database import open_db


def test_list_show_and_drop_own_drafts(cli, db_url: str) -> None:
    assert cli("init").code == 0
    db = open_db(url=db_url)
    drafts.keep_draft(db=db, user="佐藤", kind=drafts.NOTE, key="001:機能:0010001", label="0010001 住民票の写し",
                      text="窓口で手書きの控えを渡す運用", base_revision=2, base_text="前のメモ")
    drafts.keep_draft(db=db, user="佐藤", kind=drafts.REASON, key="001:F-001", label="理由 001:F-001", text="独自集計")
    drafts.keep_draft(db=db, user="鈴木", kind=drafts.NOTE, key="001:機能:0010002", label="0010002", text="鈴木の下書き")
    db.dispose()

    listed = cli("drafts", "--user", "佐藤")
    assert listed.code == 0 and "note:001:機能:0010001" in listed.out and "reason:001:F-001" in listed.out
    assert "鈴木の下書き" not in listed.out and "0010002" not in listed.out and "2 件" in listed.out
    shown = cli("drafts", "show", "note:001:機能:0010001", "--user", "佐藤")
    assert "窓口で手書きの控えを渡す運用" in shown.out and "前のメモ" in shown.out
    other = cli("drafts", "drop", "note:001:機能:0010002", "--user", "佐藤")  # 鈴木's: not visible to 佐藤
    assert other.code != 0 and "ありません" in other.err
    dropped = cli("drafts", "drop", "note:001:機能:0010001", "--user", "佐藤")
    assert dropped.code == 0 and "1 件捨てました" in dropped.out
    assert "note:001:機能:0010001" not in cli("drafts", "--user", "佐藤").out
    assert cli("drafts", "drop", "--all", "--user", "佐藤").code == 0
    assert "下書きはありません" in cli("drafts", "--user", "佐藤").out
    assert "鈴木の下書き" in cli("drafts", "show", "note:001:機能:0010002", "--user", "鈴木").out


def test_every_kind_of_draft_has_its_japanese_name() -> None:
    from fitgap.cli.drafts import KINDS

    assert set(KINDS) == {drafts.NOTE, drafts.BULK_NOTE, drafts.REASON, drafts.FORM}
