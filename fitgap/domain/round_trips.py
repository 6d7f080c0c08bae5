"""Every round trip fitgap has, declared (see domain.round_trip): the vendor gap sheet, the department review
workbook, the 改修 list for the vendors of linked systems, the 独自機能 inventory with its vendor variant, and the vendor's answers
for the data items of the 基本データリスト. A new kind is one more declaration here, plus
its plan and apply in the services."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from fitgap.domain.answer_sheet import (
    H_ANSWER,
    H_ASSESSED,
    H_COMMENT,
    H_COST,
    H_ID,
    H_KIND,
    H_KUBUN,
    H_NAME,
    H_NEEDS_REVIEW,
    H_NOTE,
    H_OLD_TEXT,
    H_PLANNED,
    H_REASON,
    H_REMARKS,
    H_REVIEW_DETAIL,
    H_REVIEW_DISPOSITION,
    H_REVIEW_NOTE,
    H_REVIEW_STATUS,
    H_REVIEW_SYSTEM,
    H_STATUS,
    H_TEXT,
    KEY_SEP,
    PURPOSE_CHANGE,
    PURPOSE_REVIEW,
    PURPOSE_VENDOR,
    SheetKey,
)
from fitgap.domain.custom import (
    INVENTORY_HEADERS,
    PURPOSE_CUSTOM_VENDOR,
    PURPOSE_INVENTORY,
    VERDICT_HEADER,
    CustomDisposition,
    FunctionKind,
    LegalBasis,
)
from fitgap.domain.custom_vendor import (
    CustomVendorAnswerKind,
    function_code,
    function_label,
    id_rules,
    is_custom_key,
)
from fitgap.domain.data_items import ITEM_ID, DataAnswer
from fitgap.domain.dispositions import for_requirements
from fitgap.domain.enums import ChangeStatus, Status, VendorAnswerKind
from fitgap.domain.round_trip import CHOICE, DATE, NUMBER, TEXT, Column, KeyKind, RoundTrip

# ---- the vendor gap sheet ----------------------------------------------------------------------------

# what identifies a requirement on every sheet that lists them (ID and 種別 are checked against the key);
# narrow, so that the requirement's text has the width (a name wraps within the lines of its text)
REQUIREMENT_HEAD = (Column(H_ID, 9, name="req_id"), Column(H_KIND, 5, name="kind"),
                    Column(H_KUBUN, 10, wrap=True, name="kubun"), Column(H_NAME, 14, wrap=True, name="name"))

# The vendor sheet prints one A3 landscape page wide with its text at 8 pt (print_layout, dense: 242 units of
# Arial 10): 要件 wide enough for a sentence of the specifications (about 45 characters) on one line, since
# its lines decide the rows' heights and so the pages (150 requirements of the demo: 8 pages; 24 when it
# was 60 wide and the sheet two pages wide); the other columns within what is left (概算費用 wraps before （千円）).

VENDOR = RoundTrip(
    purpose=PURPOSE_VENDOR, name="ベンダ回答シート", command="fitgap import vendor",
    cover_title="標準仕様書 機能・帳票要件への対応可否 回答票",
    columns=(
        *REQUIREMENT_HEAD,
        Column(H_TEXT, 90, wrap=True, name="text"),
        Column(H_REASON, 20, wrap=True, name="reason"),
        Column(H_REMARKS, 12, wrap=True, name="remarks"),
        Column(H_STATUS, 8, name="status"),
        Column(H_NOTE, 14, wrap=True, name="note"),
        Column(H_ANSWER, 11, editable=True, kind=CHOICE, choices="対応可否", name="answer", required=True,
               colours={VendorAnswerKind.STANDARD.value: "C6EFCE", VendorAnswerKind.AFTER_DEADLINE.value: "FFC7CE",
                        VendorAnswerKind.ALTERNATIVE.value: "FFEB9C", VendorAnswerKind.IMPOSSIBLE.value: "F4B084",
                        VendorAnswerKind.DISCUSS.value: "BDD7EE"},
               prompt="一覧から選んでください。"),
        Column(H_PLANNED, 11, editable=True, kind=DATE, name="planned_date",
               prompt="対応できる予定日（例: 2027/03/31）"),
        Column(H_COST, 8, editable=True, kind=NUMBER, name="cost_kyen", label="概算費用", prompt="概算費用を千円単位で（0 以上）"),
        Column(H_COMMENT, 26, wrap=True, editable=True, kind=TEXT, name="comment",
               prompt="回答の補足、代替案、条件など"),
    ),
    lists={"対応可否": [k.value for k in VendorAnswerKind]},
    instructions=(
        "1. 業務ごとのシートで、黄色の回答欄（対応可否・対応予定日・概算費用（千円）・回答・代替案）に入力してください。",
        "2. 対応可否は一覧から選んでください: 標準で対応 / 期限後対応 / 代替案あり / 対応不可 / 要協議。",
        "3. 期限後対応のときは対応予定日を、代替案ありのときは回答・代替案欄に内容を記入してください。",
        "4. 行の追加・削除、シートの追加・削除、列の変更はしないでください（並べ替えと絞り込みはできます）。",
        "5. 回答済みのブックはそのまま（ファイル名を変えても構いません）返送してください。",
    ),
    deleted="未回答として扱います。",
)

# ---- the department review workbook ------------------------------------------------------------------

STATUS_COLOURS = {Status.UNCHECKED.value: "EDEDED", Status.FIT.value: "C6EFCE", Status.GAP.value: "FFC7CE",
                  Status.NOT_APPLICABLE.value: "DDEBF7"}


def _disposition_only_for_gaps(v: Mapping[str, Any]) -> list[tuple[str, str]]:
    if v.get("disposition") and v.get("status") not in (None, Status.GAP.value):
        return [(f"対応方針は状況がギャップのときだけ指定できます（状況: {v['status']}）。",
                 "状況をギャップにするか、対応方針を空にしてください。")]
    return []


REVIEW = RoundTrip(
    purpose=PURPOSE_REVIEW, name="確認シート", command="fitgap import review", cover_title="FIT&GAP 確認シート",
    columns=(
        *REQUIREMENT_HEAD,
        Column(H_NEEDS_REVIEW, 9, wrap=True, name="needs_review"),
        Column(H_TEXT, 56, wrap=True, name="text"),
        Column(H_OLD_TEXT, 44, wrap=True, name="assessed_on"),
        Column(H_REASON, 30, wrap=True, name="reason"),
        Column(H_REMARKS, 20, wrap=True, name="remarks"),
        Column(H_ASSESSED, 18, wrap=True, name="assessed"),
        Column(H_REVIEW_STATUS, 11, editable=True, kind=CHOICE, choices="状況", colours=STATUS_COLOURS,
               name="status", required=True, prompt="未確認 / 適合 / ギャップ / 対象外"),
        Column(H_REVIEW_DISPOSITION, 16, editable=True, kind=CHOICE, choices="対応方針", name="disposition",
               prompt="ギャップのときだけ選んでください"),
        Column(H_REVIEW_DETAIL, 16, wrap=True, editable=True, kind=TEXT, name="detail", optional=True,
               prompt="標準オプションで対応: 採用するオプションの要件（機能:0010005）。共通機能で対応: EUC など"),
        Column(H_REVIEW_SYSTEM, 16, wrap=True, editable=True, kind=TEXT, name="system", optional=True,
               prompt="既存の別システムで実現・独自施策システム・標準の連携で他システムが取得: システム名"),
        Column(H_REVIEW_NOTE, 50, wrap=True, editable=True, kind=TEXT, name="note", trim=False,
               prompt="判断の理由、現行の運用など"),
    ),
    lists={"状況": [s.value for s in Status], "対応方針": [d.value for d in for_requirements()]},
    instructions=(
        "1. 業務ごとのシートで、黄色の欄（状況・対応方針・メモ）を記入してください。",
        "2. 状況は 未確認 / 適合 / ギャップ / 対象外 から選びます。対応方針はギャップのときだけ選んでください。",
        "   標準オプションで対応 は採用するオプションの要件を、既存の別システムで実現・独自施策システム・標準の連携で"
        "他システムが取得 はシステム名を、カスタマイズ は理由をメモに書いてください（方針を選び直すと前の指定は消えます）。",
        "3. 変更した行だけが取り込まれます。書き出し後に fitgap で変更された要件は、上書きせず競合として報告します。",
        "4. 行やシートの追加・削除、列の変更はしないでください（並べ替えと絞り込みはできます）。",
        "5. 「要再確認」の行は、仕様書の改版で要件が変わったものです。前の版の要件と見比べて、判定し直してください。",
    ),
    keys=KeyKind(accepts=lambda k: k.revision is not None, label=lambda k: k.label, ref=str),
    compares_with_export=True,
    rules=(_disposition_only_for_gaps,),
)

# ---- the 改修 list for the vendors of linked systems -------------------------------------------------

CHANGE_SHEET = "改修一覧"
CHANGE_CODE = "IF"  # the "operation" of a 改修 key: a link is no requirement
H_CHANGE_STATUS = "状況"
H_CHANGE_PLANNED = "完了予定日"
H_CHANGE_ACTUAL = "完了日"
H_CHANGE_INTERIM = "暫定連携"
H_CHANGE_NOTE = "備考"
H_NEEDED = "必要日"
LATE_COLOURS = {"改修予定が必要日より後": "F8D7DA", "必要日を過ぎて未完了": "F8D7DA", "完了": "C6EFCE"}
CHANGE_STATUS_COLOURS = {ChangeStatus.NOT_STARTED.value: "EDEDED", ChangeStatus.SURVEY.value: "FFEB9C",
                         ChangeStatus.IN_PROGRESS.value: "FFD966", ChangeStatus.TESTED.value: "DDEBF7",
                         ChangeStatus.DONE.value: "C6EFCE"}


def link_key(provider_id: int, consumer_id: int, text_hash: str, revision: int, answers: str) -> str:
    """IF|<provider id>-<consumer id>|<hash of what changes>|<revision>|<hash of the answers>: a key without
    a requirement kind (a link is no requirement), read back by decode_key like the other sheets' keys."""
    return KEY_SEP.join([CHANGE_CODE, f"{provider_id}-{consumer_id}", text_hash, str(revision), answers])


