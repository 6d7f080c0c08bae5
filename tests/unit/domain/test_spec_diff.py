"""Comparing two versions of a requirement list, and the character-level diff of Japanese text."""

from __future__ import annotations

from pathlib import Path

from fitgap.domain.enums import Kubun
from fitgap.domain.records import RequirementRecord
from fitgap.domain.spec_diff import Change, char_diff, diff_versions, inline_diff
from fitgap.importers.spec_file import read_spec_file
from tests.spec_books import V2_FUNCTIONS, write_official_workbook


def test_second_version_yields_added_removed_text_and_class_changes(tmp_path: Path) -> None:
    old = read_spec_file(write_official_workbook(tmp_path / "v1.xlsx")).requirements
    new = read_spec_file(write_official_workbook(tmp_path / "v2.xlsx", functions=V2_FUNCTIONS)).requirements
    diff = diff_versions(old, new)
    changes = {i.req_id: i.change for i in diff.changed}
    assert changes == {
        "0010002": Change.TEXT_CHANGED,
        "0010005": Change.CLASS_CHANGED,
        "0010006": Change.REMOVED,
        "0010008": Change.ADDED,
    }
    # 0010003 was only re-wrapped and 類型1 became 実装必須機能: same normalised text, same class
    assert next(i for i in diff.items if i.req_id == "0010003").change is Change.UNCHANGED
    assert diff.counts()[Change.UNCHANGED] == 6
    assert diff_versions(new, new).is_empty


def test_class_and_text_change_together_count_as_class_change_needing_review() -> None:
    a = RequirementRecord("0010001", Kubun.OPTION, "名", "管理できること。")
    b = RequirementRecord("0010001", Kubun.MUST, "名", "管理すること。")
    [item] = diff_versions([a], [b]).items
    assert item.change is Change.CLASS_CHANGED and item.text_changed and item.needs_review


def test_transitional_flag_change_is_a_class_change() -> None:
    a = RequirementRecord("0010001", Kubun.OPTION, "名", "本文")
    b = RequirementRecord("0010001", Kubun.OPTION, "名", "本文", transitional=True)
    assert diff_versions([a], [b]).items[0].change is Change.CLASS_CHANGED


def test_char_diff_marks_only_the_changed_japanese_characters() -> None:
    segs = char_diff("外国人住民について管理すること。", "外国人住民について管理し、保持すること。")
    assert "".join(s.text for s in segs if s.op != "insert") == "外国人住民について管理すること。"
    assert "".join(s.text for s in segs if s.op != "delete") == "外国人住民について管理し、保持すること。"
    assert [s.text for s in segs if s.op == "insert"] == ["し、保持"]
    assert inline_diff("ＡＢＣを管理", "ABCを更新") == "ABCを[-管理-]{+更新+}"
