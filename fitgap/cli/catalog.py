"""Commands: init, status, demo."""

from __future__ import annotations

import argparse
import random

from fitgap.cli.context import Context
from fitgap.cli.data_table import LEGEND, data_table
from fitgap.cli.table import render_table
from fitgap.domain.calendar import format_date
from fitgap.errors import InvalidInputError
from fitgap.services import catalog, demo, status


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "init", parents=[common], help="データベースを作成・更新する（カタログ、団体、期限）",
        description="データベースを同梱のカタログ（20業務、共通機能、同梱の要件一覧）で作成・更新します。"
        "何度実行しても同じ結果になります。--municipality を指定すると、特定移行支援システムに該当する業務の"
        "期限を 2031-03-31（令和12年度末）に、それ以外を 2026-03-31（令和7年度末）にします。",
    )
    p.add_argument("--municipality", "-m", metavar="NAME", help="団体名（例: 札幌市、東京都府中市）")
    p.add_argument("--prefecture", metavar="NAME", help="都道府県（同名の団体がある場合）")
    p.add_argument("--code", metavar="CODE", help="団体コード6桁（例: 011002）")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("status", parents=[common], help="業務ごとの進捗を表で表示する",
                       description="業務ごとの要件数、確認率、ギャップ（実装区分別）、期限と残り日数を表示します。")
    p.add_argument("--all", action="store_true", help="共通機能など横断的な標準も表示する")
    p.add_argument("--department", metavar="担当課",
                   help="その担当課の要件・独自機能だけを数える（自分の課の項目）。業務見直しの件数も表示する")
    p.add_argument("--peers", action="store_true",
                   help="進捗状況調査でのこの団体の進捗を、県の中央値・全国の分布（四分位・完了の割合）と業務ごとに比べる")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("demo", parents=[common], help="デモデータ（架空の要件一覧）を作る",
                       description="20業務すべてに架空の要件一覧と一部の確認結果を作ります。同じ --seed なら同じ内容です。"
                       "デモデータは画面や出力で「デモ」と表示されます。実データのあるデータベースには入れません。")
    p.add_argument("--requirements", "-n", type=int, default=3000, metavar="N", help="要件の総数（既定 3000）")
    p.add_argument("--seed", type=int, default=None, metavar="S", help="乱数の種（省略時は毎回異なる）")
    p.set_defaults(func=cmd_demo)
    from fitgap.cli.survey import register_survey  # the survey's commands, beside init

    register_survey(sub, common)


def cmd_init(args: argparse.Namespace, ctx: Context) -> int:
    result = catalog.init_database(url=ctx.config.database_url, user=ctx.config.user,
                                   municipality=args.municipality, prefecture=args.prefecture, code=args.code)
    ctx.print(f"データベース: {result.database}{'（新規作成）' if result.created else ''}")
    if result.operations_added:
        ctx.print(f"業務カタログ: {result.operations_added} 業務を登録しました。")
    if result.municipality:
        ctx.print(f"団体: {result.municipality}")
        if result.prefecture_scope:
            ctx.print(f"都道府県が担う業務: {'、'.join(result.prefecture_scope)}（20業務のうちほかは対象外として表示しません）")
        if result.out_of_scope_systems:
            ctx.print(f"対象外の業務の典型的なシステム {len(result.out_of_scope_systems)}件を削除しました（未確認・日付なし）: "
                      f"{'、'.join(result.out_of_scope_systems)}")
        if result.official_kept:
            ctx.print(f"特定移行支援システムの該当は読み込んだ公表一覧 {result.official_kept} 時点のままです（同梱の "
                      f"{catalog.OFFICIAL_AS_OF} の一覧では上書きしません）: {'、'.join(result.tokutei) or '該当なし'}")
        elif result.tokutei:
            ctx.print(f"特定移行支援システム（公表一覧 {catalog.OFFICIAL_AS_OF} 時点、期限 2031-03-31）: {'、'.join(result.tokutei)}")
        else:
            ctx.print(f"特定移行支援システムの該当はありません（公表一覧 {catalog.OFFICIAL_AS_OF} 時点。期限は 2026-03-31）。")
        if result.manual_kept:
            ctx.print(f"手動で設定した期限はそのままです: {'、'.join(result.manual_kept)}")
    for label in result.bundled_loaded:
        ctx.print(f"同梱の要件一覧を読み込みました: {label}")
    if result.systems_added:
        ctx.print(f"典型的なシステム {result.systems_added}件とその連携を「典型例（要確認）」として登録しました"
                  f"（{ctx.command('systems', 'list')}）。")
    if result.survey_loaded:
        ctx.print(f"同梱の{result.survey_loaded}を読み込みました（{ctx.command('survey', 'show')}）。")
    if result.changes_added:
        ctx.print(f"連携の改修項目 {result.changes_added}件を「未着手」で作成しました（{ctx.command('systems', 'changes')}）。")
    if result.changes_removed:
        ctx.print(f"不要になった未着手の改修項目 {result.changes_removed}件を削除しました（誰も編集していないもの）。")
    if not result.changed:
        ctx.print("変更はありません（すでに最新です）。")
    return 0