def pair_of(key: SheetKey) -> tuple[int, int] | None:
    """The link (provider id, consumer id) of a 改修 key, or None when the key is no 改修 key."""
    if key.operation_code != CHANGE_CODE or key.kind or key.revision is None:
        return None
    parts = key.req_id.split("-")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        return None
    return int(parts[0]), int(parts[1])


def _done_date_only_when_done(v: Mapping[str, Any]) -> list[tuple[str, str]]:
    if v.get("actual") is not None and v.get("status") not in (None, ChangeStatus.DONE.value):
        return [(f"完了日が入っていますが、状況が「{v['status']}」です。", "状況を「完了」にするか、完了日を空にしてください。")]
    return []


CHANGE = RoundTrip(
    purpose=PURPOSE_CHANGE, name="改修一覧", command="fitgap systems changes-import",
    cover_title="標準化に伴う連携システムの改修一覧",
    columns=(
        Column("No", 5, name="no"),
        Column("提供元システム", 18, wrap=True, name="provider"),
        Column("利用側システム", 18, wrap=True, name="consumer"),
        Column("データ・方式", 14, wrap=True, name="data"),
        Column("改修内容", 32, wrap=True, name="change"),
        Column("改修を行うベンダ", 14, wrap=True, name="vendor"),
        Column("段階", 12, wrap=True, name="step"),
        Column(H_NEEDED, 11, kind=DATE, name="needed_by"),
        Column("判定（書き出し時）", 18, wrap=True, colours=LATE_COLOURS, name="verdict"),
        Column("必要日の理由", 28, wrap=True, name="reason"),
        Column(H_CHANGE_STATUS, 12, editable=True, kind=CHOICE, choices="改修状況", colours=CHANGE_STATUS_COLOURS,
               name="status", required=True, prompt=" / ".join(s.value for s in ChangeStatus)),
        Column(H_CHANGE_PLANNED, 12, editable=True, kind=DATE, prompt="改修が終わる予定の日", late_after=H_NEEDED,
               name="planned"),
        Column(H_CHANGE_ACTUAL, 12, editable=True, kind=DATE, prompt="完了した日（状況が完了のとき）", name="actual"),
        Column(H_COST, 12, editable=True, kind=NUMBER, prompt="千円単位、0 以上", name="cost_kyen", label="概算費用"),
        Column(H_CHANGE_INTERIM, 26, wrap=True, editable=True, kind=TEXT, name="interim",
               prompt="移行日がずれる間に使う暫定の連携（あれば）"),
        Column(H_CHANGE_NOTE, 26, wrap=True, editable=True, kind=TEXT, prompt="課題、前提、連絡事項など", name="note"),
    ),
    lists={"改修状況": [s.value for s in ChangeStatus]},
    instructions=(
        "1. 黄色の欄（状況・完了予定日・完了日・概算費用・暫定連携・備考）を記入してください。",
        "2. 状況は 未着手 / 調査中 / 改修中 / 連携テスト済 / 完了 から選びます。完了のときは完了日を入れてください。",
        "3. 必要日は、連携する標準準拠システムの移行日です。この日までに改修を終えてください。判定は書き出した日の状況で、"
        "改修予定が必要日より後のもの・必要日を過ぎて未完了のものを赤で示します（完了予定日が必要日より後のあいだ、"
        "完了予定日の欄も赤になります）。移行日の異なる標準準拠システム"
        "同士の連携は2段階です: 段階が「暫定連携」の行は先に移行する日までの暫定連携、「本連携」の行は後に移行する日までの連携です。"
        "暫定連携の行を完了にすると、次は本連携の段階になります。",
        "4. 変更した行だけが取り込まれます。書き出し後に団体側で変更された項目は、上書きせず競合として報告します。",
        "5. 行やシートの追加・削除、列の変更はしないでください（並べ替えと絞り込みはできます）。",
    ),
    # the import names a link by its systems (services.change_sheets): the key's numbers are no names
    keys=KeyKind(accepts=lambda k: pair_of(k) is not None, label=lambda k: f"改修項目 {k.req_id}",
                 ref=lambda k: k.req_id, shown=False, heading="連携"),
    frozen_columns=3,
    compares_with_export=True,
    rules=(_done_date_only_when_done,),
)

