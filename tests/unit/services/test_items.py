"""Finding requirements: filters, Japanese search, sort, paging, detail."""

import itertools

import pytest

from fitgap.domain.enums import Disposition, Kubun, Severity, Status
from fitgap.domain.rules import severity
from fitgap.domain.text import natural_id_key
from fitgap.services.assessment import update_items
from fitgap.services.demo import generate_demo
from fitgap.services.items import (
    ItemFilter,
    ItemKey,
    ItemSort,
    count_items,
    get_item_detail,
    item_keys,
    list_items,
)

JUKI = "001"


def test_bundled_list_is_listed_in_id_order_with_unchecked_status(db):
    assert count_items(db=db, flt=ItemFilter(operation_code=JUKI)) == 197
    page = list_items(db=db, flt=ItemFilter(operation_code=JUKI), offset=0, limit=50)
    ids = [r.key.req_id for r in page]
    # the document's order (1.1.2 before 1.1.10), which is also the natural order of the section numbers
    assert ids[0] == "1.1.1-必須" and ids.index("1.1.2-必須") < ids.index("1.1.10-必須")
    by_id = list_items(db=db, flt=ItemFilter(operation_code=JUKI), sort=ItemSort("req_id"), offset=0, limit=200)
    natural = [r.key.req_id for r in by_id]
    assert natural == sorted(natural, key=natural_id_key) and natural.index("1.1.9-必須") < natural.index("1.1.10-必須")
    assert all(r.status == Status.UNCHECKED for r in page)
    last = list_items(db=db, flt=ItemFilter(operation_code=JUKI), offset=196, limit=10)
    assert len(last) == 1


def test_filter_by_class(db):
    flt = ItemFilter(operation_code=JUKI, kubun=frozenset({Kubun.FORBIDDEN}))
    assert count_items(db=db, flt=flt) == 47
    assert all(r.kubun == Kubun.FORBIDDEN for r in list_items(db=db, flt=flt, limit=100))


def test_japanese_substring_search_over_id_name_and_text(db):
    hits = list_items(db=db, flt=ItemFilter(operation_code=JUKI, text="除票"), limit=500)
    assert hits and any(r.key.req_id == "1.1.5-必須" for r in hits)
    # a three-character term goes through the index, a two-character one through LIKE: same semantics
    three = {r.key for r in list_items(db=db, flt=ItemFilter(text="住民票"), limit=500)}
    detail_texts = [get_item_detail(db=db, key=k).text + get_item_detail(db=db, key=k).row.name for k in three]
    assert three and all("住民票" in t for t in detail_texts)
    both = count_items(db=db, flt=ItemFilter(text="住民票 転出"))
    assert 0 < both < len(three)
    by_id = {r.key.req_id for r in list_items(db=db, flt=ItemFilter(text="1.1.2-"))}
    assert {"1.1.2-必須", "1.1.2-オプション"} <= by_id and all("1.1.2-" in i for i in by_id)
    assert count_items(db=db, flt=ItemFilter(text="存在しない語句ですよ")) == 0


def test_search_finds_requirements_imported_after_the_index_was_built(db):
    assert count_items(db=db, flt=ItemFilter(text="夜間バッチ")) == 0
    generate_demo(db=db, total=200, seed=5, user="t")
    assert count_items(db=db, flt=ItemFilter(text="夜間バッチ")) > 0
    generate_demo(db=db, total=100, seed=6, user="t")  # replaced demo data: no stale hits
    keys = item_keys(db=db, flt=ItemFilter(text="夜間バッチ"))
    assert all(get_item_detail(db=db, key=k) for k in keys)


def test_severity_in_queries_matches_the_domain_rule(db):
    keys = [r.key for r in list_items(db=db, flt=ItemFilter(operation_code=JUKI), limit=200)]
    by_kubun = {}
    for r in list_items(db=db, flt=ItemFilter(operation_code=JUKI), limit=200):
        by_kubun.setdefault(r.kubun, []).append(r.key)
    combos = list(itertools.product([Status.FIT, Status.GAP, Status.NOT_APPLICABLE, Status.UNCHECKED],
                                    [None, Disposition.UNDECIDED, Disposition.EUC]))
    for ks in by_kubun.values():
        for key, (status, disp) in zip(ks, combos, strict=False):
            if disp is not None and status != Status.GAP:
                continue
            update_items(db=db, user="t", keys=[key], status=status, disposition=disp, note="確認済み")
    assert keys
    for r in list_items(db=db, flt=ItemFilter(operation_code=JUKI), limit=200):
        assert r.severity == severity(r.kubun, r.status, r.disposition), r


def test_filter_by_severity_status_and_sort(db):
    must = list_items(db=db, flt=ItemFilter(operation_code=JUKI, kubun=frozenset({Kubun.MUST})), limit=3)
    update_items(db=db, user="t", keys=[must[0].key, must[1].key], status=Status.GAP, note="帳票が異なる")
    flt = ItemFilter(operation_code=JUKI, severities=frozenset({Severity.MUST_CLOSE}))
    assert {r.key for r in list_items(db=db, flt=flt)} == {must[0].key, must[1].key}
    gaps = ItemFilter(statuses=frozenset({Status.GAP}))
    assert count_items(db=db, flt=gaps) == 2
    first = list_items(db=db, flt=ItemFilter(operation_code=JUKI), sort=ItemSort("status", descending=True), limit=2)
    assert [r.status for r in first] == [Status.GAP, Status.GAP]


def test_note_missing_filter(db):
    key = list_items(db=db, flt=ItemFilter(operation_code=JUKI), limit=1)[0].key
    update_items(db=db, user="t", keys=[key], status=Status.GAP, enforce_note_rule=False)
    assert [r.key for r in list_items(db=db, flt=ItemFilter(note_missing=True))] == [key]


def test_detail_has_text_provenance_and_history(db):
    key = ItemKey.of(JUKI, "機能", "1.1.5-必須")
    update_items(db=db, user="佐藤", keys=[key], status=Status.FIT)
    d = get_item_detail(db=db, key=key)
    assert d.row.name == "除票" and "除票" in d.text and "\n" in d.text
    assert d.category == "1 管理項目 > 1.1 住民データ"
    assert d.version_label == "第1.0版" and d.source_file and d.source_row
    assert [(h.user, h.field, h.old, h.new) for h in d.history] == [("佐藤", "status", "未確認", "適合")]


@pytest.mark.parametrize("n", [300, 3000])
def test_paging_is_stable_and_complete(db, n):
    generate_demo(db=db, total=n, seed=1, user="t")
    flt = ItemFilter()
    total = count_items(db=db, flt=flt)
    assert total == n
    seen = []
    for off in range(0, total, 97):
        seen += [r.key for r in list_items(db=db, flt=flt, offset=off, limit=97)]
    assert len(seen) == len(set(seen)) == total
