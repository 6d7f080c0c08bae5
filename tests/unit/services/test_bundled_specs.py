"""The bundled 住民記録 第1.0版 list in the canonical format."""

from collections import Counter

from fitgap.config import bundled_dir
from fitgap.domain.enums import Kubun
from fitgap.importers.canonical import read_canonical, write_canonical


def test_bundled_list_has_every_block_with_todays_classes():
    lst = read_canonical(bundled_dir("standard_specs") / "001_juminkiroku_v1.0.csv")
    assert lst.problems == []
    assert lst.info.operation_code == "001" and lst.info.label == "第1.0版"
    assert "総務省" in lst.info.credit
    counts = Counter(r.kubun for r in lst.requirements)
    assert counts == {Kubun.MUST: 132, Kubun.FORBIDDEN: 47, Kubun.OPTION: 18}
    ids = [r.req_id for r in lst.requirements]
    assert len(set(ids)) == len(ids) == 197
    first = lst.requirements[0]
    assert first.req_id == "1.1.1-必須" and first.name == "日本人住民データの管理"
    assert "\n" in first.text  # line breaks kept


def test_canonical_format_round_trips(tmp_path):
    lst = read_canonical(bundled_dir("standard_specs") / "001_juminkiroku_v1.0.csv")
    out = tmp_path / "copy.csv"
    write_canonical(out, lst.info, lst.requirements)
    again = read_canonical(out)
    assert again.info == lst.info
    assert again.requirements == lst.requirements