# ---- the inventory of current functions (独自機能) and its vendor variant ------------------------------

_CUSTOM_CHOICES = {"kind": "種別", "basis": "根拠", "disposition": "対応方針", "outside_spec": "標準外"}
_CUSTOM_WIDTHS = {"operation_code": 9, "code": 11, "name": 26, "kind": 9, "description": 40, "department": 12,
                  "frequency": 10, "basis": 8, "basis_detail": 18, "yearly_cost_kyen": 11, "system": 16, "mapped": 26,
                  "outside_spec": 7, "disposition": 16, "note": 30, "target_system": 18}
_CUSTOM_WRAP = {"name", "description", "basis_detail", "mapped", "note", "disposition", "system", "target_system"}

INVENTORY = RoundTrip(  # read back by its own list importer (importers.custom_list): every column is data
    purpose=PURPOSE_INVENTORY, name="現行機能一覧", command="fitgap custom import",
    cover_title="現行機能一覧（独自機能の棚卸し）",
    columns=(
        *(Column(h, _CUSTOM_WIDTHS[f], wrap=f in _CUSTOM_WRAP, editable=f != "operation_code", name=f,
                 kind=CHOICE if f in _CUSTOM_CHOICES else (NUMBER if f == "yearly_cost_kyen" else TEXT),
                 choices=_CUSTOM_CHOICES.get(f)) for f, h in INVENTORY_HEADERS.items()),
        Column(VERDICT_HEADER, 12, name="verdict"),
    ),
    lists={"種別": [k.value for k in FunctionKind], "根拠": [b.value for b in LegalBasis],
           "対応方針": [d.value for d in CustomDisposition], "標準外": ["あり", "なし"]},
    instructions=(
        "1. 業務ごとのシートに、現行システムの機能・帳票・画面・バッチ・外部連携を1行ずつ記入します（機能番号は業務内で一意）。",
        "2. 対応要件には標準仕様書の要件を「機能 0010001; 帳票 0020001」のように書きます。標準仕様書にない機能は標準外を「あり」にします。",
        "3. 標準外の機能と実装不可の要件に当たる機能（要廃止）には対応方針と理由を書きます。",
        "4. 編集したブックは fitgap custom import で取り込めます。問題のある行が1つでもあれば、行ごとに示して何も保存しません。",
    ),
    frozen_columns=3,
)

