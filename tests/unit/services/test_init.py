"""fitgap init: catalog, municipality, deadlines; idempotent."""

from datetime import date

import pytest

from fitgap.domain.enums import DeadlineKind
from fitgap.domain.standing import DeadlineSource
from fitgap.errors import AmbiguousError, NotFoundError
from fitgap.services.catalog import init_database
from fitgap.services.database import open_db
from fitgap.storage import operations
from tests.conftest import dump_database


def _operations(url):
    db = open_db(url=url)
    try:
        with db.read() as s:
            return {op.name: op for op in operations.list_operations(session=s)}
    finally:
        db.dispose()


def test_catalog_has_the_20_operations_in_cabinet_order_and_cross_cutting_standards(db_url):
    init_database(url=db_url, user="t")
    ops = sorted(_operations(db_url).values(), key=lambda o: o.order)
    twenty = [o for o in ops if not o.cross_cutting]
    assert len(twenty) == 20
    assert [o.name for o in twenty[:3]] == ["児童手当", "子ども・子育て支援", "住民基本台帳"]
    assert twenty[-1].name == "国民年金"
    assert {o.code for o in ops if o.cross_cutting} >= {"031", "032"}
    election = next(o for o in ops if o.name == "選挙人名簿管理")
    assert election.all_codes() == ["006", "005", "007", "008", "009"]
    assert all(o.deadline == date(2026, 3, 31) for o in ops)


def test_municipality_with_tokutei_systems_gets_fy2030_deadlines_for_those_only(db_url):
    result = init_database(url=db_url, user="t", municipality="函館市")
    assert result.tokutei == ["子ども・子育て支援"]
    ops = _operations(db_url)
    assert ops["子ども・子育て支援"].deadline == date(2031, 3, 31)
    assert ops["子ども・子育て支援"].deadline_kind == DeadlineKind.TOKUTEI
    assert ops["住民基本台帳"].deadline == date(2026, 3, 31)


def test_lookup_by_code_and_by_prefecture_plus_name(db_url):
    assert init_database(url=db_url, user="t", code="011002").municipality == "北海道 札幌市（011002）"
    assert init_database(url=db_url, user="t", municipality="府中市", prefecture="東京都").municipality == "東京都 府中市"
    assert init_database(url=db_url, user="t", municipality="広島県府中市").municipality == "広島県 府中市"


def test_ambiguous_name_lists_both_prefectures(db_url):
    with pytest.raises(AmbiguousError) as exc:
        init_database(url=db_url, user="t", municipality="府中市")
    assert "東京都 府中市" in exc.value.message and "広島県 府中市" in exc.value.message
    assert "--prefecture" in (exc.value.hint or "")


def test_unknown_name_suggests_close_matches(db_url):
    with pytest.raises(NotFoundError) as exc:
        init_database(url=db_url, user="t", municipality="札晃市")
    assert "札幌市" in exc.value.message


def test_second_init_changes_nothing(db_path, db_url):
    first = init_database(url=db_url, user="t", municipality="札幌市")
    assert first.created and first.changed
    before = dump_database(db_path)
    second = init_database(url=db_url, user="t", municipality="札幌市")
    assert not second.changed
    assert dump_database(db_path) == before


def test_custom_deadline_survives_a_new_init(db_url):
    init_database(url=db_url, user="t")
    db = open_db(url=db_url)
    with db.write() as s:
        operations.set_deadline(session=s, code="001", deadline=date(2027, 9, 30), kind=DeadlineKind.CUSTOM,
                                source=DeadlineSource.MANUAL)
    db.dispose()
    init_database(url=db_url, user="t", municipality="札幌市")
    assert _operations(db_url)["住民基本台帳"].deadline == date(2027, 9, 30)


def test_bundled_juminkiroku_list_is_loaded_once(db_url):
    first = init_database(url=db_url, user="t")
    assert first.bundled_loaded == ["住民基本台帳 第1.0版（197件）",
                                    "共通機能：住登外者宛名番号管理 基本データリスト 2023-09-29 公開版（29項目）"]
    assert init_database(url=db_url, user="t").bundled_loaded == []
