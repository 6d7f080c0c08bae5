"""The lists as the ministries publish them: 機能 and 帳票 numbered independently, one version in several
files, every column kept, rows marked 削除, versions in publication order."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fitgap.domain.enums import RequirementKind, Status
from fitgap.domain.spec_diff import Change
from fitgap.errors import InvalidInputError
from fitgap.services.assessment import update_items
from fitgap.services.items import ItemFilter, ItemKey, get_item, get_item_detail, item_keys
from fitgap.services.specs_import import import_spec
from fitgap.storage import specs
from fitgap.storage.db import Database
from tests.spec_books import MINISTRY_FORMS, MINISTRY_FUNCTIONS, Row, write_ministry_workbook

F, B = RequirementKind.FUNCTION, RequirementKind.FORM


def _key(kind: RequirementKind, rid: str) -> ItemKey:
    return ItemKey("001", kind, rid)


def _keys(db: Database) -> set[tuple[str, str]]:
    return {(k.kind.value, k.req_id) for k in item_keys(db=db, flt=ItemFilter(operation_code="001"))}


@pytest.mark.parametrize("marks", [False, True], ids=["実装区分の列", "区分ごとの○の列"])
def test_a_function_and_a_form_with_the_same_id_are_two_requirements(db: Database, tmp_path: Path, marks: bool):
    book = write_ministry_workbook(tmp_path / "住民記録_機能帳票要件.xlsx", marks=marks)
    rep = import_spec(db=db, path=book, user="tester")
    assert rep.written and rep.version_label == "第6.0版" and rep.requirements == 6
    assert _keys(db) == {("機能", "0010001"), ("機能", "0010002"), ("機能", "0010003"), ("機能", "0010004"),
                         ("帳票", "0010001"), ("帳票", "0010002")}
    assert get_item(db=db, key=_key(F, "0010001")).name == "住民記録の管理"
    assert get_item(db=db, key=_key(B, "0010001")).name == "住民票の写し"
    # the rows marked 削除 / 欠番 are listed as removed in this version, not read as requirements
    assert sorted(r.label for r in rep.removed_rows) == ["帳票 0010003", "機能 0010005"]
    # the publication date is read from the cover (令和8年3月31日)
    assert rep.published_on == date(2026, 3, 31)
    detail = get_item_detail(db=db, key=_key(F, "0010001"))
    assert (detail.reason, detail.remarks) == ("法第7条に定める記載事項のため。", "R7改正に対応")
    assert get_item_detail(db=db, key=_key(B, "0010001")).remarks == "様式は別紙"


def test_a_later_version_carries_assessments_by_kind_and_id(db: Database, tmp_path: Path):
    import_spec(db=db, path=write_ministry_workbook(tmp_path / "v6.xlsx"), user="tester")
    update_items(db=db, user="tester", keys=[_key(F, "0010001")], status=Status.FIT, note="現行どおり")
    update_items(db=db, user="tester", keys=[_key(B, "0010001")], status=Status.GAP, note="様式が違う")
    forms = [Row(10001, "住民票の写し", "住民票の写しを電子で出力できること。", "実装必須機能"), *MINISTRY_FORMS[1:]]
    functions = [Row(10001, MINISTRY_FUNCTIONS[0].name, MINISTRY_FUNCTIONS[0].text, "実装必須機能",
                     "法第7条及び施行令に定める記載事項のため。"), *MINISTRY_FUNCTIONS[1:]]
    rep = import_spec(db=db, path=write_ministry_workbook(tmp_path / "v7.xlsx", functions=functions, forms=forms,
                                                          label="第7.0版", published="令和9年3月31日"), user="tester")
    assert rep.previous_label == "第6.0版" and rep.counts[Change.TEXT_CHANGED] == 1
    assert rep.counts[Change.NOTES_CHANGED] == 1  # the reason changed: shown, but no 要再確認
    func, form = get_item(db=db, key=_key(F, "0010001")), get_item(db=db, key=_key(B, "0010001"))
    assert (func.status, func.note, func.needs_review) == (Status.FIT, "現行どおり", False)
    assert (form.status, form.note, form.needs_review) == (Status.GAP, "様式が違う", True)


def test_one_version_from_several_files_in_one_import(db: Database, tmp_path: Path):
    a = write_ministry_workbook(tmp_path / "住民記録_第6.0版_機能要件一覧.xlsx", forms=None)
    b = write_ministry_workbook(tmp_path / "住民記録_第6.0版_帳票要件.xlsx", functions=None)
    rep = import_spec(db=db, paths=[a, b], user="tester")
    assert rep.written and rep.requirements == 6
    assert [(f.name, f.functions, f.forms, f.removed) for f in rep.files] == [
        (a.name, 4, 0, 1), (b.name, 0, 2, 1)]
    with db.read() as s:
        [version] = specs.list_versions(session=s, operation_code="001")[1:]
        assert [src.file_name for src in specs.list_sources(session=s, spec_version_id=version.id or 0)] == [a.name, b.name]
    again = import_spec(db=db, paths=[a, b], user="tester")
    assert again.already_imported and not again.written


def test_a_file_added_later_to_a_version_and_a_clash_refused(db: Database, tmp_path: Path):
    a = write_ministry_workbook(tmp_path / "住民記録_第6.0版_機能要件一覧.xlsx", forms=None)
    b = write_ministry_workbook(tmp_path / "住民記録_第6.0版_帳票要件.xlsx", functions=None)
    import_spec(db=db, path=a, user="tester")
    assert ("帳票", "0010001") not in _keys(db)
    dry = import_spec(db=db, path=b, user="tester", add_to_version="第6.0版", dry_run=True)
    assert dry.requirements == 2 and not dry.written and ("帳票", "0010001") not in _keys(db)
    rep = import_spec(db=db, path=b, user="tester", add_to_version="第6.0版")
    assert rep.written and rep.added_to == "第6.0版" and rep.requirements == 2 and rep.counts[Change.ADDED] == 2
    assert ("帳票", "0010001") in _keys(db) and ("機能", "0010001") in _keys(db)
    assert import_spec(db=db, path=b, user="tester", add_to_version="第6.0版").already_imported
    clash = write_ministry_workbook(tmp_path / "住民記録_第6.0版_追補.xlsx", forms=None,
                                    functions=[Row(10002, "転入の登録", "別の本文", "実装必須機能")])
    with pytest.raises(InvalidInputError) as exc:
        import_spec(db=db, path=clash, user="tester", add_to_version="第6.0版")
    assert "機能 0010002" in exc.value.message and "すでにあります" in exc.value.message
    with pytest.raises(InvalidInputError) as exc:
        import_spec(db=db, path=clash, user="tester", add_to_version="第9.9版")
    assert "第6.0版" in exc.value.message  # the versions there are


def test_the_same_id_twice_within_one_kind_is_still_a_duplicate(db: Database, tmp_path: Path):
    a = write_ministry_workbook(tmp_path / "a_第6.0版.xlsx", forms=None)
    b = write_ministry_workbook(tmp_path / "b_第6.0版.xlsx", forms=None)
    with pytest.raises(InvalidInputError) as exc:
        import_spec(db=db, paths=[a, b], user="tester")
    assert "機能 0010001" in exc.value.message and a.name in exc.value.message


def test_an_older_publication_imported_later_is_kept_as_history(db: Database, tmp_path: Path):
    new = write_ministry_workbook(tmp_path / "v7.xlsx", label="第7.0版", published="令和9年3月31日")
    import_spec(db=db, path=new, user="tester")
    update_items(db=db, user="tester", keys=[_key(F, "0010001")], status=Status.FIT)
    older_forms = [Row(10001, "住民票の写し", "旧い本文", "実装必須機能"), *MINISTRY_FORMS[1:]]
    old = write_ministry_workbook(tmp_path / "v6.xlsx", label="第6.0版", published="令和8年3月31日", forms=older_forms)
    rep = import_spec(db=db, path=old, user="tester")
    assert rep.written and rep.historical and rep.current_label == "第7.0版" and rep.carry == []
    with db.read() as s:
        labels = [v.label for v in specs.list_versions(session=s, operation_code="001")]
    assert labels[-2:] == ["第6.0版", "第7.0版"]  # publication order: the current one stays last
    assert get_item(db=db, key=_key(B, "0010001")).name == "住民票の写し"
    assert get_item_detail(db=db, key=_key(B, "0010001")).text == "住民票の写しを出力できること。"
    assert not get_item(db=db, key=_key(F, "0010001")).needs_review


def test_cli_imports_several_files_and_lists_what_each_brought(cli, tmp_path: Path):
    a = write_ministry_workbook(tmp_path / "住民記録_第6.0版_機能要件一覧.xlsx", forms=None)
    b = write_ministry_workbook(tmp_path / "住民記録_第6.0版_帳票要件.xlsx", functions=None)
    cli("init")
    r = cli("import-spec", str(a), str(b))
    assert r.code == 0, r.err
    assert f"{a.name}: 機能 4 件、帳票 0 件、削除・欠番 1 行" in r.out and f"{b.name}: 機能 0 件、帳票 2 件" in r.out
    assert "削除・欠番と書かれた行 2 行" in r.out and "公開日: 2026-03-31" in r.out
    bad = cli("import-spec", str(a), "--add-to-version", "第6.0版")
    assert bad.code == 0 and "取り込み済み" in bad.out


def test_spec_diff_workbook_shows_a_change_of_reason_or_remarks(db: Database, tmp_path: Path):
    import openpyxl

    from fitgap.services import spec_compare

    import_spec(db=db, path=write_ministry_workbook(tmp_path / "v6.xlsx"), user="tester")
    functions = [Row(10001, MINISTRY_FUNCTIONS[0].name, MINISTRY_FUNCTIONS[0].text, "実装必須機能",
                     "法第7条及び施行令による。", "R7改正に対応"), *MINISTRY_FUNCTIONS[1:]]
    import_spec(db=db, path=write_ministry_workbook(tmp_path / "v7.xlsx", functions=functions, label="第7.0版",
                                                    published="令和9年3月31日"), user="tester")
    view = spec_compare.compare_versions(db=db, operation="001", from_label="第6.0版", to_label="第7.0版")
    out = spec_compare.export_spec_diff(view=view, path=tmp_path / "diff.xlsx")
    ws = openpyxl.load_workbook(out)["変更一覧"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    [row] = [r for r in rows if r[0] == "考え方・備考の変更"]
    assert row[1] == "0010001" and "法第7条及び施行令による。" in row[-1] and "【考え方・理由】" in row[-1]


def test_bad_rows_of_several_files_are_listed_beside_each_file_with_its_name(db: Database, tmp_path: Path):
    bad_function = Row(10009, "謎の機能", "区分が読めない。", "たぶん")
    bad_form = Row(10008, "謎の帳票", "区分が読めない。", "きっと")
    a = write_ministry_workbook(tmp_path / "住民記録_第6.0版_機能要件一覧.xlsx", forms=None,
                                functions=[*MINISTRY_FUNCTIONS, bad_function])
    b = write_ministry_workbook(tmp_path / "住民記録_第6.0版_帳票要件.xlsx", functions=None,
                                forms=[*MINISTRY_FORMS, bad_form])
    with pytest.raises(InvalidInputError) as exc:
        import_spec(db=db, paths=[a, b], user="tester")
    # each refused row says which file it is in
    assert f"ファイル「{a.name}」" in exc.value.message and f"ファイル「{b.name}」" in exc.value.message
    rep = import_spec(db=db, paths=[a, b], user="tester", skip_bad_rows=True)
    assert rep.written and len(rep.problems) == 2
    # one problem list beside each file, holding that file's rows only
    assert rep.problems_files == [tmp_path / f"{a.stem}_取込エラー.csv", tmp_path / f"{b.stem}_取込エラー.csv"]
    first, second = (p.read_text(encoding="utf-8-sig").splitlines() for p in rep.problems_files)
    assert len(first) == 2 and "たぶん" in first[1] and len(second) == 2 and "きっと" in second[1]


def test_the_bad_rows_of_a_file_already_imported_do_not_block_adding_the_others(db: Database, tmp_path: Path):
    a = write_ministry_workbook(tmp_path / "住民記録_第6.0版_機能要件一覧.xlsx", forms=None,
                                functions=[*MINISTRY_FUNCTIONS, Row(10009, "謎の機能", "区分が読めない。", "たぶん")])
    b = write_ministry_workbook(tmp_path / "住民記録_第6.0版_帳票要件.xlsx", functions=None)
    import_spec(db=db, path=a, user="tester", skip_bad_rows=True)
    # the file whose bad rows were skipped when it was imported is still the same file: nothing to fix
    assert import_spec(db=db, path=a, user="tester").already_imported
    rep = import_spec(db=db, paths=[a, b], user="tester", add_to_version="第6.0版")
    assert rep.written and rep.requirements == 2 and rep.problems == []
    assert [f.already_imported for f in rep.files] == [True, False]
    c = write_ministry_workbook(tmp_path / "住民記録_第6.0版_追補.xlsx", forms=None,
                                functions=[Row(10020, "謎の追補", "区分が読めない。", "多分")])
    with pytest.raises(InvalidInputError) as exc:
        import_spec(db=db, paths=[a, c], user="tester", add_to_version="第6.0版")
    assert c.name in exc.value.message and a.name not in exc.value.message


def test_a_version_or_date_that_adding_to_a_version_would_ignore_is_refused(db: Database, tmp_path: Path):
    a = write_ministry_workbook(tmp_path / "住民記録_第6.0版_機能要件一覧.xlsx", forms=None)
    b = write_ministry_workbook(tmp_path / "住民記録_第6.0版_帳票要件.xlsx", functions=None)
    import_spec(db=db, path=a, user="tester")
    with pytest.raises(InvalidInputError) as exc:
        import_spec(db=db, path=b, user="tester", add_to_version="第6.0版", version="第7.0版")
    assert "第7.0版" in exc.value.message and "第6.0版" in exc.value.message
    with pytest.raises(InvalidInputError) as exc:
        import_spec(db=db, path=b, user="tester", add_to_version="第6.0版", published=date(2027, 1, 1))
    assert "公開日" in exc.value.message
    assert import_spec(db=db, path=b, user="tester", add_to_version="第6.0版", version="第6.0版").written


def test_a_list_without_a_publication_date_is_taken_as_the_latest_and_said_so(cli, tmp_path: Path):
    cli("init")
    assert cli("import-spec", str(write_ministry_workbook(tmp_path / "v6.xlsx"))).code == 0
    undated = tmp_path / "住民記録_第5.0版.csv"
    undated.write_text("機能ID,機能名称,機能要件,実装区分\n0010001,住民記録の管理,住民を管理できること。,実装必須機能\n",
                       encoding="utf-8")
    r = cli("import-spec", str(undated), "--dry-run")
    assert r.code == 0, r.err
    assert "公開日が分からないため、いちばん新しい版として扱います" in r.out and "--published" in r.out
    dated = cli("import-spec", str(undated), "--published", "2020-01-01", "--dry-run")
    assert "公開日が分からない" not in dated.out and "履歴として保存します" in dated.out