_H = INVENTORY_HEADERS
H_CUSTOM_ANSWER = "回答"
H_CUSTOM_IDS = "代替できる標準機能ID"
CUSTOM_ANSWER_COLOURS = {CustomVendorAnswerKind.STANDARD.value: "C6EFCE", CustomVendorAnswerKind.OPTION.value: "E2EFDA",
                         CustomVendorAnswerKind.SEPARATE.value: "DDEBF7", CustomVendorAnswerKind.EUC.value: "FFF2CC",
                         CustomVendorAnswerKind.IMPOSSIBLE.value: "F4B084", CustomVendorAnswerKind.DISCUSS.value: "BDD7EE"}

CUSTOM_VENDOR = RoundTrip(
    purpose=PURPOSE_CUSTOM_VENDOR, name="独自機能の回答票", command="fitgap custom import vendor",
    cover_title="独自機能（標準仕様書にない現行機能）への対応方法 回答票",
    columns=(
        Column(_H["code"], 11, name="code"), Column(_H["name"], 26, wrap=True, name="name"),
        Column(_H["kind"], 9, name="kind"), Column(_H["description"], 44, wrap=True, name="description"),
        Column(_H["department"], 12, name="department"), Column(_H["frequency"], 10, name="frequency"),
        Column(_H["basis"], 8, name="basis"), Column(_H["disposition"] + "（当団体の案）", 16, name="disposition"),
        Column(_H["note"], 30, wrap=True, name="note"),
        Column(H_CUSTOM_ANSWER, 20, wrap=True, editable=True, kind=CHOICE, choices="回答", name="answer", required=True,
               colours=CUSTOM_ANSWER_COLOURS, prompt="一覧から選んでください。"),
        Column(H_CUSTOM_IDS, 20, wrap=True, editable=True, kind=TEXT, name="standard_ids",
               prompt="標準機能で代替・標準オプションで対応のとき: 機能:0010005 のように（複数は 、 で区切る）"),
        Column("概算費用（千円）", 13, editable=True, kind=NUMBER, prompt="概算費用を千円単位で（0 以上）",
               name="cost_kyen", label="概算費用"),
        Column("対応予定日", 12, editable=True, kind=DATE, name="planned_date", prompt="対応できる予定日（例: 2027/03/31）"),
        Column("対応方法・補足", 45, wrap=True, editable=True, kind=TEXT, name="comment",
               prompt="標準機能・標準オプション・独自施策システム（標準の連携機能で疎結合）・EUC での実現方法、条件など"),
    ),
    lists={"回答": [a.value for a in CustomVendorAnswerKind]},
    instructions=(
        "1. 当団体の現行システムにあり、標準仕様書にない機能（独自機能）の一覧です。標準準拠システムは標準仕様書の機能だけで"
        "構成します（独自のカスタマイズはできません）。",
        "2. 黄色の欄に、各機能をどう実現できるかをご回答ください: " + " / ".join(a.value for a in CustomVendorAnswerKind) + "。",
        "3. 標準機能で代替・標準オプションで対応のときは、代替できる標準機能ID の欄に標準仕様書の機能IDを「機能:0010005」の"
        "ように記入してください（帳票は「帳票:0010010」、複数は 、 で区切ります）。ほかの回答のときは空にしてください。",
        "4. 独自施策システムは標準の連携機能による疎結合に限ります。概算費用・対応予定日・対応方法・補足は分かる範囲でご記入ください。",
        "5. 行の追加・削除、シートの追加・削除、列の変更はしないでください（並べ替えと絞り込みはできます）。書き出し後に当団体で"
        "内容を変えた機能の回答は、取り込まずに確認をお願いすることがあります。",
    ),
    keys=KeyKind(accepts=is_custom_key, label=function_label, ref=lambda k: f"{k.operation_code}:{function_code(k)}",
                 shown=False),
    frozen_columns=2,
    deleted="未回答として扱います。",
    rules=(id_rules,),
)

