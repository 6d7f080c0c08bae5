"""One wording for what an import found, for the CLI and the workbench alike.

Each function turns the report of an import (a spec list, a vendor's answers, a review workbook) into an
:class:`ImportSummary`: the lines before the counts, the counts themselves (label, number) and the lines
after them. The CLI prints the counts as a table, the workbench on one line; the words, the counts and
what is left out (the rows beyond ``shown``, with how many) are the same in both. What follows the summary
(the dry-run notice, what was applied, the next command) stays with each caller.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from fitgap.domain.spec_diff import Change
from fitgap.errors import InvalidInputError
from fitgap.services.problem_file import failure_lines

if TYPE_CHECKING:  # the reports' modules load their libraries when used: only their names are needed here
    from fitgap.services.change_sheets import ChangeImportReport
    from fitgap.services.custom_vendor import CustomVendorImportReport
    from fitgap.services.data_vendor import DataVendorImportReport
    from fitgap.services.review_sheets import ReviewImportReport
    from fitgap.services.specs_import import ImportReport
    from fitgap.services.vendors import VendorImportReport

SHOWN = 20  # rows of changes and problems listed; the rest are counted (and all are in the problem file)


@dataclass(frozen=True)
class ImportSummary:
    head: list[str]
    counts: list[tuple[str, int]]
    body: list[str]

    def lines(self) -> list[str]:
        """Everything as lines, the counts on one line (as the workbench shows them)."""
        counts = ["　".join(f"{label} {n:,}" for label, n in self.counts)] if self.counts else []
        return [*self.head, *counts, *self.body]


def _more(total: int, shown: int, where: str = "") -> list[str]:
    return [f"  … 他 {total - shown:,} 件{where}"] if total > shown else []


def problem_lines(problems: Sequence[object], problems_file: Path | Sequence[Path] | None, *, heading: str,
                  shown: int = SHOWN, failure: str | None = None, saved: bool = False) -> list[str]:
    """The problem rows, the first ``shown`` of them, the count of the rest and where the problem files went.

    When the problem list could not be written (``failure``), every row is listed here instead, followed by
    the warning (``saved``: the import's changes were saved all the same)."""
    if not problems:
        return []
    if failure:
        return [f"{heading}:", *[f"  {p}" for p in problems], *failure_lines(failure, saved=saved)]
    files = [problems_file] if isinstance(problems_file, Path) else list(problems_file or [])
    where = "（問題一覧のファイルに全件あります）" if files else ""
    return [f"{heading}:", *[f"  {p}" for p in problems[:shown]], *_more(len(problems), shown, where),
            *[f"問題一覧: {f}" for f in files]]


def nothing_taken(*, source: str, taken: int, refused: int, dry_run: bool, what: str = "行", same: int = 0,
                  problems_file: Path | None = None, hint: str | None = None,
                  conflicts: int = 0) -> InvalidInputError | None:
    """The exit rule of every import: an import fails (non-zero, the database unchanged) when nothing was
    or, in a dry run, would be applied and the file had rows that were refused or held back as conflicts;
    whatever was applied, even partly and with the problems listed, is a success. Returns the error to raise
    after the summary, or None. ``same``: rows that already matched the database (said, so a retry is not
    read as a file of nothing)."""
    if taken or not (refused or conflicts):
        return None
    done = "試行のため何も書き込んでいません" if dry_run else "何も保存していません"
    counts = "、".join([*([f"問題 {refused:,} 件"] if refused else []), *([f"競合 {conflicts:,} 件"] if conflicts else []),
                       *([f"データベースと同じ {same:,} 件"] if same else [])])
    where = f"（問題一覧: {problems_file}）" if problems_file else ""
    return InvalidInputError(f"{source}: 取り込める{what}がありません（{counts}）。{done}。",
                             hint or f"上の問題の行{where}を直してから、もう一度取り込んでください。")


def spec_import_summary(rep: ImportReport, *, shown: int = SHOWN) -> ImportSummary:
    head = f"{rep.operation_code} {rep.operation_name} {rep.version_label}"
    if rep.already_imported:
        return ImportSummary([f"{rep.source_file} は {head} として取り込み済みです。変更はありません。"], [], [])
    verb = f"{rep.added_to} に追加" if rep.added_to else "取り込み"
    lines = [f"{rep.source_file} → {head}（{verb}: 要件 {rep.requirements:,} 件）"]
    each_file = len(rep.files) > 1 or bool(rep.added_to)
    for f in rep.files:
        if each_file:
            lines.append(f"  {f.name}: 機能 {f.functions:,} 件、帳票 {f.forms:,} 件"
                         + (f"、削除・欠番 {f.removed:,} 行" if f.removed else "")
                         + ("（取り込み済みのため飛ばします）" if f.already_imported else ""))
        if not f.already_imported:
            lines += [f"{'    ' if each_file else '  '}シート「{sheet}」: 機能 {functions:,} 件、帳票 {forms:,} 件"
                      for sheet, functions, forms in f.sheets]
    dates = [f"公開日: {rep.published_on.isoformat()}"] if rep.published_on else []
    if rep.effective_on:
        dates.append(f"適用日: {rep.effective_on.isoformat()}")
    if dates:
        lines.append("、".join(dates))
    if rep.replacing:
        lines.append(f"この一覧は現在の版 {rep.previous_label} と共通の ID が {rep.shared_ids:,} 件だけです（少ない方の "
                     f"{rep.list_ids:,} 件の1割未満）。業務とファイルを確かめてください。置き換えると要件 "
                     f"{rep.counts[Change.REMOVED]:,} 件が現在の版から外れ、確認結果 {rep.carried('archive'):,} 件を"
                     "保管（アーカイブ）します。")
    lines += [f"  対象外のシート: {s.name}（{s.reason}）" for s in rep.skipped_sheets]
    if rep.stripped_chars:
        lines.append(f"  名称・本文から制御文字・見えない文字を {rep.stripped_chars:,} 個取り除きました。")
    if rep.removed_rows:
        names = "、".join(r.label for r in rep.removed_rows[:10])
        more = f" 他 {len(rep.removed_rows) - 10:,} 行" if len(rep.removed_rows) > 10 else ""
        lines.append(f"削除・欠番と書かれた行 {len(rep.removed_rows):,} 行は要件として取り込みません: {names}{more}")
    if rep.historical:
        lines.append(f"この版は現在の版 {rep.current_label} より前に公開されたため、履歴として保存します。"
                     "現在の版と確認結果は変わりません。")
    if rep.undated:
        lines.append("公開日が分からないため、いちばん新しい版として扱います"
                     "（前の版より前に公開された一覧なら、--published で公開日を指定すると履歴として保存します）。")
    if rep.previous_label:
        lines.append(f"前の版 {rep.previous_label} との比較{'（追加する要件）' if rep.added_to else ''}:")
    body = []
    if not rep.historical:
        body.append(f"確認結果: 要再確認にする {rep.carried('review'):,} 件、保管（アーカイブ）する "
                    f"{rep.carried('archive'):,} 件、復元する {rep.carried('restore'):,} 件。"
                    f"追加された {rep.counts[Change.ADDED]:,} 件は未確認です。")
    body += problem_lines(rep.problems, rep.problems_files, heading=f"読めなかった行 {len(rep.problems):,} 件は飛ばしました",
                          shown=shown, failure=rep.problems_file_error, saved=rep.written)
    return ImportSummary(lines, [(c.value, n) for c, n in rep.counts.items()], body)


def vendor_import_summary(rep: VendorImportReport, *, shown: int = SHOWN) -> ImportSummary:
    head = [f"{rep.source}: {rep.vendor} の回答（書き出しID {rep.export_id}）", *[f"  {n}" for n in rep.notices]]
    if rep.stripped_chars:
        head.append(f"  回答・代替案から制御文字・見えない文字を {rep.stripped_chars:,} 個取り除きました。")
    counts = [("新しい回答", len(rep.added)), ("変更された回答", len(rep.changed)), ("前回と同じ", rep.unchanged),
              ("未回答", rep.unanswered), ("競合（古いブック）", len(rep.older)), ("問題", rep.refused)]
    body = []
    if rep.older:
        body.append(f"  このブックより新しいブックで受け取った回答と違う回答が {len(rep.older):,} 件あります。"
                    "取り込んでいません（上書きするなら --accept-older）。")
    for label, changes in (("新規", rep.added), ("変更", rep.changed)):
        for c in changes[:shown]:
            old = f"{c.old.answer.value} → " if c.old else ""
            extra = f"（予定日 {c.new.planned_date:%Y/%m/%d}）" if c.new.planned_date else ""
            body.append(f"  [{label}] {c.sheet} {c.row}行目 {c.key.label}: {old}{c.new.answer.value}{extra}")
        body += _more(len(changes), shown)
    body += problem_lines(rep.problems, rep.problems_file, heading=NOT_TAKEN, shown=shown,
                          failure=rep.problems_file_error, saved=bool(rep.applied))
    return ImportSummary(head, counts, body)


def data_vendor_import_summary(rep: DataVendorImportReport, *, shown: int = SHOWN) -> ImportSummary:
    head = [f"{rep.source}: {rep.vendor} のデータ項目の回答（書き出しID {rep.export_id}）", *[f"  {n}" for n in rep.notices]]
    if rep.stripped_chars:
        head.append(f"  コメントから制御文字・見えない文字を {rep.stripped_chars:,} 個取り除きました。")
    counts = [("新しい回答", len(rep.added)), ("変更された回答", len(rep.changed)), ("前回と同じ", rep.unchanged),
              ("未回答", rep.unanswered), ("競合（項目定義の変更）", len(rep.conflicts)),
              ("競合（古いブック）", len(rep.older)), ("問題", rep.refused)]
    body = [f"  [競合] {c}" for c in rep.conflicts[:shown]] + _more(len(rep.conflicts), shown)
    if rep.older:
        body.append(f"  このブックより新しいブックで受け取った回答と違う回答が {len(rep.older):,} 件あります。"
                    "取り込んでいません（上書きするなら --accept-older）。")
    for label, changes in (("新規", rep.added), ("変更", rep.changed)):
        for c in changes[:shown]:
            old = f"{c.old.answer} → " if c.old else ""
            extra = f"（予定日 {c.new.planned_date:%Y/%m/%d}）" if c.new.planned_date else ""
            body.append(f"  [{label}] {c.sheet} {c.row}行目 データ項目 {c.item_id}: {old}{c.new.answer.value}{extra}")
        body += _more(len(changes), shown)
    body += problem_lines(rep.problems, rep.problems_file, heading=NOT_TAKEN, shown=shown,
                          failure=rep.problems_file_error, saved=bool(rep.applied))
    return ImportSummary(head, counts, body)


def custom_vendor_import_summary(rep: CustomVendorImportReport, *, shown: int = SHOWN) -> ImportSummary:
    """The 独自機能回答票: the counts, each answer taken with what the municipality may record after reading it
    (the answer changes no disposition), the conflicts and the problems."""
    from fitgap.domain.custom import CustomDisposition
    from fitgap.services.custom_vendor import what_to_record

    words = [d.value for d in CustomDisposition]
    head = [f"{rep.source}: {rep.vendor} の独自機能の回答（書き出しID {rep.export_id}）", *[f"  {n}" for n in rep.notices]]
    if rep.stripped_chars:
        head.append(f"  対応方法・補足から制御文字・見えない文字を {rep.stripped_chars:,} 個取り除きました。")
    counts = [("新しい回答", len(rep.added)), ("変更された回答", len(rep.changed)), ("前回と同じ", rep.unchanged),
              ("未回答", rep.unanswered), ("競合（書き出し後の変更）", rep.stale), ("競合（古いブック）", len(rep.older)),
              ("問題", rep.problem_rows)]
    body = [f"  [競合] {c}" for c in rep.conflicts[:shown]] + _more(len(rep.conflicts), shown)
    if rep.older:
        body.append(f"  このブックより新しいブックで受け取った回答と違う回答が {len(rep.older):,} 件あります。"
                    "取り込んでいません（上書きするなら --accept-older）。")
    for label, changes in (("新規", rep.added), ("変更", rep.changed)):
        for c in changes[:shown]:
            old = f"{c.old.answer} → " if c.old else ""
            body.append(f"  [{label}] {c.sheet} {c.row}行目 現行機能 {c.function}: {old}{c.new.text()}")
            body.append(f"      → {what_to_record(c.function, c.new, words=words)}")
        body += _more(len(changes), shown)
    if rep.taken:
        body.append("  回答は対応方針を変えません。上のコマンドか独自機能の画面で、当団体の判断として記録してください。")
    body += problem_lines(rep.problems, rep.problems_file, heading="問題（その行は取り込みません）", shown=shown,
                          failure=rep.problems_file_error, saved=bool(rep.applied))
    return ImportSummary(head, counts, body)


def review_import_summary(rep: ReviewImportReport, *, shown: int = SHOWN) -> ImportSummary:
    head = [f"{rep.source}: 確認シート（書き出しID {rep.export_id}）", *[f"  {n}" for n in rep.notices]]
    if rep.stripped_chars:
        head.append(f"  メモから制御文字・見えない文字を {rep.stripped_chars:,} 個取り除きました。")
    counts = [("変更する要件", rep.taken), ("変更なし", rep.untouched), ("競合（上書きしない）", len(rep.conflicts)),
              ("問題", rep.refused)]
    body = [f"  [競合] {c}" for c in rep.conflicts[:shown]] + _more(len(rep.conflicts), shown)
    body += problem_lines(rep.problems, rep.problems_file, heading=NOT_TAKEN, shown=shown,
                          failure=rep.problems_file_error, saved=bool(rep.applied))
    return ImportSummary(head, counts, body)


def change_import_summary(rep: ChangeImportReport, *, shown: int = SHOWN) -> ImportSummary:
    """The 改修一覧 a vendor returned: each row taken with what changes (old → new), the conflicts (held back,
    not among the problems) and the problems."""
    head = [f"{rep.source}: 改修一覧（書き出しID {rep.export_id}）", *[f"  {n}" for n in rep.notices]]
    if rep.stripped_chars:
        head.append(f"  暫定連携・備考から制御文字・見えない文字を {rep.stripped_chars:,} 個取り除きました。")
    counts = [("変わる予定" if rep.dry_run else "反映", rep.taken), ("変更なし", rep.untouched),
              ("競合（上書きしない）", rep.held_back), ("問題", rep.refused)]
    body = [f"  {ch.label}: " + "、".join(f"{k} {v}" for k, v in ch.shown.items()) for ch in rep.changes[:shown]]
    body += _more(len(rep.changes), shown)
    body += [f"  [競合] {c}" for c in rep.conflicts[:shown]] + _more(len(rep.conflicts), shown)
    body += problem_lines(rep.problems, rep.problems_file, heading=NOT_TAKEN, shown=shown,
                          failure=rep.problems_file_error, saved=bool(rep.applied))
    return ImportSummary(head, counts, body)


# the problems listed after the counts: one row may have several, so the count is the table's ("問題")
NOT_TAKEN = "問題（その行は取り込みません）"
