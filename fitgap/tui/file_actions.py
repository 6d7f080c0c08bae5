"""The workbench's file actions, in the palette: bring in a spec list, send a vendor sheet and read the answers
back, write and read a review workbook. Each calls the same service as its CLI command (no second
implementation): the preview is the service's dry run, the apply its real run."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fitgap.config import load_config
from fitgap.errors import InvalidInputError
from fitgap.services import drafts
from fitgap.services.choices import VENDOR_SCOPES
from fitgap.services.import_summary import review_import_summary, spec_import_summary, vendor_import_summary
from fitgap.tui.commands import FILE_ACTIONS
from fitgap.tui.drafts import DraftSlot
from fitgap.tui.screens.file_action import ActionField, FileAction, FileActionDialog, Preview, Progress

if TYPE_CHECKING:
    from fitgap.tui.workbench import Workbench

SHOWN = 200  # change, conflict and problem rows listed in the result view (all are in the problem file)
SCOPES = tuple((label, key) for key, label in VENDOR_SCOPES.items())  # the CLI's --scope, in its words
LIST_SUFFIXES = (".xlsx", ".xlsm", ".csv", ".tsv", ".txt")


def _exports() -> Path:
    return load_config().exports_dir


def _path(values: dict[str, str], key: str = "path") -> Path:
    path = Path(values[key]).expanduser()
    if not path.is_file():
        raise InvalidInputError(f"{path} が見つかりません。", "ファイルのパスを確かめてください（→ で補完できます）。")
    return path


def _paths(values: dict[str, str]) -> list[Path]:
    parts = [p for p in values["path"].replace("、", ",").split(",") if p.strip()]
    return [_path({"path": p.strip()}) for p in parts]


def _codes(text: str) -> list[str]:
    return [k.strip() for k in text.replace("、", ",").split(",") if k.strip()]


# ---- import: 要件一覧 -------------------------------------------------------------------------------


def _spec_lines(reports: list[Any]) -> list[str]:
    from fitgap.services.specs_import import ImportReport

    lines: list[str] = []
    for rep in reports:
        assert isinstance(rep, ImportReport)
        lines += [*([""] if lines else []), *spec_import_summary(rep, shown=SHOWN).lines()]
    return lines


def import_spec_action(app: Workbench) -> FileAction:
    from fitgap.services import specs_import

    ws = app.workspace

    def run(values: dict[str, str], progress: Progress, *, dry_run: bool,
            replace: bool = False) -> list[specs_import.ImportReport]:
        return specs_import.import_specs(
            db=ws.db, paths=_paths(values), user=ws.user, operation=values.get("operation") or None,
            version=values.get("version") or None, add_to_version=values.get("add_to") or None, dry_run=dry_run,
            effective=_date(values.get("effective", "")), replace=replace,
            progress=lambda stage, n: progress(stage, n, 0),
        )

    def preview(values: dict[str, str], progress: Progress) -> Preview:
        reports = run(values, progress, dry_run=True)
        replacing = any(r.replacing for r in reports)  # the answer is the button that says so, never the default
        return Preview(_spec_lines(reports), can_apply=not all(r.already_imported for r in reports),
                       apply_label="置き換えて取り込む" if replacing else "取り込む", state=replacing, caution=replacing)

    def apply(values: dict[str, str], p: Preview, progress: Progress) -> list[str]:
        reports = run(values, progress, dry_run=False, replace=bool(p.state))
        return [*_spec_lines(reports), "", "取り込みました。"]

    return FileAction(
        FILE_ACTIONS["import-spec"][0], "公式の機能・帳票要件一覧（.xlsx / .csv）を新しい版として取り込みます。"
        "同じ版のファイルは , で区切って一度に指定できます（fitgap import-spec と同じ）。",
        [ActionField("path", "ファイル（複数は , 区切り）", kind="path", suffixes=LIST_SUFFIXES,
                     placeholder="例: downloads/住民記録_第6.0版_機能要件一覧.xlsx"),
         ActionField("operation", "業務（コードか名前）", required=False, placeholder="省略時は ID から判別"),
         ActionField("version", "版", required=False, placeholder="省略時はファイル名か表紙から"),
         ActionField("add_to", "取り込み済みの版に加える", required=False, placeholder="例: 第6.0版"),
         ActionField("effective", "適用日", required=False, placeholder="例: 2027-04-01")],
        preview, apply,
    )


# ---- export / import: ベンダ回答シート -----------------------------------------------------------------


def _plan(app: Workbench, text: str, scope: str) -> tuple[list[str], int]:
    """The operations named and the rows the export would write, as the export counts them."""
    from fitgap.services.export_plan import plan_export

    plan = plan_export(db=app.workspace.db, operation_keys=_codes(text) or None, scope=scope)
    return plan.codes, plan.items


def export_vendor_action(app: Workbench, operation: str = "") -> FileAction:
    from fitgap.services import vendors

    ws = app.workspace

    def preview(values: dict[str, str], _progress: Progress) -> Preview:
        named = _codes(values.get("operations", ""))
        codes, n = _plan(app, values.get("operations", ""), values["scope"])
        answer_by = _date(values.get("answer_by", ""))
        lines = [f"{values['vendor']} 宛てに {n:,} 件の要件を書き出します（業務: {'、'.join(codes) if named else 'すべて'}、"
                 f"対象: {VENDOR_SCOPES[values['scope']]}）。",
                 f"書き出し先: {values.get('output') or _exports()}" + ("" if values.get("output") else "（自動の名前）")]
        if answer_by:
            lines.append(f"回答期限: {answer_by.isoformat()}")
        return Preview(lines, can_apply=n > 0, state=(codes if named else [], answer_by), apply_label="書き出す")

    def apply(values: dict[str, str], p: Preview, _progress: Progress) -> list[str]:
        codes, answer_by = p.state
        res = vendors.export_vendor_sheet(db=ws.db, user=ws.user, vendor=values["vendor"], exports_dir=_exports(),
                                          operation_keys=codes or None, scope=values["scope"], answer_by=answer_by,
                                          path=Path(values["output"]) if values.get("output") else None)
        return [f"書き出しました{'（デモデータ）' if res.demo else ''}: {res.path.resolve()}",
                f"業務 {'、'.join(res.operations)}、要件 {res.items:,} 件、書き出しID {res.export_id}",
                "回答が届いたら、パレットの「取り込み: ベンダ回答…」で取り込めます。"]

    return FileAction(
        FILE_ACTIONS["export-vendor"][0], "ベンダに送る回答シート（保護されたブック、回答欄はドロップダウン）を書き出します"
        "（fitgap export vendor と同じ）。",
        [ActionField("vendor", "ベンダ名", placeholder="例: 株式会社サンプル"),
         ActionField("operations", "業務（コードか名前、, 区切り）", initial=operation, required=False,
                     placeholder="省略時はすべての業務"),
         ActionField("scope", "対象", kind="select", options=SCOPES, initial="gaps"),
         ActionField("answer_by", "回答期限 YYYY-MM-DD", required=False),
         ActionField("output", "書き出し先（.xlsx）", kind="path", suffixes=(".xlsx",), required=False,
                     placeholder=f"省略時は {_exports()}/ に自動の名前で")],
        preview, apply,
    )


def _date(text: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text.replace("/", "-"))
    except ValueError:
        raise InvalidInputError(f"日付「{text}」を読めません。", "YYYY-MM-DD で入力してください（例: 2027-01-31）。") from None


def _vendor_lines(rep: object) -> list[str]:
    from fitgap.services.vendors import VendorImportReport

    assert isinstance(rep, VendorImportReport)
    return vendor_import_summary(rep, shown=SHOWN).lines()


def _answer_import(app: Workbench, *, title: str, help_: str, label: str,
                   run: Callable[..., Any], lines: Callable[[Any], list[str]], pending: Callable[[Any], bool],
                   done: Callable[[Any], str]) -> FileAction:
    """A returned workbook read back: the preview is the service's dry run, apply its real run."""
    ws = app.workspace

    def call(values: dict[str, str], *, dry_run: bool) -> Any:
        return run(db=ws.db, user=ws.user, path=_path(values), report_dir=_exports(), dry_run=dry_run)

    def preview(values: dict[str, str], _progress: Progress) -> Preview:
        rep = call(values, dry_run=True)
        return Preview(lines(rep), can_apply=pending(rep), apply_label="取り込む")

    def apply(values: dict[str, str], _p: Preview, _progress: Progress) -> list[str]:
        rep = call(values, dry_run=False)
        return [*lines(rep), "", done(rep)]

    return FileAction(title, help_, [ActionField("path", label, kind="path", suffixes=(".xlsx",))], preview, apply)