# ---- the vendor's answers for the data items of the 基本データリスト (データ要件) -----------------------

PURPOSE_DATA_VENDOR = "data_vendor"
H_DATA_ANSWER = "回答"
H_DATA_PLANNED = "予定日"
H_DATA_COMMENT = "コメント"


def data_key(item_id: str, def_hash: str) -> str:
    """<operation code>|<8-digit データ項目ID>|<hash of the item's definition at export>: read back by
    decode_key (a key without a requirement kind; the definition hash tells a stale row)."""
    return KEY_SEP.join([item_id[:3], item_id, def_hash])


def is_data_key(key: SheetKey) -> bool:
    return (not key.kind and key.revision is None and ITEM_ID.match(key.req_id) is not None
            and key.req_id.startswith(key.operation_code))


DATA_VENDOR = RoundTrip(
    purpose=PURPOSE_DATA_VENDOR, name="データ項目回答票", command="fitgap data import vendor",
    cover_title="標準仕様書 データ要件（基本データリスト）の移行可否 回答票",
    columns=(
        Column("データ項目ID", 11, name="item_id"),
        Column("データ項目", 22, wrap=True, name="name"),
        Column("グループ", 18, wrap=True, name="group_name"),
        Column("データ型", 7, name="data_type"),
        Column("桁数", 6, name="length"),
        Column("コード", 14, wrap=True, name="code_list"),
        Column("データ出力条件", 24, wrap=True, name="condition"),
        Column("実装類型", 7, name="output_required"),
        Column("当団体の保持状況", 12, wrap=True, name="holding"),
        Column("当団体の現行項目", 22, wrap=True, name="current_fields"),
        Column("現行の型・桁数", 11, wrap=True, name="current"),
        Column(H_DATA_ANSWER, 11, editable=True, kind=CHOICE, choices="回答", name="answer", required=True,
               colours={DataAnswer.OK.value: "C6EFCE", DataAnswer.CONVERT.value: "FFEB9C",
                        DataAnswer.MANUAL.value: "BDD7EE", DataAnswer.IMPOSSIBLE.value: "F4B084"},
               prompt="一覧から選んでください。"),
        Column(H_DATA_PLANNED, 12, editable=True, kind=DATE, name="planned_date",
               prompt="移行・変換の対応予定日（例: 2027/03/31）"),
        Column(H_DATA_COMMENT, 45, wrap=True, editable=True, kind=TEXT, name="comment",
               prompt="変換の内容、手入力の範囲、移行できない理由など"),
    ),
    lists={"回答": [a.value for a in DataAnswer]},
    instructions=(
        "1. 業務ごとのシートに、標準仕様書の基本データリスト（項目定義書）のデータ項目と、当団体の現行システムでの保持状況を"
        "示しています。黄色の欄（回答・予定日・コメント）に入力してください。",
        "2. 回答は一覧から選んでください: 移行可 / 変換要 / 手入力 / 移行不可。",
        "3. 変換要・手入力・移行不可のときは、変換の内容・手入力の範囲・移行できない理由をコメントに記入してください。",
        "4. 行の追加・削除、シートの追加・削除、列の変更はしないでください（並べ替えと絞り込みはできます）。",
        "5. 書き出し後に項目定義（データ型・桁数・コード・データ出力条件など）が変わった項目の回答は、取り込まずに競合として"
        "お知らせします。",
    ),
    keys=KeyKind(accepts=is_data_key, label=lambda k: f"データ項目 {k.req_id}", ref=lambda k: k.req_id, shown=False,
                 heading="データ項目"),
    frozen_columns=2,
    deleted="未回答として扱います。",
)

