"""Exporting the audit log (who, when, what, old → new) to an Excel workbook or a CSV."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import sqlalchemy as sa

from fitgap.domain.calendar import format_date
from fitgap.domain.custom import INVENTORY_HEADERS
from fitgap.errors import InvalidInputError
from fitgap.reports import audit_log as report
from fitgap.storage import audit_log, systems
from fitgap.storage.db import Database

SUFFIXES = (".xlsx", ".csv")

ACTION_LABELS = {
    "init": "初期化",
    "survey.import": "進捗調査の取り込み",
    "system.progress": "システムの移行手順の進捗（40手順）の記録",
    "init.deadline": "期限の設定",
    "data.import": "基本データリストの取り込み",
    "data.update": "データ項目の評価の変更",
    "data.undo": "データ項目の評価の取り消し",
    "data.redo": "データ項目の評価のやり直し",
    "data.codes": "コード対応の変更",
    "data.profile": "現行データのプロファイル",
    "bpr.add": "業務見直しの追加",
    "bpr.update": "業務見直しの変更",
    "bpr.link": "業務見直しへの対象の追加",
    "bpr.unlink": "業務見直しからの対象の削除",
    "bpr.undo": "業務見直しの変更の取り消し",
    "owner.assign": "担当課・担当者の決定",
    "operation.deadline": "期限の手動設定",
    "official.deadline": "公表一覧による期限の変更",
    "official.import": "特定移行支援の公表一覧の取り込み",
    "init.systems": "典型的なシステムの登録",
    "assessment.update": "確認結果の変更",
    "assessment.undo": "確認結果の変更の取り消し",
    "assessment.redo": "確認結果の変更のやり直し",
    "spec.import": "要件一覧の取り込み",
    "spec.import_history": "要件一覧の取り込み（過去の版）",
    "spec.add_files": "要件一覧へのファイルの追加",
    "spec.import.review": "改版による要再確認",
    "spec.import.archive": "改版でなくなった要件の確認結果の保管",
    "spec.import.restore": "改版で戻った要件の確認結果の復元",
    "demo.generate": "デモデータの作成",
    "setting.update": "設定の変更",
    "system.add": "システムの追加",
    "system.update": "システムの変更",
    "system.delete": "システムの削除",
    "system.import": "システムの取り込み（CSV）",
    "milestone.update": "マイルストーンの変更",
    "milestone.import": "マイルストーンの取り込み（CSV）",
    "link.add": "連携の追加",
    "link.update": "連携の変更",
    "link.delete": "連携の削除",
    "link.import": "連携の取り込み（CSV）",
    "system.undo": "システム・連携の変更の取り消し",
    "system.redo": "システム・連携の変更のやり直し",
    "change.create": "改修項目の作成",
    "change.update": "改修項目の変更",
    "change.delete": "改修項目の削除",
    "change.export": "改修一覧の書き出し",
    "post_cutover.set": "移行後の経過措置の記録",
    "post_cutover.done": "移行後の経過措置の完了",
    "post_cutover.remove": "移行後の経過措置の削除",
    "custom.import": "独自機能の取り込み",
    "custom.update": "独自機能の変更",
    "custom.map": "独自機能の対応付け",
    "custom.undo": "独自機能の変更の取り消し",
    "custom.redo": "独自機能の変更のやり直し",
    "vendor.export": "ベンダ回答シートの書き出し",
    "vendor.import": "ベンダ回答の取り込み",
    "data.vendor_export": "データ項目回答票の書き出し",
    "data.vendor_import": "データ項目のベンダ回答の取り込み",
    "custom.vendor_export": "独自機能の回答票の書き出し",
    "custom.vendor_import": "独自機能のベンダ回答の取り込み",
    "review.export": "確認シートの書き出し",
    "review.import": "確認シートの取り込み",
    "group.apply": "共同利用グループの決定の反映",
    "maintenance.restore": "バックアップから復元",
    "maintenance.migrate": "データベースの移行",
}
ENTITY_LABELS = {
    "progress_survey": "進捗調査",
    "data_item": "データ項目", "data_code_map": "コード対応", "data_list": "基本データリスト",
    "data_profile": "現行データのプロファイル", "bpr_item": "業務見直し",
    "assessment": "要件の確認結果", "system": "システム", "integration": "連携", "operation": "業務",
    "vendor": "ベンダ", "review": "確認シート", "setting": "設定", "database": "データベース", "spec": "要件一覧",
    "spec_version": "仕様書の版", "interface_change": "改修項目", "current_function": "独自機能",
    "post_cutover_measure": "移行後の経過措置",
    "data_vendor_answer": "データ項目のベンダ回答",
    "custom_vendor_answer": "独自機能のベンダ回答",
}
FIELD_LABELS = {
    "holding": "保持状況", "current_fields": "現行項目", "current_type": "現行の型",
    "current_length": "現行の桁数", "standard_code": "標準コード", "counts": "件数", "target": "対象",
    "changes": "見直す内容", "department": "担当課", "person": "担当者", "due": "期日", "title": "件名",
    "disposition_detail": "方針の詳細", "owner_department": "担当課", "owner_person": "担当者",
    "planned": "予定日", "notified_on": "届出日", "done_on": "完了日", "vendor_answer": "ベンダ回答",
    "status": "状況", "disposition": "対応方針", "note": "メモ", "needs_review": "要再確認", "severity": "重要度",
    "name": "名称", "vendor": "ベンダ", "kind": "区分", "operations": "業務コード", "planned_cutover": "移行予定日",
    "actual_cutover": "移行実施日", "deadline_kind": "期限区分", "deadline": "期限", "typical": "典型例",
    "data": "データ", "method": "方式", "interim_interface": "暫定連携", "official_as_of": "公表一覧の時点",
    "archived": "保管（改版でなくなった要件）",
    # 改修項目
    "change": "改修内容", "actual": "完了日", "cost_kyen": "概算費用（千円）", "interim": "暫定連携",
    "interim_done": "暫定連携の完了日",
    # 独自機能 (the inventory's own column titles)
    **{f: h for f, h in INVENTORY_HEADERS.items() if f not in ("name", "kind", "note")},
    "system_id": "システム", "target_system_id": "移行先システム", "add": "追加（機能名）",
}
_FLAG_FIELDS = {"needs_review", "outside_spec"}  # stored as 1 / 0 (the undo log reads them back)
_NUMBER_FIELDS = {"cost_kyen", "yearly_cost_kyen"}  # stored as Python floats (3500.0)
_DATE = re.compile(r"datetime\.date\((\d+), (\d+), (\d+)\)")
_DATETIME = re.compile(r"datetime\.datetime\((\d+), (\d+), (\d+), (\d+), (\d+)[^)]*\)")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PAIR = re.compile(r"^\((.*), (.*)\)$")


def _date_text(m: re.Match[str]) -> str:
    return format_date(date(int(m[1]), int(m[2]), int(m[3])))


def display_value(field: str | None, value: str | None) -> str:
    """A stored old/new value as the workbench shows it: dates with the fiscal year, はい/いいえ, no Python
    reprs; a milestone's (planned, actual) pair as 予定 … ／ 実績 …."""
    if value is None or value == "None":
        return ""
    if field in _FLAG_FIELDS and value in ("0", "1"):
        return "はい" if value == "1" else "いいえ"
    if value in ("True", "False"):
        return "はい" if value == "True" else "いいえ"
    if _ISO_DATE.match(value):
        return format_date(date.fromisoformat(value))
    if field in _NUMBER_FIELDS:
        try:
            number = float(value)
        except ValueError:
            return value
        return f"{number:,.3f}".rstrip("0").rstrip(".")  # 3500.0 → 3,500; 12.5 → 12.5 (千円, as entered)
    text = _DATETIME.sub(lambda m: f"{int(m[1]):04d}-{int(m[2]):02d}-{int(m[3]):02d} {int(m[4]):02d}:{int(m[5]):02d}",
                         value)
    text = _DATE.sub(_date_text, text)
    pair = _PAIR.match(text) if value.startswith("(") and ("datetime." in value or "None" in value) else None
    if pair:
        planned, actual = (("—" if p == "None" else p) for p in pair.groups())
        return f"予定 {planned} ／ 実績 {actual}"
    return text


