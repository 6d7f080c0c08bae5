"""Commands: custom list/show/import/export/map/set/undo — the current system's functions (独自機能)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fitgap.cli import custom_vendor as cli_custom_vendor
from fitgap.cli.context import Context
from fitgap.cli.parser import date_value
from fitgap.cli.paths import output_path
from fitgap.cli.table import render_table
from fitgap.domain.custom import Coverage, CustomDisposition
from fitgap.domain.row_stamp import STALE_HINT
from fitgap.errors import InvalidInputError
from fitgap.services import custom, custom_export, custom_import, custom_summary, custom_vendor
from fitgap.services import items as item_service

if TYPE_CHECKING:
    from fitgap.services.custom import CustomUpdateResult, FunctionKey
    from fitgap.services.custom_vendor import CustomAnswerOfRecord
    from fitgap.services.items import ItemKey

DISPOSITIONS = [d.value for d in CustomDisposition]
COVERAGES = [c.value for c in Coverage]
MAX_SHOWN = 20
FIELD_LABELS = {"outside_spec": "標準外", "mapped": "対応要件", "disposition": "対応方針", "note": "理由",
                "target_system_id": "移行先(システムID)", "add": "追加", "vendor_answer": "ベンダ回答"}


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    top = sub.add_parser(
        "custom", parents=[common], help="独自機能（現行システムにあり標準仕様書にない機能）の棚卸し",
        description="現行システムの機能・帳票・画面・バッチ・外部連携を一覧にし、標準仕様書の要件（業務・種別 機能/帳票・ID）と"
        "対応付け、標準外の機能には対応方針（廃止 / 業務見直し / 標準オプションで対応 / EUC / 独自施策システム / ベンダ要協議 / 要検討）"
        "と理由を記録します。実装不可の要件に当たる機能は要廃止です。 / The current system's functions outside the spec.",
    )
    cs = top.add_subparsers(dest="custom_command", metavar="SUBCOMMAND", required=True)

    p = cs.add_parser("list", parents=[common], help="現行機能の一覧 / list current functions")
    p.add_argument("--operation", metavar="CODE", help="業務コード（例 001）")
    p.add_argument("--coverage", choices=COVERAGES, action="append", help="標準内 / 標準外 / 未確認（複数可）")
    p.add_argument("--disposition", choices=[*DISPOSITIONS, "なし"], action="append", help="対応方針（複数可、なし=未設定）")
    p.add_argument("--undecided", action="store_true", help="対応方針が決まっていない標準外・要廃止の機能だけ")
    p.add_argument("--search", metavar="TEXT", default="", help="機能番号・機能名・説明・利用課・理由で絞り込む")
    p.add_argument("--department", metavar="担当課", help="この担当課に割り当てた機能だけ（fitgap assign で割り当て）")
    p.set_defaults(func=cmd_list)

    p = cs.add_parser("show", parents=[common], help="1つの現行機能の詳細と変更履歴 / show one function")
    p.add_argument("function", metavar="OP:CODE", help="業務コード:機能番号（例 001:F-001）")
    p.set_defaults(func=cmd_show)

    p = cs.add_parser(
        "import", parents=[common], help="現行機能一覧（Excel/CSV）を取り込む / import a function list",
        description="機能番号と機能名の列を持つ見出し行を各シートの先頭10行から探します（機能ID・名称・概要・利用部署 などの別名も可）。"
        "業務コードと機能番号で照合して追加・更新します。fitgap custom export のブックを編集して読み戻すと、対応要件・標準外・"
        "対応方針・理由・移行先システムも取り込みます。問題のある行が1つでもあれば行ごとに示して何も保存しません。"
        "書き出し後にデータベースで変更された機能の行は競合として示し、取り込みません（書き出し時の版のない一覧では、"
        "登録済みの機能を変える行がすべて競合です）。--accept-older を付けるとファイルの内容で上書きします。",
    )
    p.add_argument("file", metavar="FILE", type=Path, help=".xlsx または .csv（UTF-8 / Shift_JIS）")
    p.add_argument("--accept-older", action="store_true",
                   help="書き出し後に変更された機能（競合）もファイルの内容で上書きする")
    p.add_argument("--operation", metavar="CODE", help="業務コードの列がない一覧の業務コード")
    p.add_argument("--mapping", metavar="TOML", type=Path,
                   help="見出しが別名にない一覧のマッピングプロファイル（列の見出し、見出し行、シート、業務コード）")
    p.set_defaults(func=cmd_import)

    p = cs.add_parser("export", parents=[common], help="現行機能一覧を Excel に書き出す / export the inventory",
                      description="対応要件と対応方針を含めて書き出します。--vendor を付けると、標準外・要廃止の機能について"
                      "標準機能での代替（機能ID）・標準オプション・独自施策システム・EUC で対応できるかをベンダに尋ねる回答票を書き出します"
                      "（回答は fitgap custom import vendor FILE で取り込めます。既に受け取った回答は回答欄に入った状態で書き出します）。")
    p.add_argument("--operation", metavar="CODE", action="append", help="業務コード（複数可、既定 すべて）")
    p.add_argument("--vendor", metavar="NAME", help="ベンダ向けの回答票にする")
    p.add_argument("--answer-by", type=date_value, metavar="DATE", help="回答期限 YYYY-MM-DD（ベンダ向けの回答票の表紙に表示）")
    p.add_argument("-o", "--output", metavar="PATH", type=output_path, help="書き出し先 .xlsx（既定 exports/ の下）")
    p.add_argument("--force", action="store_true", help="-o のファイルがすでにあれば上書きする")
    p.set_defaults(func=cmd_export)

    p = cs.add_parser("map", parents=[common], help="現行機能を要件に対応付ける / map to requirements",
                      description="要件は 機能:0010001、帳票:0010001（種別を省くと機能）、別の業務なら 002:機能:0020001 で指定します。")
    p.add_argument("functions", metavar="OP:CODE", nargs="+", help="業務コード:機能番号")
    p.add_argument("--add", metavar="REQ", action="append", default=[], help="対応する要件（複数可）")
    p.add_argument("--remove", metavar="REQ", action="append", default=[], help="対応を外す要件（複数可）")
    p.set_defaults(func=cmd_map)

    p = cs.add_parser("set", parents=[common], help="標準外・対応方針・理由・移行先を設定する / set disposition",
                      description="指定した項目だけを変更します。理由は対応方針ごとに必要です（メモ必須の設定でギャップにメモが必要なとき）。"
                      "対応方針 独自施策システム には --system で移行先を指定でき、ないシステムは関連システムとして追加され、"
                      "業務の標準化対象システムからの連携が依存関係図に加わります。")
    p.add_argument("functions", metavar="OP:CODE", nargs="+", help="業務コード:機能番号")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--outside", dest="outside", action="store_true", default=None, help="標準外にする（対応付けは外れます）")
    g.add_argument("--not-outside", dest="outside", action="store_false", help="標準外の印を外す")
    p.add_argument("--disposition", choices=[*DISPOSITIONS, ""], help="対応方針（空文字で消去）")
    p.add_argument("--note", help="理由")
    p.add_argument("--system", metavar="NAME", help="移行先のシステム: 独自施策システム（ないものは追加）、既存の別システムで実現・"
                   "標準の連携で他システムが取得 では既存のシステム（空文字で消去）")
    p.add_argument("--bpr", metavar="ID", type=int,
                   help="業務見直し・運用で対応 にした機能を既存の業務見直し #ID に加える（既定 新しい項目を作る）")
    p.set_defaults(func=cmd_set)

    p = cs.add_parser("undo", parents=[common], help="直前の変更（map/set）を取り消す / undo the last change")
    p.add_argument("--batch", metavar="ID", help="取り消す変更のバッチID（既定 自分の直前の変更）")
    p.set_defaults(func=cmd_undo)

    cli_custom_vendor.register(cs, common)  # `custom import vendor FILE`: the vendor's 独自機能回答票


def bpr_lines(r: Any) -> list[str]:
    """What a decision did to the 業務見直し register, as the CLI says it (nothing when nothing happened)."""
    if r is None:
        return []
    out = [f"業務見直し #{bid} を作りました（fitgap bpr show {bid}）。" for bid in r.created]
    joined = sorted({bid for bid, _ in r.linked if bid not in r.created})
    out += [f"業務見直し #{bid} に加えました。" for bid in joined]
    out += [f"業務見直し #{bid} から外しました（方針が業務の見直しではなくなりました）。" for bid in sorted({b for b, _ in r.unlinked})]
    out += [f"業務見直し #{bid} は答える対象がなくなりました（項目は残しています）。" for bid in r.emptied]
    return out


def _fkeys(texts: list[str]) -> list[FunctionKey]:
    return [custom.FunctionKey.parse(t) for t in texts]


def _req(text: str, operation_code: str) -> ItemKey:
    parts = [p for p in text.replace("：", ":").split(":") if p]
    try:
        if len(parts) == 3:
            return item_service.ItemKey.of(parts[0].zfill(3), parts[1], parts[2])
        if len(parts) == 2:
            return item_service.ItemKey.of(operation_code, parts[0], parts[1])
        if len(parts) == 1:
            return item_service.ItemKey.of(operation_code, "機能", parts[0])
    except ValueError:
        pass
    raise InvalidInputError(f"要件 {text!r} の指定が読めません。", "機能:0010001、帳票:0010001、002:機能:0020001 の形で指定してください。")


def cmd_list(args: argparse.Namespace, ctx: Context) -> int:
    disp: set[CustomDisposition | None] = {None if d == "なし" else CustomDisposition(d) for d in args.disposition or []}
    flt = custom.FunctionFilter(operation_code=args.operation, coverage=frozenset(Coverage(c) for c in args.coverage or []),
                         dispositions=frozenset(disp), undecided=True if args.undecided else None, text=args.search,
                         owner_department=args.department.strip() if args.department else None)
    rows = custom.list_functions(db=ctx.database(), flt=flt)
    if args.department and not rows:
        assigned = custom.owner_departments(db=ctx.database())
        ctx.print(f"担当課「{args.department}」に割り当てた機能はありません"
                  + (f"（割り当てのある担当課: {'、'.join(assigned)}）。" if assigned else "（まだどの機能にも担当課がありません）。"))
        return 0
    answers = custom_vendor.latest_answers(db=ctx.database())  # each vendor's answer of record, the latest last
    table = [(str(r.key), r.kind.value, r.name, r.coverage.value, "; ".join(m.key.label for m in r.mapped),
              r.verdict, r.note, _latest(answers.get(r.key))) for r in rows]
    ctx.print(render_table(["機能", "種別", "機能名", "標準", "対応要件", "判定", "理由", "ベンダ回答"], table))
    undecided = sum(1 for r in rows if r.undecided)
    ctx.print(f"{len(rows)} 件（対応方針が未決定の標準外・要廃止 {undecided} 件）")
    return 0


def _latest(answers: list[CustomAnswerOfRecord] | None) -> str:
    """The latest vendor answer of record of a function, short (機能ID included)."""
    if not answers:
        return ""
    a = answers[-1]
    return f"{a.vendor}: {a.answer}" + (f" {a.standard_ids}" if a.standard_ids else "")


def cmd_show(args: argparse.Namespace, ctx: Context) -> int:
    d = custom.get_function(db=ctx.database(), key=custom.FunctionKey.parse(args.function))
    r = d.row
    ctx.print(f"{r.key}  {r.name}（{r.kind.value}）{'【デモ】' if r.demo else ''}",
              f"  判定: {r.verdict}（{r.coverage.value}）", f"  説明: {d.description}",
              f"  利用課: {r.department}  頻度: {r.frequency}  根拠: {r.basis.value if r.basis else ''} {d.basis_detail}",
              f"  システム: {r.system or ''}  年間費用: {'' if r.yearly_cost_kyen is None else f'{r.yearly_cost_kyen:,.0f} 千円'}")
    for m in r.mapped:
        where = f"{m.kubun.short} / {m.status.value if m.status else ''}" if m.kubun else "現行の版になし"
        ctx.print(f"  対応要件: {m.key}  {m.name}（{where}）")
    ctx.print(f"  対応方針: {r.disposition.value if r.disposition else '—'}  理由: {r.note}"
              + (f"  移行先: {r.target_system}" if r.target_system else ""))
    words = [d.value for d in CustomDisposition]
    for a in reversed(custom_vendor.latest_answers(db=ctx.database(), keys=[r.key]).get(r.key, [])):
        ctx.print(f"  ベンダ回答: {a.vendor}  {custom_vendor.record_text(a)}（{a.received_at:%Y-%m-%d} 受領）",
                  f"    → {custom_vendor.what_to_record(r.key, a, words=words)}")
    for e in d.history[:MAX_SHOWN]:
        ctx.print(f"  {e.at:%Y-%m-%d %H:%M} {e.user} {e.action} {FIELD_LABELS.get(e.field or '', e.field or '')}: {e.old_value or ''} → {e.new_value or ''}")
    return 0


def _listed(items: list[str]) -> list[str]:
    shown = [f"  {line}" for line in items[:MAX_SHOWN]]
    if len(items) > MAX_SHOWN:
        shown.append(f"  ほか {len(items) - MAX_SHOWN} 件")
    return shown


def cmd_import(args: argparse.Namespace, ctx: Context) -> int:
    r = custom_import.import_file(db=ctx.database(), user=ctx.config.user, path=args.file, operation_code=args.operation,
                                  mapping=args.mapping, accept_older=args.accept_older)
    if not r.ok:
        raise InvalidInputError(f"{args.file.name} に問題が {len(r.problems)} 件あります。何も保存していません。\n"
                                + "\n".join(_listed([str(p) for p in r.problems])),
                                "行ごとの問題を直してから、もう一度取り込んでください。")
    held = [c for c in r.conflicts if not c.applied]
    ctx.print(f"{args.file.name}: 追加 {len(r.added)} 件、更新 {len(r.updated)} 件、変更なし {len(r.unchanged)} 件"
              f"（対応付け {r.mapped} 件）"
              + (f"、競合 {len(held)} 件（取り込んでいません）" if held else "")
              + (f"、古い内容で上書き {r.accepted_older} 件（--accept-older）" if r.accepted_older else "")
              + (f"、取り込めない行 {len(r.refused)} 件" if r.refused else ""))
    ctx.print(*[f"  {n}" for n in r.notices])
    ctx.print(*_listed([f"競合 {c}" for c in r.conflicts]))
    ctx.print(*_listed([f"取り込めない行 {p}" for p in r.refused]))
    if r.stripped_chars:
        ctx.print(f"  制御文字・見えない文字を {r.stripped_chars:,} 個取り除きました。")
    for name in r.added_systems:
        ctx.print(f"独自施策システム「{name}」を関連システムとして追加しました（依存関係図に連携があります）。")
    ctx.print(*bpr_lines(r.bpr))
    if r.held_back and not r.applied:
        what = "、".join(t for t in (f"競合 {len(held)} 件" if held else "",
                                     f"取り込めない行 {len(r.refused)} 件" if r.refused else "") if t)
        raise InvalidInputError(f"{args.file.name}: 取り込める行がありません（{what}）。何も保存していません。",
                                STALE_HINT if held else "行キーとキーの列を書き出したときのままにしてください。")
    if held:
        ctx.print(f"対処: {STALE_HINT}")
    return 0


def cmd_export(args: argparse.Namespace, ctx: Context) -> int:
    if args.vendor is not None:
        v = custom_vendor.export_custom_vendor_sheet(
            db=ctx.database(), user=ctx.config.user, vendor=args.vendor, exports_dir=ctx.config.exports_dir,
            operation_codes=args.operation, answer_by=args.answer_by, path=args.output, overwrite=args.force)
        ctx.print(f"ベンダ {v.vendor} 向け回答票を書き出しました: {v.path}（{len(v.operations)} 業務、{v.functions} 件"
                  f"{'、デモデータ' if v.demo else ''}、書き出しID {v.export_id}）",
                  f"回答が届いたら: {ctx.command('custom', 'import', cli_custom_vendor.VENDOR, v.path)}")
        return 0
    r = custom_export.export_inventory(db=ctx.database(), user=ctx.config.user, exports_dir=ctx.config.exports_dir,
                         operation_codes=args.operation, path=args.output, overwrite=args.force)
    ctx.print(f"現行機能一覧を書き出しました: {r.path}（{r.operations} 業務、{r.functions} 件{'、デモデータ' if r.demo else ''}）")
    return 0


def _report(ctx: Context, r: CustomUpdateResult) -> int:
    ctx.print(*custom_summary.update_summary(r, shown=MAX_SHOWN, command=ctx.command))
    ctx.print(*bpr_lines(r.bpr))
    if r.batch:
        ctx.print(f"取り消すには: {ctx.command('custom', 'undo', '--batch', r.batch)}")
    return 1 if (r.rejected or r.conflicts) and not r.changed else 0


def cmd_map(args: argparse.Namespace, ctx: Context) -> int:
    keys = _fkeys(args.functions)
    op = keys[0].operation_code
    r = custom.map_functions(db=ctx.database(), user=ctx.config.user, keys=keys,
                             add=[_req(t, op) for t in args.add], remove=[_req(t, op) for t in args.remove])
    return _report(ctx, r)


def cmd_set(args: argparse.Namespace, ctx: Context) -> int:
    values: dict[str, Any] = {
        "outside_spec": custom.UNSET if args.outside is None else args.outside,
        "disposition": custom.UNSET if args.disposition is None else (CustomDisposition(args.disposition) if args.disposition else None),
        "note": custom.UNSET if args.note is None else args.note,
        "target_system": custom.UNSET if args.system is None else args.system,
    }
    r = custom.set_functions(db=ctx.database(), user=ctx.config.user, keys=_fkeys(args.functions), **values,
                             join_bpr=args.bpr)
    return _report(ctx, r)


def cmd_undo(args: argparse.Namespace, ctx: Context) -> int:
    batch = args.batch or custom.last_batch(db=ctx.database(), user=ctx.config.user)
    if not batch:
        raise InvalidInputError("取り消す変更がありません。", "fitgap custom map / set で変更した後に実行してください。")
    return _report(ctx, custom.undo(db=ctx.database(), user=ctx.config.user, batch=batch))