ROUND_TRIPS = {t.purpose: t for t in (VENDOR, REVIEW, CHANGE, INVENTORY, CUSTOM_VENDOR, DATA_VENDOR)}

# ---- 共同利用: the group's decision workbook (docs/groups.md) --------------------------------------------

PURPOSE_GROUP = "group"
GROUP_CODE = "GR"  # the one data sheet of the workbook (its rows are of every operation compared)
GROUP_BODIES_META = "bodies"  # the metadata value that names the group's bodies, in order (JSON)
H_GROUP_OPERATION = "業務"
H_GROUP_VERSION = "版"
H_GROUP_ISSUES = "不一致"
NOT_COMPARED = "（別の版）"  # a body's cells on an item it was not compared on


def group_key(operation: str, kind: str, req_id: str, revisions: Sequence[int | None], answers: str) -> str:
    """<operation>|<kind>|<ID>|r<revision of each body, x: not compared>|0|<hash of the answers>: what each
    body's item was at export (its assessment revision, 0 for none), so that the apply step tells a body
    that changed the item since."""
    revs = "r" + "-".join("x" if r is None else str(r) for r in revisions)
    return SheetKey(operation, kind, req_id, revs, 0, answers).encode()


def group_revisions(key: SheetKey) -> tuple[int | None, ...] | None:
    """Each body's revision at export, from a group key (None where the body was not compared); None when
    the key is no group key."""
    text = key.text_hash
    if key.revision != 0 or not text.startswith("r"):
        return None
    out: list[int | None] = []
    for part in text[1:].split("-"):
        if part == "x":
            out.append(None)
        elif part.isdigit():
            out.append(int(part))
        else:
            return None
    return tuple(out)


