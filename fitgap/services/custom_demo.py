"""A realistic demo inventory of current functions (独自機能), marked as demo like the demo requirements."""

from __future__ import annotations

import random

from sqlmodel import Session

from fitgap.domain.custom import CustomDisposition, FunctionKind, FunctionRecord, LegalBasis
from fitgap.domain.enums import Kubun
from fitgap.services.custom_import import import_functions_in
from fitgap.storage import custom, operations
from fitgap.storage.db import Database

# (name, kind, department suffix, frequency, basis) — what 現行機能一覧 of core systems typically hold
TEMPLATES: tuple[tuple[str, FunctionKind, str, LegalBasis | None], ...] = (
    ("{op} 窓口受付票の印刷（独自様式）", FunctionKind.FORM, "毎日", LegalBasis.PRACTICE),
    ("{op} 職員別・月別の処理件数集計", FunctionKind.FORM, "月次", LegalBasis.PRACTICE),
    ("{op} 庁内向け異動者一覧の自動配信", FunctionKind.INTERFACE, "日次", LegalBasis.PRACTICE),
    ("{op} 窓口混雑状況の表示", FunctionKind.SCREEN, "毎日", None),
    ("{op} 夜間の異動データ抽出バッチ", FunctionKind.BATCH, "日次", None),
    ("{op} 市独自の助成対象者の抽出", FunctionKind.FUNCTION, "年1回", LegalBasis.ORDINANCE),
    ("{op} 要綱による減免の判定", FunctionKind.FUNCTION, "随時", LegalBasis.RULES),
    ("{op} 議会答弁用の統計表", FunctionKind.FORM, "四半期", LegalBasis.PRACTICE),
    ("{op} 旧システム番号での検索", FunctionKind.SCREEN, "随時", LegalBasis.PRACTICE),
    ("{op} 通知書の封入封緘データ作成", FunctionKind.BATCH, "月次", None),
    ("{op} 申請書のバーコード読取", FunctionKind.SCREEN, "毎日", None),
    ("{op} 県への報告データの作成", FunctionKind.INTERFACE, "年1回", LegalBasis.LAW),
    ("{op} 照会・回答の一覧表", FunctionKind.FORM, "随時", LegalBasis.LAW),
    ("{op} 宛名シールの印刷", FunctionKind.FORM, "随時", LegalBasis.PRACTICE),
    ("{op} 独自条例による上乗せ給付の計算", FunctionKind.FUNCTION, "月次", LegalBasis.ORDINANCE),
    ("{op} 督促状の独自文面", FunctionKind.FORM, "月次", LegalBasis.RULES),
)
DEPARTMENTS = ("市民課", "税務課", "保険年金課", "福祉課", "子育て支援課", "健康推進課", "企画課")
# the demo's decisions (seven, as the draws of earlier versions: the same seed gives the same inventory)
DEMO_DISPOSITIONS = [CustomDisposition.DROP, CustomDisposition.BPR, CustomDisposition.PARAMETER, CustomDisposition.COMMON,
                     CustomDisposition.SEPARATE_SYSTEM, CustomDisposition.VENDOR, CustomDisposition.UNDECIDED]
REASONS = {
    CustomDisposition.DROP: "利用が少なく、標準の帳票で代えられる",
    CustomDisposition.BPR: "窓口の手順を見直して標準の機能で行う",
    CustomDisposition.PARAMETER: "標準準拠システムのパラメータ設定で行う",
    CustomDisposition.COMMON: "標準のデータ出力から EUC で作る",
    CustomDisposition.SEPARATE_SYSTEM: "市の独自施策のため、標準の連携機能で疎結合の別システムにする",
    CustomDisposition.VENDOR: "実現方法をベンダと協議する",
    CustomDisposition.UNDECIDED: "所管課で検討中",
}
SEPARATE_SYSTEM = "独自施策システム（デモ）"


def generate_demo_inventory(*, db: Database, user: str, seed: int, per_operation: int = 12) -> int:
    """Replace the demo inventory: ``per_operation`` functions for each operation with requirements, some
    mapped to the spec (a few to 実装不可 requirements), some outside it with and without a decision."""
    with db.write() as session:
        return demo_inventory_in(session, user=user, seed=seed, per_operation=per_operation)


def demo_inventory_in(session: Session, *, user: str, seed: int, per_operation: int = 12) -> int:
    """:func:`generate_demo_inventory` in the caller's write transaction (``fitgap demo`` makes its lists
    and their inventory in one: a kill at any moment leaves both or neither)."""
    rng = random.Random(seed + 17)
    custom.delete_demo_functions(session=session)
    ops = operations.list_operations(session=session, include_cross_cutting=False)
    keys = {o.code: custom.current_requirement_keys(session=session, operation_code=o.code) for o in ops}
    records: list[FunctionRecord] = []
    for op in ops:
        reqs = keys[op.code]
        if not reqs:
            continue
        forbidden = [(k, r) for k, r, u in reqs if u == Kubun.FORBIDDEN.value]
        allowed = [(k, r) for k, r, u in reqs if u != Kubun.FORBIDDEN.value]
        for i, (name, kind, freq, basis) in enumerate(rng.sample(TEMPLATES, min(per_operation, len(TEMPLATES))), 1):
            roll = rng.random()
            mapped: tuple[tuple[str, str], ...] = ()
            outside, disposition, note, target = False, None, "", None
            if roll < 0.40 and allowed:
                mapped = tuple(rng.sample(allowed, min(len(allowed), rng.choice((1, 1, 2)))))
            elif roll < 0.48 and forbidden:
                mapped = (rng.choice(forbidden),)
                disposition = rng.choice((CustomDisposition.DROP, None))
            elif roll < 0.88:
                outside = True
                disposition = rng.choice([*DEMO_DISPOSITIONS, None, None])
                target = SEPARATE_SYSTEM if disposition == CustomDisposition.SEPARATE_SYSTEM else None
            if disposition is not None:
                note = REASONS[disposition]
            records.append(FunctionRecord(
                operation_code=op.code, code=f"D-{op.code}-{i:03d}", name=name.format(op=op.short_name), kind=kind,
                description="デモデータ（架空の現行機能）", department=rng.choice(DEPARTMENTS), frequency=freq, basis=basis,
                yearly_cost_kyen=float(rng.choice((0, 120, 300, 480, 960))) or None, mapped=mapped, outside_spec=outside,
                disposition=disposition, note=note, target_system=target,
            ))
    if records:
        import_functions_in(session, user=user, records=records, demo=True)
    return len(records)