def cmd_status(args: argparse.Namespace, ctx: Context) -> int:
    if getattr(args, "peers", False):
        from fitgap.cli.peers import print_peers  # the survey's comparison: its own table

        return print_peers(ctx)
    department = args.department.strip() if args.department is not None else None
    if department == "":
        raise InvalidInputError("--department に担当課の名前を指定してください。", "例: fitgap status --department 市民課")
    ov = (status.quick_overview(url=ctx.config.database_url, today=ctx.config.today, department=department)
          or status.get_overview(db=ctx.database(), today=ctx.config.today, department=department))  # without SQLAlchemy first
    head = (f"団体: {ov.municipality}" if ov.municipality
            else f"団体: 未設定（{ctx.command('init', '--municipality', '名前')}）")
    ctx.print(f"{head}    基準日: {format_date(ov.today)}")
    if ov.demo:
        ctx.print("※ デモデータ（架空の要件）を含みます。")
    ctx.print(status.headline(ov))
    if department is not None:
        return _department_status(ov, department, ctx)
    shown = ov.main + (ov.common if args.all else [])
    inventory = ov.total("custom_functions") > 0  # 独自機能 columns only once there is an inventory
    _status_table(shown, inventory, ctx)
    if not args.all and ov.common:
        ctx.print(f"共通部分（{'、'.join(o.short_name for o in ov.common)}）は --all で表示します"
                  "（期限は、設定がなければ使う業務のうち最も早いもの）。")
    ctx.print("要対応 = 実装必須のギャップ、要廃止 = 実装不可に適合（逆ギャップ）、要判断 = 標準オプションの採否未決定、OPギャップ = 標準オプションのギャップ")
    if inventory:
        ctx.print(f"独自機能 = 現行機能の棚卸し件数、独自未決 = 標準外・要廃止で対応方針が未決定（{ov.total('custom_undecided')} 件、"
                  "fitgap custom list --undecided）")
    measures = status.post_cutover_line(ov)
    if measures:
        ctx.print(f"{measures} → {ctx.command('post-cutover', 'list')}")
    empty = [o for o in shown if o.requirements == 0]
    if empty:
        ctx.print(f"要件一覧がまだない業務: {len(empty)} 業務。公式の機能・帳票要件（Excel）を "
                  f"{ctx.command('import-spec', 'FILE')} で取り込んでください。")
    _data_requirements(ov, ctx)
    return 0


def _status_table(shown: list[status.OperationSummary], inventory: bool, ctx: Context) -> None:
    rows = []
    for o in shown:
        st = o.standing
        rows.append([
            o.code, o.name + (" [デモ]" if o.demo else ""), o.version_label or "—", o.requirements,
            f"{o.reviewed_pct:.0f}%" if o.requirements else "—", o.must_gaps, o.option_gaps, o.reverse_gaps,
            o.option_undecided, o.needs_review,
            *([o.custom_functions, o.custom_undecided] if inventory else []),
            st.state.value, st.due.date.isoformat(), st.due.source, st.label,
        ])
    ctx.print(render_table(
        ["コード", "業務", "版", "要件", "確認率", "要対応", "OPギャップ", "要廃止", "要判断", "要再確認",
         *(["独自機能", "独自未決"] if inventory else []), "状態", "期限", "期限の根拠", "残り・移行日"],
        rows, right=[3, 4, 5, 6, 7, 8, 9, *([10, 11] if inventory else [])], max_width=44,
    ))


def _department_status(ov: status.Overview, department: str, ctx: Context) -> int:
    """``status --department``: the same table, of the requirements (assessment.department) and 独自機能
    (owner_department) of one 担当課, on the operations where it has any; then its 業務見直し."""
    shown = [o for o in ov.operations if o.requirements or o.custom_functions]
    mine = ov.bpr_of(department)
    if not shown and not (mine.open or mine.done):
        others = "、".join(ov.departments) if ov.departments else "（まだどの担当課も決まっていません）"
        ctx.print(f"担当課「{department}」に割り当てた要件・独自機能・業務見直しはありません。",
                  f"割り当てのある担当課: {others}")
        return 0
    ctx.print(f"担当課: {department}（担当課が {department} の要件・独自機能だけを数えています。期限と状態は業務のもの）")
    if shown:
        _status_table(shown, ov.total("custom_functions") > 0, ctx)
        ctx.print("要対応 = 実装必須のギャップ、要廃止 = 実装不可に適合（逆ギャップ）、要判断 = 標準オプションの採否未決定、"
                  "OPギャップ = 標準オプションのギャップ")
    else:
        ctx.print("この担当課に割り当てた要件・独自機能はありません。")
    ctx.print(f"{department}の業務見直し: {status.bpr_line(mine)} → {ctx.command('bpr', 'list', '--department', department)}")
    return 0


def _data_requirements(ov: status.Overview, ctx: Context) -> None:
    """データ要件 per operation with a 基本データリスト: the table of ``fitgap data status`` (one count)."""
    if not ov.data:
        ctx.print(f"データ要件: 基本データリストはまだ取り込まれていません（{ctx.command('data', 'import', 'FILE')} で"
                  "項目定義書を取り込みます）。")
        return
    counts = ov.data
    ctx.print("データ要件（基本データリスト）:")
    ctx.print(data_table(counts, {o.code: o.name for o in ov.operations}))
    ctx.print(LEGEND)
    if sum(c.blockers for c in counts.values()):
        ctx.print(f"必須未保持の項目: {ctx.command('data', 'list', '--verdict', '阻害')}")


def cmd_demo(args: argparse.Namespace, ctx: Context) -> int:
    seed = args.seed if args.seed is not None else random.randrange(1_000_000)
    result = demo.generate_demo(db=ctx.database(create=True), total=args.requirements, seed=seed,
                                user=ctx.config.user, inventory=True, today=ctx.config.today,  # one transaction
                                progress=lambda d, t: ctx.progress(d, t, "デモデータ作成"))
    ctx.print(f"デモデータを作成しました: 要件 {result.requirements} 件（{result.operations} 業務）、"
              f"確認結果 {result.assessments} 件、独自機能（現行機能）{result.functions} 件、"
              f"データ項目 {result.data_items} 件、業務見直し {result.bpr_items} 件、seed={result.seed}")
    ctx.print("※ デモデータは架空のものです。画面や出力には「デモ」と表示されます。")
    return 0