def _group_status_given(v: Mapping[str, Any]) -> list[tuple[str, str]]:
    """A row of the group workbook is read when an answer is filled in (blank as exported: not read); a
    decision without its 状況 is refused."""
    if v.get("status") is None:
        return [("状況が空です（ほかの欄だけが入力されています）。",
                 f"{' / '.join(s.value for s in Status)} から選んでください。")]
    return []


GROUP = RoundTrip(
    purpose=PURPOSE_GROUP, name="グループの決定シート", command="fitgap group apply",
    cover_title="共同利用 グループの決定シート",
    columns=(
        Column(H_GROUP_OPERATION, 6, name="operation"),
        *REQUIREMENT_HEAD,
        Column(H_GROUP_VERSION, 8, name="version"),
        Column(H_GROUP_ISSUES, 12, wrap=True, name="issues"),
        # the bodies' columns come here (group_trip)
        Column(H_REVIEW_STATUS, 11, editable=True, kind=CHOICE, choices="状況", colours=STATUS_COLOURS,
               name="status", prompt="グループで決めた状況: 未確認 / 適合 / ギャップ / 対象外"),
        Column(H_REVIEW_DISPOSITION, 16, editable=True, kind=CHOICE, choices="対応方針", name="disposition",
               prompt="ギャップのときだけ選んでください"),
        Column(H_REVIEW_DETAIL, 16, wrap=True, editable=True, kind=TEXT, name="detail",
               prompt="標準オプションで対応: 採用するオプションの要件（機能:0010005）。共通機能で対応: EUC など"),
        Column(H_REVIEW_NOTE, 40, wrap=True, editable=True, kind=TEXT, name="note",
               prompt="グループの決定の理由（空欄なら各団体のメモのまま）"),
    ),
    lists={"状況": [s.value for s in Status], "対応方針": [d.value for d in for_requirements()]},
    instructions=(
        "1. 共同利用グループの各団体の FIT&GAP を要件ごとに並べています。団体間で食い違う要件（不一致）が先頭です。",
        "2. グループで決めた要件だけ、黄色の欄（状況・対応方針・方針の詳細・メモ）を記入してください。空欄の行は反映しません。",
        "3. 状況は 未確認 / 適合 / ギャップ / 対象外 から選びます。対応方針はギャップのときだけ選んでください。方針の詳細・"
        "メモが空欄なら、各団体の記録のままにします。",
        "4. 反映は fitgap group apply で各団体のデータベースに行います。書き出し後にその団体で変更された要件は、上書きせず"
        "その団体の競合として報告します（ほかの団体には反映します）。",
        "5. 行やシートの追加・削除、列の変更はしないでください（並べ替えと絞り込みはできます）。",
    ),
    keys=KeyKind(accepts=lambda k: bool(k.kind) and group_revisions(k) is not None, label=lambda k: k.label, ref=str),
    frozen_columns=3,
    compares_with_export=True,
    rules=(_group_status_given, _disposition_only_for_gaps),
)


def group_trip(bodies: Sequence[str]) -> RoundTrip:
    """The group workbook of these bodies: after the item, each body's status, decision and note (locked),
    then the group's answers."""
    head = tuple(c for c in GROUP.columns if not c.editable)
    per_body = tuple(col for i, name in enumerate(bodies) for col in (
        Column(f"{name} 状況", 9, colours=STATUS_COLOURS, name=f"b{i}_status"),
        Column(f"{name} 対応方針", 16, wrap=True, name=f"b{i}_decision"),
        Column(f"{name} メモ", 24, wrap=True, name=f"b{i}_note")))
    return replace(GROUP, columns=(*head, *per_body, *GROUP.answers))
