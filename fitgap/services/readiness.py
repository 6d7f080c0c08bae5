"""The readiness report for managers: one view model from the status overview, the schedule, the vendor
answers and the spec versions; written as an Excel workbook and/or one self-contained HTML file."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from fitgap.domain.answer_sheet import after_deadline
from fitgap.domain.bpr import BprStatus
from fitgap.domain.calendar import FY2025_END, fiscal_year
from fitgap.domain.data_items import DataVerdict
from fitgap.domain.dispositions import for_requirements
from fitgap.domain.enums import Kubun, VendorAnswerKind
from fitgap.domain.readiness import OperationFacts, Verdict, judge, rule_lines
from fitgap.errors import FitGapError, InvalidInputError, os_reason
from fitgap.graph.schedule import ConflictKind
from fitgap.reports.output_file import make_folder, refuse_existing, unused_name
from fitgap.reports.readiness_model import (
    NO_DATA,
    AnswerLine,
    BlockingItem,
    BlockingKind,
    BprLine,
    CustomFigures,
    CustomLine,
    DataFigures,
    DataItemLine,
    OperationReadiness,
    ReadinessReport,
    SpecVersionLine,
    Totals,
    VendorFigures,
    fiscal_months,
)
from fitgap.services import bpr, custom, data_items, status
from fitgap.services import schedule as schedule_service
from fitgap.services.choices import REPORT_FORMATS
from fitgap.services.peers import comparison as peer_comparison
from fitgap.services.post_cutover import report_lines as post_cutover_lines
from fitgap.services.readiness_changes import change_blocking, change_lines, change_progress, flagged_links
from fitgap.services.readiness_schedule import OperationSchedule, operation_schedules, schedule_rows
from fitgap.storage import post_cutover, specs
from fitgap.storage import readiness as queries
from fitgap.storage.db import Database

FORMATS = REPORT_FORMATS
MAX_FISCAL_YEARS = 12  # fiscal years at most on the schedule
MAX_FISCAL_YEARS_BACK = 1  # before today's (older dates of systems cut over long ago are marked ◀)
Progress = Callable[[int, int, str], None]
UNSET_DISPOSITION = "未設定"


def _custom_section(db: Database, summaries: list[status.OperationSummary]) -> tuple[list[CustomFigures], list[CustomLine]]:
    """独自機能 per operation and the undecided functions (empty when there is no inventory)."""
    by_op = custom.counts_by_operation(db=db)
    figures = [
        CustomFigures(operation_code=s.code, operation=s.name, functions=c.total, in_spec=c.in_spec, outside=c.outside,
                      reverse=c.reverse_gap, undecided=c.undecided, unchecked=c.unchecked,
                      by_disposition=dict(sorted(c.by_disposition.items())))
        for s in summaries if (c := by_op.get(s.code)) is not None
    ]
    names = {s.code: s.name for s in summaries}
    lines = [
        CustomLine(operation_code=r.key.operation_code, operation=names[r.key.operation_code], code=r.key.code,
                   name=r.name, kind=r.kind.value, verdict=r.verdict, department=r.department,
                   yearly_cost_kyen=r.yearly_cost_kyen)
        for r in custom.list_functions(db=db, flt=custom.FunctionFilter(undecided=True))
        if r.key.operation_code in names
    ] if figures else []
    return figures, lines


def build_report(*, db: Database, today: date, now: datetime | None = None) -> ReadinessReport:
    """Everything the report shows, computed once."""
    overview = status.get_overview(db=db, today=today)
    with db.read() as session:
        by_disposition = queries.gaps_by_disposition(session=session)
        blocking_rows = queries.blocking_requirements(session=session)
        answers = queries.vendor_answers(session=session)
        waiting = queries.waiting_without_answer(session=session)
        facts = queries.database_facts(session=session)
        versions = specs.current_versions(session=session)
        measures = post_cutover.counts_by_operation(session=session, today=today)
        data_counts = overview.data  # the one count (storage.data_overview), as fitgap status shows it
        data_rows = [r for r in data_items.rows_in(session)
                     if r.verdict == DataVerdict.BLOCKER or r.unmapped_codes or r.gaiji] if data_counts else []
        bpr_rows = bpr.rows_in(session, today)  # the register as fitgap bpr list reads it
    plan = schedule_service.get_schedule(db=db, today=today)
    sg = plan.graph
    per_op_schedule = operation_schedules(plan)

    # the operations this body runs, then the common parts that have a list or a system (shown with the
    # operations they serve, never counted among them)
    summaries = [
        s for s in overview.operations
        if not s.cross_cutting or s.requirements or per_op_schedule.get(s.code, OperationSchedule()).systems
    ]
    names = {s.code: s.name for s in overview.operations}
    deadlines = {s.code: s.deadline for s in overview.operations}
    order = {s.code: s.order for s in overview.operations}

    dispositions: dict[str, Counter[str]] = defaultdict(Counter)
    undecided_must: Counter[str] = Counter()
    for g in by_disposition:
        dispositions[g.operation_code][g.disposition.value if g.disposition else UNSET_DISPOSITION] += g.count
        if g.kubun == Kubun.MUST:
            undecided_must[g.operation_code] += g.undecided

    has_vendor_data = bool(facts.vendor_answers or facts.vendor_exports)
    lines = [_answer_line(a, names, deadlines) for a in answers if a.operation_code in names]
    vendor_by_op: dict[str, VendorFigures] = {}
    if has_vendor_data:
        for code in names:
            mine = [ln for ln in lines if ln.operation_code == code]
            vendor_by_op[code] = VendorFigures(
                answers=len(mine),
                after_deadline=sum(ln.after_deadline for ln in mine),
                after_deadline_late=sum(ln.late for ln in mine),
                impossible=sum(ln.answer == VendorAnswerKind.IMPOSSIBLE for ln in mine),
                unanswered=waiting.get(code, 0),
            )

    bpr_overdue = Counter(r.operation_code for r in bpr_rows if r.overdue)
    operations = []
    for s in summaries:
        sched = per_op_schedule.get(s.code, OperationSchedule())
        vendor = vendor_by_op.get(s.code)
        st = s.standing
        open_measures, late_measures = measures.get(s.code, (0, 0))
        mine = [ln for ln in lines if ln.operation_code == s.code]
        op_facts = OperationFacts(
            deadline=st.due.date, days_left=st.days_left, requirements=s.requirements, reviewed=s.reviewed,
            must_gaps_undecided=undecided_must[s.code], reverse_gaps=s.reverse_gaps,
            options_undecided=s.option_undecided, needs_review=s.needs_review,
            vendor_impossible=vendor.impossible if vendor else 0,
            vendor_late=vendor.after_deadline_late if vendor else 0,
            has_systems=bool(sched.systems), cutover=st.cutover, migrated=st.migrated,
            providers_late=sched.providers_late, consumer_first=sched.consumer_first,
            custom_undecided=s.custom_undecided, custom_unchecked=s.custom_unchecked,
            post_cutover_open=open_measures, post_cutover_overdue=late_measures,
            vendor_after_passed=sum(ln.answer == VendorAnswerKind.AFTER_DEADLINE.value
                                    and (ln.planned_date is None or ln.planned_date < today) for ln in mine),
            data_blockers=data_counts[s.code].blockers if s.code in data_counts else 0,
            bpr_overdue=bpr_overdue[s.code],
        )
        judgement = judge(op_facts)
        operations.append(OperationReadiness(
            code=s.code, order=s.order, name=s.name, group=s.group, standing=st, version_label=s.version_label,
            requirements=s.requirements, reviewed=s.reviewed, fit=s.fit, gap=s.gap,
            not_applicable=s.not_applicable,
            gaps_by_class={Kubun.MUST.short: s.must_gaps, Kubun.OPTION.short: s.option_gaps,
                           Kubun.FORBIDDEN.short: s.gap - s.must_gaps - s.option_gaps},
            gaps_by_disposition=_disposition_counts(dispositions[s.code]),
            must_gaps=s.must_gaps, must_gaps_undecided=undecided_must[s.code], reverse_gaps=s.reverse_gaps,
            options_undecided=s.option_undecided, needs_review=s.needs_review, vendor=vendor,
            systems=sched.systems, waits_for=sched.waits_for,
            verdict=judgement.verdict, reasons=tuple(judgement.reason_lines), demo=s.demo,
            minor_rules=tuple(r.code for r in judgement.reasons if r.level != judgement.verdict),
            common=s.cross_cutting, post_cutover_open=open_measures, post_cutover_overdue=late_measures,
        ))

    data_figures, data_lines = _data_section(data_counts, data_rows, names)
    bpr_lines = _bpr_lines(bpr_rows, names)
    blocking = _blocking(blocking_rows, lines, plan, names, order, data_lines[0], bpr_lines)
    rows = schedule_rows(plan, names)
    dates = [d for r in rows for d in (r.start, r.cutover, r.deadline) if d]
    # every planned and actual date and every deadline shown; only an implausibly long span is cut (the
    # dates outside are then marked ◀ ▶ at the edges)
    first = max(min([today, *dates]), date(fiscal_year(today) - MAX_FISCAL_YEARS_BACK, 4, 1))
    last = max([FY2025_END, today, *dates])
    last = min(last, date(fiscal_year(first) + MAX_FISCAL_YEARS, 3, 31))
    custom_figures, custom_open = _custom_section(db, summaries)
    report = ReadinessReport(
        municipality=overview.municipality,
        today=today,
        generated_at=now or datetime.now(UTC).astimezone(),
        database=db.url,
        database_id=facts.database_id,
        demo=overview.demo or any(v.demo for v in versions.values()),
        general_deadline=FY2025_END,
        operations=operations,
        totals=_totals(operations, blocking, has_vendor_data, headline=status.headline(overview)),
        blocking=blocking,
        schedule=rows,
        months=fiscal_months(first, last),
        custom=custom_figures,
        custom_open=custom_open,
        answers=sorted(lines, key=lambda ln: (order.get(ln.operation_code, 999), ln.req_id, ln.vendor)),
        spec_versions=[
            SpecVersionLine(operation=names.get(code, code), label=v.label, published_on=v.published_on,
                            imported_at=v.imported_at, source=v.source_file or "", demo=v.demo, bundled=v.bundled,
                            effective_on=v.effective_on)
            for code, v in sorted(versions.items(), key=lambda kv: order.get(kv[0], 999))
        ],
        rules=rule_lines(),
        last_assessed_at=facts.last_assessed_at,
        notes=_notes(operations, has_vendor_data, bool(sg.systems)),
        peers=peer_comparison(db=db),
        change_progress=change_progress(plan),
        changes=change_lines(plan),
        changes_undated=plan.undated,
        flagged_links=flagged_links(plan),
        post_cutover=post_cutover_lines(db=db, today=today, names=names),
        data=data_figures,
        data_blockers=data_lines[0],
        data_unmapped=data_lines[1],
        data_gaiji=data_lines[2],
        bpr=bpr.counts_by_department(bpr_rows),
        bpr_open=bpr_lines,
    )
    return report


def _bpr_lines(rows: list[bpr.BprRow], names: dict[str, str]) -> list[BprLine]:
    """The 業務見直し items not 実施済, overdue first (then by due date, as the register orders them)."""
    lines = [BprLine(id=r.id, operation_code=r.operation_code, operation=names.get(r.operation_code, r.operation),
                     title=r.title, changes="・".join(r.changes), department=r.department, person=r.person, due=r.due,
                     status=r.status.value, overdue=r.overdue, days_late=r.days_late, targets=len(r.targets))
             for r in rows if r.status != BprStatus.DONE]
    return sorted(lines, key=lambda ln: not ln.overdue)


def _data_section(counts: dict[str, data_items.DataCounts], rows: list[data_items.DataRow], names: dict[str, str],
                  ) -> tuple[list[DataFigures], tuple[list[DataItemLine], list[DataItemLine], list[DataItemLine]]]:
    """データ要件 per operation with a list (the counts of fitgap data status, as they are) and the items the
    report lists: blockers, items with unmapped codes, items with 外字候補 (in the list's order)."""
    figures = [
        DataFigures(operation_code=code, operation=names.get(code, code), version=c.version, items=c.items,
                    assessed=c.assessed, assessed_pct=c.assessed_pct, ready=c.ready, ready_pct=c.ready_pct,
                    blockers=c.blockers, review=c.review, todo=c.todo, unmapped_items=c.unmapped_items,
                    unmapped_codes=c.unmapped_codes, gaiji_items=c.gaiji_items, gaiji_chars=c.gaiji_chars)
        for code, c in counts.items()
    ]
    order = {code: i for i, code in enumerate(counts)}
    rows = sorted(rows, key=lambda r: order.get(r.operation_code, len(order)))  # stable: the list's order within

    def line(r: data_items.DataRow) -> DataItemLine:
        return DataItemLine(
            operation_code=r.operation_code, operation=names.get(r.operation_code, r.operation_code), item_id=r.item_id,
            name=r.name, group=r.group_name, condition=r.condition_text,
            holding=r.holding.value if r.holding else DataVerdict.UNCHECKED.value, reason=r.blocker_reason,
            code_list=r.code_list, mapped_codes=r.mapped_codes, unmapped_codes=r.unmapped_codes, gaiji=r.gaiji,
            functions=r.function_ids)

    return figures, ([line(r) for r in rows if r.verdict == DataVerdict.BLOCKER],
                     [line(r) for r in rows if r.unmapped_codes], [line(r) for r in rows if r.gaiji])


def _disposition_counts(counts: Counter[str]) -> dict[str, int]:
    labels = [d.value for d in for_requirements()] + [UNSET_DISPOSITION]
    return {label: counts.get(label, 0) for label in labels}


def _answer_line(a: queries.AnswerRow, names: dict[str, str], deadlines: dict[str, date]) -> AnswerLine:
    deadline = deadlines[a.operation_code]
    # lands past the deadline: a planned date after it, or 期限後対応 with no date at all
    late = (a.planned_date is not None and a.planned_date > deadline) or (
        a.answer == VendorAnswerKind.AFTER_DEADLINE and a.planned_date is None
    )
    return AnswerLine(
        operation_code=a.operation_code, operation=names[a.operation_code], req_id=f"{a.kind} {a.req_id}",
        name=a.name or "（現在の版にない要件）", kubun=a.kubun.short if a.kubun else "", vendor=a.vendor,
        answer=a.answer.value, planned_date=a.planned_date, deadline=deadline, late=late,
        cost_kyen=a.cost_kyen, comment=a.comment, received_at=a.received_at,
        after_deadline=after_deadline(a.answer, a.planned_date, deadline),
    )


def _blocking(rows: list[queries.ItemRow], lines: list[AnswerLine], plan: schedule_service.ScheduleView,
              names: dict[str, str], order: dict[str, int], data_blockers: list[DataItemLine],
              bpr_lines: list[BprLine]) -> list[BlockingItem]:
    items: list[BlockingItem] = []
    for r in rows:
        if r.operation_code not in names:
            continue
        if r.kubun == Kubun.MUST:
            detail = f"対応方針: {r.disposition.value if r.disposition else UNSET_DISPOSITION}"
            kind = BlockingKind.MUST_GAP
        else:
            detail = "実装不可機能に現行システムが適合（移行前に廃止が必要）"
            kind = BlockingKind.REVERSE_GAP
        if r.note:
            detail += f"。備考: {r.note}"
        items.append(BlockingItem(kind, r.operation_code, names[r.operation_code], f"{r.kind} {r.req_id}", r.name,
                                  detail))
    for ln in lines:
        if ln.late:
            when = ln.planned_date.isoformat() if ln.planned_date else "未定"
            items.append(BlockingItem(
                BlockingKind.VENDOR_LATE, ln.operation_code, ln.operation, ln.req_id, ln.name,
                f"{ln.vendor}: 対応予定 {when}（期限 {ln.deadline.isoformat()}）", ln.planned_date,
            ))
    sg = plan.graph
    for c in plan.conflicts:
        consumer = sg.system(c.consumer)
        codes = [code for code in consumer.operations if code in names] or [""]
        if c.kind == ConflictKind.PROVIDER_LATE:
            detail = f"提供元の移行 {c.provider_date.isoformat()} が利用側の期限 {c.consumer_date.isoformat()} より後"
        else:
            detail = f"利用側の移行 {c.consumer_date.isoformat()} が提供元の移行 {c.provider_date.isoformat()} より前（暫定連携なし）"
        for code in codes:
            items.append(BlockingItem(
                BlockingKind.CONFLICT, code, names.get(code, consumer.name),
                f"{sg.name(c.provider)} → {consumer.name}", c.kind.value, detail, c.consumer_date,
            ))
    items += change_blocking(plan, names)
    for b in data_blockers:  # each once, by its データ項目ID; the function it serves named in the detail
        detail = f"{b.reason}（{b.group}、データ出力条件 {b.condition}）"
        if b.functions:
            detail += f"。関連する機能: {'、'.join(b.functions)}"
        items.append(BlockingItem(BlockingKind.DATA_BLOCKER, b.operation_code, b.operation, f"データ {b.item_id}",
                                  b.name, detail))
    for w in bpr_lines:  # each overdue item once, however many gaps it answers, with its 担当課
        if not w.overdue or w.operation_code not in names:
            continue
        who = w.department or "未定"
        detail = (f"担当課 {who}{f'（担当者 {w.person}）' if w.person else ''}、期日を {w.days_late}日超過、"
                  f"状況 {w.status}、対象 {w.targets}件")
        if w.changes:
            detail += f"。見直す内容: {w.changes}"
        items.append(BlockingItem(BlockingKind.BPR_OVERDUE, w.operation_code, w.operation, w.ref, w.title, detail,
                                  w.due))
    kinds = {k: i for i, k in enumerate(BlockingKind.ALL)}
    items.sort(key=lambda b: (order.get(b.operation_code, 999), kinds[b.kind], b.ref))
    return items


def _totals(ops: list[OperationReadiness], blocking: list[BlockingItem], has_vendor: bool, *,
            headline: str) -> Totals:
    """The report's totals: of the operations this body runs (the common parts are not counted)."""
    ops = [o for o in ops if not o.common]
    vendor = None
    if has_vendor:
        vs = [o.vendor for o in ops if o.vendor]
        vendor = VendorFigures(
            answers=sum(v.answers for v in vs), after_deadline=sum(v.after_deadline for v in vs),
            after_deadline_late=sum(v.after_deadline_late for v in vs), impossible=sum(v.impossible for v in vs),
            unanswered=sum(v.unanswered for v in vs),
        )
    kinds = Counter(b.kind for b in blocking)
    verdicts = Counter(o.verdict for o in ops)
    return Totals(
        operations=len(ops), requirements=sum(o.requirements for o in ops), reviewed=sum(o.reviewed for o in ops),
        fit=sum(o.fit for o in ops), gap=sum(o.gap for o in ops), must_gaps=sum(o.must_gaps for o in ops),
        must_gaps_undecided=sum(o.must_gaps_undecided for o in ops),
        reverse_gaps=sum(o.reverse_gaps for o in ops), options_undecided=sum(o.options_undecided for o in ops),
        needs_review=sum(o.needs_review for o in ops),
        verdicts={v: verdicts.get(v, 0) for v in Verdict},
        blocking={k: kinds.get(k, 0) for k in BlockingKind.ALL},
        vendor=vendor,
        headline=headline,
    )


def _notes(ops: list[OperationReadiness], has_vendor: bool, has_systems: bool) -> list[str]:
    notes = []
    if not any(o.requirements for o in ops):
        notes.append(f"要件一覧: {NO_DATA}（fitgap import-spec で取り込んでください）")
    elif not any(o.reviewed for o in ops):
        notes.append(f"確認結果: {NO_DATA}（まだどの要件も確認されていません）")
    if not has_vendor:
        notes.append(f"ベンダ回答: {NO_DATA}（ベンダ向けシートの出力・回答の取込がまだありません）")
    if not has_systems:
        notes.append(f"システムと移行日程: {NO_DATA}（システムが登録されていません）")
    elif not any(o.cutover for o in ops):
        notes.append(f"移行予定日: {NO_DATA}（どのシステムにも移行予定日が入っていません）")
    return notes


# ---- writing the files -----------------------------------------------------------------------------


def output_paths(*, fmt: str, output: Path | None, exports_dir: Path, today: date) -> list[Path]:
    """Where the files go: the given path (its suffix replaced per format), or exports/ with the date.

    A default name (no ``-o``, or ``-o`` a folder) never collides: ``readiness_<date>-2.xlsx`` … when a
    report of that day is there already (the .xlsx and .html of one run keep one name).
    """
    if fmt not in FORMATS:
        raise InvalidInputError(f"形式 {fmt!r} には対応していません。", "xlsx、html、both のどれかを指定してください。")
    suffixes = [".xlsx", ".html"] if fmt == "both" else [f".{fmt}"]
    default_name = f"readiness_{today.isoformat()}"
    if output is None or output.is_dir():
        folder = exports_dir if output is None else output
        first = unused_name(folder / f"{default_name}{suffixes[0]}", companions=suffixes[1:])
        return [first.with_suffix(s) for s in suffixes]
    base = output
    if fmt != "both" and base.suffix.lower() in (".xlsx", ".html", ".htm"):
        return [base]
    stem = base.with_suffix("") if base.suffix.lower() in (".xlsx", ".html", ".htm") else base
    return [stem.with_name(stem.name + s) for s in suffixes]


def write_report(*, db: Database, today: date, fmt: str = "both", output: Path | None = None,
                 exports_dir: Path = Path("exports"), progress: Progress | None = None,
                 now: datetime | None = None, overwrite: bool = False) -> list[Path]:
    """Build the report and write it; returns the files written.

    A file named with ``output`` that exists already is replaced only with ``overwrite`` (``--force``).
    """
    from fitgap.reports.readiness_html import write_readiness_html
    from fitgap.reports.readiness_xlsx import write_readiness_xlsx

    paths = output_paths(fmt=fmt, output=output, exports_dir=exports_dir, today=today)
    if not overwrite:
        for path in paths:
            refuse_existing(path)
    total = 1 + len(paths)
    if progress:
        progress(0, total, "集計")
    report = build_report(db=db, today=today, now=now)
    for i, path in enumerate(paths, start=1):
        if progress:
            progress(i, total, path.name)
        writer = write_readiness_xlsx if path.suffix.lower() == ".xlsx" else write_readiness_html
        make_folder(path.parent)  # exports/ (a folder named with -o exists: the command line checked it)
        try:
            writer(report, path)
        except OSError as exc:
            raise FitGapError(
                f"{path} に書き込めません（{os_reason(exc)}）。",
                "同じ名前のファイルを Excel やブラウザで開いていれば閉じるか、-o で別の名前を指定してください。",
            ) from exc
    if progress:
        progress(total, total, "完了")
    return paths