def import_vendor_action(app: Workbench) -> FileAction:
    from fitgap.services import vendors

    return _answer_import(
        app, title=FILE_ACTIONS["import-vendor"][0], label="返送されたブック（.xlsx）",
        help_="ベンダから返ってきた回答シートを確かめて取り込みます（fitgap import vendor と同じ）。",
        run=vendors.import_vendor_sheet, lines=_vendor_lines, pending=lambda r: bool(r.taken),
        done=lambda r: f"{r.applied:,} 件の回答を取り込みました（変更前の回答は履歴に残ります）。",
    )


# ---- export / import: 確認用ワークブック -----------------------------------------------------------------


def export_review_action(app: Workbench, operation: str = "") -> FileAction:
    from fitgap.services import review_sheets

    ws = app.workspace

    def preview(values: dict[str, str], _progress: Progress) -> Preview:
        codes, n = _plan(app, values["operations"], "all")
        return Preview([f"業務 {'、'.join(codes)} の {n:,} 件を確認用ワークブックに書き出します。",
                        f"書き出し先: {values.get('output') or _exports()}"], can_apply=n > 0, state=codes,
                       apply_label="書き出す")

    def apply(values: dict[str, str], p: Preview, _progress: Progress) -> list[str]:
        res = review_sheets.export_review_sheet(db=ws.db, user=ws.user, operation_keys=p.state, exports_dir=_exports(),
                                                path=Path(values["output"]) if values.get("output") else None)
        return [f"書き出しました{'（デモデータ）' if res.demo else ''}: {res.path.resolve()}",
                f"要件 {res.items:,} 件、書き出しID {res.export_id}",
                "記入が終わったら、パレットの「取り込み: 確認用ワークブック…」で取り込めます。"]

    return FileAction(
        FILE_ACTIONS["export-review"][0], "Excel で確認したい人のためのワークブックを書き出します（fitgap export review と同じ）。",
        [ActionField("operations", "業務（コードか名前、, 区切り）", initial=operation),
         ActionField("output", "書き出し先（.xlsx）", kind="path", suffixes=(".xlsx",), required=False)],
        preview, apply,
    )