@dataclass(frozen=True)
class AuditExportResult:
    path: Path
    rows: int


def _local(at: datetime) -> str:
    """Stored times are UTC; show them in the computer's local time zone."""
    aware = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    return aware.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _lines(rows: Iterator[sa.RowMapping], systems_by_id: dict[str, str] | None = None) -> Iterator[list[str]]:
    names = systems_by_id or {}

    def value(field: str | None, raw: str | None) -> str:
        if field == "target_system_id" and raw:  # the system a decision moved to, by its name
            return names.get(raw, raw)
        return display_value(field, raw)

    for r in rows:
        action, entity, field = r["action"], _text(r["entity"]), r["field"]
        yield [
            _local(r["at"]), _text(r["user"]), ACTION_LABELS.get(action, action), ENTITY_LABELS.get(entity, entity),
            _text(r["entity_key"]), FIELD_LABELS.get(field, _text(field)), value(field, r["old_value"]),
            value(field, r["new_value"]), _text(r["batch"]),
        ]


def _bound(day: date | None, *, end: bool = False) -> datetime | None:
    """A local calendar day as the UTC instant it starts (or, with ``end``, the next day starts)."""
    if day is None:
        return None
    start = datetime.combine(day + timedelta(days=1) if end else day, time()).astimezone()
    return start.astimezone(UTC)


def export_audit(
    *, db: Database, output: Path, since: date | None = None, until: date | None = None, user: str | None = None,
    overwrite: bool = False,
) -> AuditExportResult:
    """Write the audit events (oldest first) matching the filters; ``until`` is inclusive."""
    suffix = output.suffix.lower()
    if suffix not in SUFFIXES:
        raise InvalidInputError(f"{output.name}: 書き出せるのは .xlsx か .csv です。", "-o に .xlsx か .csv のファイル名を指定してください。")
    if not output.parent.exists():
        raise InvalidInputError(f"フォルダ {output.parent} がありません。", "フォルダを作成するか、別の場所を指定してください。")
    lo, hi = _bound(since), _bound(until, end=True)
    with db.read() as session:
        names = {str(i): n for n, i in systems.system_ids_by_name(session=session).items()}
        lines = _lines(audit_log.iter_events(session=session, since=lo, until=hi, user=user), names)
        write = report.write_xlsx if suffix == ".xlsx" else report.write_csv
        n = write(output, lines, overwrite=overwrite)
    return AuditExportResult(path=output, rows=n)
