"""Demo データ要件: a 基本データリスト per operation of the demo, partly assessed, marked as demo.

The items link to the demo's 機能IDs (so a requirement's detail shows its data items), and the assessments
cover every verdict: held, partly held with conversions (全角→半角, 桁数超過, 和暦→西暦, 5桁→6桁 団体コード),
required items not held with and without a plan (阻害), codes mapped and unmapped, a profile with 外字候補.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session, col, select

from fitgap.domain import data_items as d
from fitgap.domain.models import (
    DataAssessment,
    DataCode,
    DataCodeMap,
    DataItem,
    DataListVersion,
    DataProfile,
    DataVendorAnswer,
)
from fitgap.importers.data_list import CodeRecord, DataItemRecord, DataListFile
from fitgap.services import data_items

DEMO_LABEL = "デモ版"
OPERATIONS = 6  # the first operations of the demo get a list

# (name, group, type, length, condition, must, code list)
TEMPLATES: tuple[tuple[str, str, str, str, str, bool, str], ...] = (
    ("宛名番号", "基本情報", "X", "15", "必須", True, ""),
    ("氏名", "基本情報", "Ｎ", "100", "条件付き必須", True, ""),
    ("氏名_読み仮名", "基本情報", "Ｎ", "100", "任意", False, ""),
    ("生年月日", "基本情報", "DATE", "10", "必須", True, ""),
    ("性別", "基本情報", "X", "1", "任意", False, "1"),
    ("住所_市区町村コード", "基本情報", "X", "6", "任意", False, ""),
    ("住所_町字", "基本情報", "Ｎ", "18", "条件付き必須", True, ""),
    ("住所_方書", "基本情報", "Ｎ", "300", "条件付き必須", True, ""),
    ("異動事由", "異動履歴", "X", "2", "必須", True, "2"),
    ("異動年月日", "異動履歴", "DATE", "10", "必須", True, ""),
    ("届出年月日", "異動履歴", "DATE", "10", "任意", False, ""),
    ("処理区分", "異動履歴", "9", "1", "必須", True, "3"),
    ("金額", "異動履歴", "9V", "9,0", "任意", False, ""),
    ("備考", "異動履歴", "Ｎ", "200", "任意", False, ""),
    ("操作者ID", "操作履歴", "X", "10", "必須", True, ""),
    ("操作年月日", "操作履歴", "DATE", "10", "必須", True, ""),
    ("操作時刻", "操作履歴", "TIME", "8", "必須", True, ""),
)
CODES = (("1", "性別", (("0", "不明"), ("1", "男"), ("2", "女"))),
         ("2", "異動事由", (("01", "転入"), ("02", "転出"), ("03", "出生"), ("04", "死亡"))),
         ("3", "処理区分", (("1", "登録"), ("2", "訂正"), ("3", "削除"))))
# how the demo municipality answered, one per template: (holding, method, current type, current length)
ANSWERS: tuple[tuple[str, str | None, str, str], ...] = (
    ("保持", "そのまま", "X", "15"),
    ("保持", "変換", "混在", "120"),  # mixed width, too long
    ("保持", "そのまま", "Ｎ", "100"),
    ("保持", "変換", "和暦", "7"),  # 和暦→西暦
    ("保持", "変換", "X", "1"),  # codes M/F/9 to map
    ("保持", "変換", "X", "5"),  # 5桁→6桁 団体コード
    ("一部保持", "変換", "Ｎ", "18"),
    ("紙のみ", "手入力", "", ""),
    ("未保持", None, "", ""),  # a required item with no plan: 阻害
    ("保持", "そのまま", "DATE", "10"),
    ("対象外", None, "", ""),
    ("保持", "変換", "X", "1"),  # 文字列→数値
    ("保持", "そのまま", "9V", "11,0"),  # integer part too long
    ("保持", "そのまま", "Ｎ", "200"),
    ("他システムで保持", "結合", "X", "10"),
    ("保持", "変換", "X", "8"),  # 文字列→DATE
    ("保持", "そのまま", "TIME", "8"),
)
GAIJI = {"\ue000": 3, "髙": 12, "𠮷": 2}  # a user-defined character, two outside JIS X 0213


def _clear(session: Session) -> None:
    ids = [v.id for v in session.exec(select(DataListVersion).where(DataListVersion.demo == True))]  # noqa: E712
    if not ids:
        return
    ops = {v.operation_code for v in session.exec(select(DataListVersion).where(col(DataListVersion.id).in_(ids)))}
    for model in (DataAssessment, DataCodeMap, DataProfile, DataVendorAnswer):
        session.execute(sa.delete(model).where(col(model.operation_code).in_(ops)))
    session.execute(sa.delete(DataItem).where(col(DataItem.version_id).in_(ids)))
    session.execute(sa.delete(DataCode).where(col(DataCode.version_id).in_(ids)))
    session.execute(sa.delete(DataListVersion).where(col(DataListVersion.id).in_(ids)))


def demo_data_lists_in(session: Session, *, user: str, seed: int, operation_codes: list[str],
                       functions: dict[str, list[str]]) -> int:
    """Replace the demo data lists; returns how many items were made. ``functions``: the demo 機能IDs per
    operation, which the items' 標準仕様書関連箇所 name."""
    _clear(session)
    rng = random.Random(seed + 27)
    made = 0
    for code in operation_codes[:OPERATIONS]:
        existing = session.exec(select(DataListVersion).where(DataListVersion.operation_code == code)).first()
        if existing is not None:  # a list of the municipality's own: never replaced by a demo
            continue
        fids = functions.get(code) or [f"{code}0001"]
        book = DataListFile(path=Path(f"demo_{code}"), sha256=f"demo-{seed}-{code}")
        for n, (name, group, typ, length, cond, must, codes) in enumerate(TEMPLATES, start=1):
            fid = fids[(n - 1) % len(fids)]
            desc = "※※該当するデータがある場合は出力必須" if cond == "条件付き必須" else ""
            values = {"name": name, "romaji": f"item{n}", "group_name": group, "primary_key": n in (1, 9, 15),
                      "foreign_key": n in (9, 15), "class1": group, "class2": "", "class3": "", "data_type": typ,
                      "length": length, "code_list": codes, "repeat": "", "condition": cond,
                      "condition_note": d.split_condition(desc), "definition": f"{name}を示す", "description": desc,
                      "spec_ref": f"{fid}機能", "function_ids": fid, "output_required": must, "sample": "",
                      "remarks": ""}
            book.items.append(DataItemRecord(f"{code}{n:05d}", values, "デモ", n + 6))
        book.codes = [CodeRecord(lid, lname, c, meaning, "") for lid, lname, vals in CODES for c, meaning in vals]
        result = data_items.DataImportResult(files=[])
        data_items._import_in(session, user=user, files=[book], label=DEMO_LABEL, result=result, demo=True)
        made += len(book.items)
        targets = {}
        for n in range(1, len(TEMPLATES) + 1):
            if rng.random() < 0.2:
                continue  # 未確認
            holding, method, typ, length = ANSWERS[n - 1]
            targets[f"{code}{n:05d}"] = {"holding": holding, "method": method, "current_type": typ,
                                         "current_length": length, "current_fields": f"TBL_{code}.COL{n:02d}",
                                         "note": ""}
        data_items._apply(session, user=user, action="data.update", targets=targets, expected=None, guards=None)
        now = datetime.now(UTC)
        session.add(DataCodeMap(item_id=f"{code}00005", operation_code=code, current_code="M", current_meaning="男",
                                standard_code="1", updated_by=user, updated_at=now))
        session.add(DataCodeMap(item_id=f"{code}00005", operation_code=code, current_code="F", current_meaning="女",
                                standard_code="2", updated_by=user, updated_at=now))
        session.add(DataCodeMap(item_id=f"{code}00005", operation_code=code, current_code="9",
                                current_meaning="記載なし", standard_code="", updated_by=user, updated_at=now))
        session.add(DataProfile(item_id=f"{code}00002", operation_code=code, source_file="demo_extract.csv",
                                column="SHIMEI", profiled_at=now, profiled_by=user, rows=12000, empty=4,
                                max_length=38, halfwidth_in_n=17, gaiji=json.dumps(GAIJI, ensure_ascii=False)))
    return made