def _review_lines(rep: object) -> list[str]:
    from fitgap.services.review_sheets import ReviewImportReport

    assert isinstance(rep, ReviewImportReport)
    return review_import_summary(rep, shown=SHOWN).lines()


def import_review_action(app: Workbench) -> FileAction:
    from fitgap.services import review_sheets

    return _answer_import(
        app, title=FILE_ACTIONS["import-review"][0], label="記入済みのブック（.xlsx）",
        help_="記入済みの確認用ワークブックの変更を取り込みます（fitgap import review と同じ）。",
        run=review_sheets.import_review_sheet, lines=_review_lines, pending=lambda r: bool(r.taken),
        done=lambda r: f"{r.applied:,} 件の確認結果を取り込みました。",
    )


# ---- palette ---------------------------------------------------------------------------------------

_BUILDERS = {
    "import-spec": import_spec_action, "export-vendor": export_vendor_action, "import-vendor": import_vendor_action,
    "export-review": export_review_action, "import-review": import_review_action,
}


def open_action(app: Workbench, name: str, *, operation: str = "") -> FileActionDialog:
    """Open one action's dialog; what the user typed last time in it is filled in again (kept in the
    workspace for the session, and as the user's draft until the action is run: it survives quitting), the
    rest starts from the list the user is on."""
    builder = _BUILDERS[name]
    action = builder(app, operation) if name in ("export-vendor", "export-review") else builder(app)  # type: ignore[call-arg]
    fresh = name not in app.workspace.action_inputs
    action.remembered = app.workspace.action_inputs.setdefault(name, {})
    handle = app.workspace.drafts.handle(DraftSlot(drafts.FORM, f"file-action:{name}", f"入力: {action.title.rstrip('…')}"))
    if fresh:  # typed in an earlier session and not run: offered again
        found = handle.load()
        if found is not None:
            action.remembered.update({k: str(v) for k, v in found.fields.items() if v is not None})
    action.keep_typed = lambda typed: handle.keep(fields=dict(typed))
    action.forget_typed = handle.drop
    dialog = FileActionDialog(action)
    app.push_screen(dialog)
    return dialog
