"""Synthetic demo data: requirement lists for all 20 operations, deterministic for a seed.

Everything it makes is marked as demo (its spec versions carry ``demo=True``) and shown as such.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from fitgap.domain.enums import Disposition, Kubun, RequirementKind, Status
from fitgap.domain.models import Assessment, AuditEvent, SpecVersion, VendorAnswer
from fitgap.domain.records import RequirementRecord, SpecVersionInfo
from fitgap.domain.text import text_hash
from fitgap.errors import FitGapError
from fitgap.services.custom_demo import demo_inventory_in
from fitgap.storage import audit, operations, specs
from fitgap.storage.db import Database

DEMO_LABEL = "デモ版"
DEMO_USER = "デモ"  # assessed_by of the demo's own assessments
SETUP_ACTIONS = ("demo.generate", "init.deadline", "init.systems", "maintenance.migrate")
MAX_PER_OPERATION = 9999

_OBJECTS = ["住民票", "異動届", "世帯情報", "課税台帳", "納税通知書", "被保険者証", "受給資格", "申請書",
            "決定通知書", "宛名情報", "口座情報", "所得情報", "減免申請", "還付金", "督促状", "証明書",
            "統計資料", "台帳", "照会結果", "給付記録"]
_ACTIONS = ["登録", "修正", "削除", "照会", "一括出力", "発行", "再発行", "審査", "決定", "取消",
            "履歴管理", "帳票出力", "データ連携", "集計", "抽出", "通知"]
_PHRASES = [
    "{o}について、{a}ができること。",
    "{o}の{a}を行う際、操作者の権限に応じて表示項目を制御できること。",
    "{o}を{a}した場合、その履歴（処理日時、操作者、変更前後の内容）を管理できること。",
    "{o}の{a}にあたっては、住民基本台帳の最新の情報を参照できること。",
    "法令改正に伴い{o}の様式が変更された場合でも、{a}が行えること。",
    "{o}について、指定した条件（期間、地区、年齢等）で{a}ができること。",
    "{o}の{a}結果をCSV形式で出力できること。",
    "{o}の{a}時に、入力内容の整合性を確認し、誤りがあれば警告を表示すること。",
    "※ 経過措置として、当面の間は従来の方法による{a}も認める。",
    "{o}の{a}は、夜間バッチ処理でも実施できること。",
]
_CATEGORIES = ["管理項目", "届出・申請", "審査・決定", "通知・証明", "照会・統計", "連携", "帳票"]


@dataclass(frozen=True)
class DemoResult:
    requirements: int
    assessments: int
    operations: int
    seed: int
    functions: int = 0  # the demo inventory of current functions (with ``inventory``)
    data_items: int = 0  # the demo 基本データリスト items
    bpr_items: int = 0  # the demo 業務見直し items (services.bpr_demo)


def _text(rng: random.Random, o: str, a: str) -> str:
    n = rng.choice([1, 1, 2, 2, 3, 4, 6])
    parts = [rng.choice(_PHRASES).format(o=o, a=a) for _ in range(n)]
    return "\n".join(parts)


def demo_records(*, total: int, seed: int, operation_codes: list[str]) -> dict[str, list[RequirementRecord]]:
    """``total`` synthetic requirements spread over the operations (deterministic for ``seed``)."""
    rng = random.Random(seed)
    per, extra = divmod(total, len(operation_codes))
    if per + (1 if extra else 0) > MAX_PER_OPERATION:
        raise FitGapError(
            f"業務あたり {MAX_PER_OPERATION} 件を超えるデモデータは作れません（機能IDの連番が4桁のため）。",
            f"--requirements を {MAX_PER_OPERATION * len(operation_codes)} 以下にしてください。",
        )
    out: dict[str, list[RequirementRecord]] = {}
    for i, code in enumerate(operation_codes):
        n = per + (1 if i < extra else 0)
        forms = n // 8
        rows = []
        for serial in range(1, n + 1):
            # 帳票 are numbered on their own, as in the official lists: 帳票 0010001 beside 機能 0010001
            o, a = rng.choice(_OBJECTS), rng.choice(_ACTIONS)
            roll = rng.random()
            kubun = Kubun.MUST if roll < 0.74 else Kubun.OPTION if roll < 0.9 else Kubun.FORBIDDEN
            is_form = serial > n - forms
            cat = "帳票" if is_form else rng.choice(_CATEGORIES[:-1])
            rows.append(
                RequirementRecord(
                    req_id=f"{code}{serial - (n - forms) if is_form else serial:04d}",
                    kubun=kubun,
                    name=f"{o}{'（帳票）' if is_form else 'の' + a}",
                    text=_text(rng, o, a),
                    kind=RequirementKind.FORM if is_form else RequirementKind.FUNCTION,
                    transitional=rng.random() < 0.03,
                    category=f"{cat} > {o}",
                    source_file="demo",
                    source_sheet="機能・帳票要件",
                    source_row=serial + 3,
                )
            )
        out[code] = rows
    return out


# the demo's decisions for gaps (six, as the draws of earlier versions: the same seed gives the same data)
DEMO_DISPOSITIONS = [Disposition.BPR, Disposition.OPERATION, Disposition.COMMON, Disposition.SEPARATE_SYSTEM,
                     Disposition.VENDOR, Disposition.UNDECIDED]


def _demo_assessments(rng: random.Random, code: str, records: list[RequirementRecord], version_id: int,
                      base: datetime) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for r in records:
        if rng.random() > 0.4:
            continue
        roll = rng.random()
        status = Status.FIT if roll < 0.6 else Status.GAP if roll < 0.85 else Status.NOT_APPLICABLE
        disposition = rng.choice(DEMO_DISPOSITIONS) if status == Status.GAP and rng.random() < 0.7 else None
        note = ""
        if status != Status.FIT:
            note = rng.choice(["現行システムでは手作業で対応している。", "帳票レイアウトが異なる。",
                               "当市では該当する事務がない。", "ベンダに確認中。", "運用で回避可能か検討する。"])
        rows.append({
            "operation_code": code, "kind": r.kind.value, "req_id": r.req_id, "status": status, "disposition": disposition,
            "note": note, "assessed_by": DEMO_USER, "assessed_at": base + timedelta(minutes=rng.randrange(60 * 24 * 200)),
            "needs_review": rng.random() < 0.02, "basis_version_id": version_id, "archived": False, "revision": 1,
            "disposition_detail": "EUC" if disposition == Disposition.COMMON else "", "department": "", "person": "",
        })
    return rows


def _check_demo_allowed(session: Session) -> None:
    real = session.exec(
        select(SpecVersion).where(SpecVersion.demo == False, SpecVersion.bundled == False)  # noqa: E712
    ).first()
    if real is not None:
        raise FitGapError(
            "このデータベースには取り込んだ実データ（仕様書の版）があるため、デモデータを入れません。",
            "デモ用に別のファイルを指定してください（例: fitgap --db demo.db demo --requirements 3000）。",
        )
    assessed = session.exec(
        select(sa.func.count()).select_from(Assessment).where(Assessment.assessed_by != DEMO_USER)
    ).one()
    answers = session.exec(select(sa.func.count()).select_from(VendorAnswer)).one()
    edits = session.exec(
        select(sa.func.count()).select_from(AuditEvent).where(
            AuditEvent.entity.in_(("system", "integration", "assessment")),  # type: ignore[attr-defined]
            AuditEvent.action.not_in(SETUP_ACTIONS),  # type: ignore[attr-defined]
        )
    ).one()
    if assessed or answers or edits:
        raise FitGapError(
            "このデータベースには利用者の作業があるため、デモデータを入れません"
            f"（判定・メモ {assessed:,}件、ベンダ回答 {answers:,}件、変更履歴 {edits:,}件）。"
            "デモデータを作るとこれらの判定が消えます。",
            "デモ用に別のファイルを指定してください（例: fitgap --db demo.db demo --requirements 3000）。",
        )


def _clear_demo(session: Session) -> None:
    from fitgap.services.bpr_demo import clear_demo_bpr

    clear_demo_bpr(session)  # before the demo's decisions: they would join an earlier demo's items
    demo_ids = [v.id for v in session.exec(select(SpecVersion).where(SpecVersion.demo == True)) if v.id]  # noqa: E712
    session.execute(sa.delete(Assessment.__table__))  # type: ignore[attr-defined]
    specs.delete_versions(session=session, version_ids=demo_ids)


def generate_demo(*, db: Database, total: int, seed: int, user: str,
                  progress: Callable[[int, int], None] | None = None, inventory: bool = False,
                  today: date | None = None) -> DemoResult:
    """Fill the database with demo requirements for the 20 operations, replacing earlier demo data; with
    ``inventory`` their demo inventory of current functions too. One transaction: a process killed at any
    moment leaves the database as it was, or with all of it."""
    if total < 0:
        raise FitGapError("--requirements は 0 以上にしてください。")
    now = datetime.now(UTC)
    base = datetime(2025, 10, 1, 0, 0, tzinfo=UTC)
    with db.write() as session:
        _check_demo_allowed(session)
        ops = operations.list_operations(session=session, include_cross_cutting=False)
        records = demo_records(total=total, seed=seed, operation_codes=[o.code for o in ops])
        rng = random.Random(seed + 1)
        _clear_demo(session)
        n_req = n_ass = 0
        for i, op in enumerate(ops, start=1):
            spec = specs.get_or_create_spec(session=session, operation_code=op.code, title=op.spec_document)
            info = SpecVersionInfo(operation_code=op.code, label=DEMO_LABEL, title=op.spec_document)
            version = specs.add_version(session=session, spec=spec, info=info, imported_at=now, imported_by=user,
                                        source_file=f"demo(seed={seed})", demo=True)
            n_req += specs.insert_records(session=session, records=records[op.code],
                                          spec_version_id=version.id or 0, operation_code=op.code)
            specs.mark_current(session=session, operation_code=op.code, spec_version_id=version.id or 0)
            assessments = _demo_assessments(rng, op.code, records[op.code], version.id or 0, base)
            if assessments:
                session.execute(sa.insert(Assessment.__table__), assessments)  # type: ignore[attr-defined]
            n_ass += len(assessments)
            if progress:
                progress(i, len(ops))
        operations.set_setting(session=session, key="demo_seed", value=str(seed))
        audit.record(session=session, user=user, at=now, batch=audit.new_batch(), action="demo.generate",
                     entity="database", entity_key="demo", new=f"要件 {n_req}件（seed {seed}）")
        from fitgap.services.data_demo import demo_data_lists_in

        fids = {code: [r.req_id for r in recs if r.kind == RequirementKind.FUNCTION][:12] for code, recs in records.items()}
        data_items = demo_data_lists_in(session, user=user, seed=seed, operation_codes=[o.code for o in ops],
                                        functions=fids)
        functions = 0
        if inventory:
            functions = demo_inventory_in(session, user=user, seed=seed)
        from fitgap.services.bpr_demo import demo_bpr_in

        bpr_items = demo_bpr_in(session, user=user, today=today or date.today())
    return DemoResult(requirements=n_req, assessments=n_ass, operations=len(records), seed=seed, functions=functions,
                      data_items=data_items, bpr_items=bpr_items)


__all__ = ["DEMO_LABEL", "DemoResult", "demo_records", "generate_demo", "text_hash"]
