"""SQLModel tables. Plain data: no sessions, no engines, no UI.

Identity rules that later features rely on:
- an Operation is keyed by its primary 業務コード (``code``, "001");
- a Requirement belongs to one SpecVersion; it is identified by its kind (機能/帳票) and ``req_id``, its
  機能ID/帳票ID (or a stable key when the version had none): the ministries number 機能 and 帳票
  independently, so (kind, req_id) is unique within the version, not req_id alone;
- an Assessment is keyed by (operation_code, kind, req_id), not by a Requirement row, so it outlives versions;
- a VendorAnswer is keyed by (vendor, operation_code, kind, req_id) the same way, with its history kept.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from fitgap.domain.custom import CustomDisposition, FunctionKind, LegalBasis
from fitgap.domain.enums import (
    ChangeStatus,
    DeadlineKind,
    Disposition,
    Kubun,
    LinkMethod,
    MilestoneKind,
    RequirementKind,
    Status,
    SystemKind,
    VendorAnswerKind,
)
from fitgap.domain.standing import DeadlineSource


def _enum(enum_cls: type) -> sa.Enum:
    """Store the Japanese value (not the member name) as VARCHAR; no native enum, same on SQLite and PG."""
    return sa.Enum(
        enum_cls,
        values_callable=lambda e: [m.value for m in e],
        native_enum=False,
        create_constraint=False,
        length=32,
        validate_strings=True,
    )


class Meta(SQLModel, table=True):
    """Key/value facts about the database itself: schema version, database id, demo flag."""

    __tablename__ = "fitgap_meta"
    key: str = Field(primary_key=True, max_length=64)
    value: str = Field(default="")


class Setting(SQLModel, table=True):
    """The municipality's settings (e.g. which statuses need a note)."""

    __tablename__ = "setting"
    key: str = Field(primary_key=True, max_length=64)
    value: str = Field(default="")


class Municipality(SQLModel, table=True):
    """The municipality whose systems are analysed (one row)."""

    __tablename__ = "municipality"
    id: int | None = Field(default=None, primary_key=True)
    code: str | None = Field(default=None, max_length=6)  # 団体コード (6 digits) where known
    name: str
    prefecture: str
    kind: str | None = None  # 指定都市, 一般市, 町, 村 …
    set_at: datetime


class Operation(SQLModel, table=True):
    """One of the 20 standardised operations (or a cross-cutting standard such as 共通機能)."""

    __tablename__ = "operation"
    code: str = Field(primary_key=True, max_length=3)  # primary 業務コード
    order: int = Field(index=True)  # 政令順 (cross-cutting standards after the 20)
    name: str
    short_name: str
    group: str
    sub_codes: str = ""  # further 業務コード of the same operation, comma-separated
    ministry: str
    spec_document: str
    cross_cutting: bool = False
    deadline: date
    deadline_kind: DeadlineKind = Field(sa_type=_enum(DeadlineKind), default=DeadlineKind.FY2025)
    # where the deadline comes from (原則 / 公表一覧 / 手動設定: see domain.standing); 手動設定 is never
    # overwritten by init or a newer official list
    deadline_source: DeadlineSource = Field(sa_type=_enum(DeadlineSource), default=DeadlineSource.DEFAULT)
    deadline_reason: str = ""  # the 移行計画's reason for a date set by hand
    tokutei_flag: bool = False  # the official 特定移行支援 list flags this operation for this body
    in_scope: bool = True  # run by this body (a prefecture runs 2 of the 20)
    serves: str = ""  # a common part: the operations it serves, comma-separated (empty: all)

    def all_codes(self) -> list[str]:
        return [self.code, *[c for c in self.sub_codes.split(",") if c]]


class Spec(SQLModel, table=True):
    """A standard specification document as it applies to one operation."""

    __tablename__ = "spec"
    id: int | None = Field(default=None, primary_key=True)
    operation_code: str = Field(foreign_key="operation.code", index=True, unique=True)
    title: str


class SpecVersion(SQLModel, table=True):
    """One published version of a spec (第1.0版, 第6.1版 …) as imported."""

    __tablename__ = "spec_version"
    __table_args__ = (sa.UniqueConstraint("spec_id", "label"),)
    id: int | None = Field(default=None, primary_key=True)
    spec_id: int = Field(foreign_key="spec.id", index=True)
    label: str
    seq: int = 0  # publication order within the spec; the highest is the current version
    published_on: date | None = None
    effective_on: date | None = None
    source_file: str | None = None
    source_sha256: str | None = None
    imported_at: datetime
    imported_by: str | None = None
    demo: bool = False
    bundled: bool = False


class SpecSource(SQLModel, table=True):
    """One file that a spec version was read from: a version is often published as several workbooks
    (機能要件一覧, 帳票要件, one per chapter), imported together or added later."""

    __tablename__ = "spec_source"
    __table_args__ = (sa.UniqueConstraint("spec_version_id", "sha256"),)
    id: int | None = Field(default=None, primary_key=True)
    spec_version_id: int = Field(foreign_key="spec_version.id", index=True)
    file_name: str
    sha256: str = Field(max_length=64)
    requirements: int = 0
    removed_rows: int = 0  # rows marked 削除 / 欠番 in the file
    imported_at: datetime
    imported_by: str | None = None


class Requirement(SQLModel, table=True):
    """A 機能要件 or 帳票要件 of one spec version."""

    __tablename__ = "requirement"
    __table_args__ = (
        sa.UniqueConstraint("spec_version_id", "kind", "req_id"),
        sa.Index("ix_requirement_current_op", "operation_code", "current", "kind", "req_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    spec_version_id: int = Field(foreign_key="spec_version.id", index=True)
    operation_code: str = Field(foreign_key="operation.code")
    current: bool = True  # belongs to the latest version of its operation's spec
    req_id: str = Field(max_length=64)
    kind: RequirementKind = Field(sa_type=_enum(RequirementKind), default=RequirementKind.FUNCTION)
    kubun: Kubun = Field(sa_type=_enum(Kubun))
    transitional: bool = False
    category: str = ""  # 大分類 > 中分類 > 小分類
    name: str = ""
    text: str = ""
    text_hash: str = Field(max_length=16)
    reason: str = ""  # 要件の考え方・理由
    remarks: str = ""  # 備考
    doc_order: int = 0  # position in the published document (file, sheet, row) within the version
    id_sort: str = Field(default="", max_length=160)  # natural order of req_id (text.natural_id_key)
    source_file: str | None = None
    source_sheet: str | None = None
    source_row: int | None = None


class Assessment(SQLModel, table=True):
    """How the current system fits one requirement. Absent row = 未確認."""

    __tablename__ = "assessment"
    __table_args__ = (sa.UniqueConstraint("operation_code", "kind", "req_id"),)
    id: int | None = Field(default=None, primary_key=True)
    operation_code: str = Field(foreign_key="operation.code", index=True)
    kind: RequirementKind = Field(sa_type=_enum(RequirementKind), default=RequirementKind.FUNCTION)
    req_id: str = Field(max_length=64)
    status: Status = Field(sa_type=_enum(Status), default=Status.UNCHECKED)
    disposition: Disposition | None = Field(sa_type=_enum(Disposition), default=None)
    note: str = ""
    assessed_by: str | None = None
    assessed_at: datetime | None = None
    needs_review: bool = False  # 要再確認: the requirement changed since it was assessed
    basis_version_id: int | None = Field(default=None, foreign_key="spec_version.id")
    archived: bool = False  # the requirement was removed in the current version
    revision: int = 0  # bumped on every change; guards against overwriting someone else's edit
    # what the disposition names (domain.dispositions): the option (機能:0010005), the 共通機能 (EUC …)
    disposition_detail: str = Field(default="", sa_column_kwargs={"server_default": ""})
    # the system that takes it over (system.id; no foreign key: assessment is made before system on a new database)
    target_system_id: int | None = Field(default=None)
    department: str = Field(default="", sa_column_kwargs={"server_default": ""})  # 担当課 in charge of the item
    person: str = Field(default="", sa_column_kwargs={"server_default": ""})  # 担当者


class AuditEvent(SQLModel, table=True):
    """One change a user made: who, when, what, old → new. Events of one user action share a batch."""

    __tablename__ = "audit_event"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(index=True)
    user: str
    batch: str = Field(index=True, max_length=36)
    action: str  # e.g. "assessment.update", "init", "spec.import"
    entity: str  # e.g. "assessment"
    entity_key: str = Field(index=True)  # e.g. "001:機能:0010001"
    field: str | None = None
    old_value: str | None = None
    new_value: str | None = None


class SavedView(SQLModel, table=True):
    """A named filter + sort of the requirements screen."""

    __tablename__ = "saved_view"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    definition: str  # JSON
    updated_at: datetime


# ---- systems and their links (dependency graph) -------------------------------------------------


class System(SQLModel, table=True):
    __tablename__ = "system"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    vendor: str | None = None
    kind: SystemKind = Field(sa_type=_enum(SystemKind), default=SystemKind.STANDARD)
    planned_cutover: date | None = None
    actual_cutover: date | None = None
    deadline_kind: DeadlineKind = Field(sa_type=_enum(DeadlineKind), default=DeadlineKind.FY2025)
    deadline: date | None = None
    deadline_reason: str = ""  # the 移行計画's reason for a date set by hand
    typical: bool = False  # seeded from the catalog; to be confirmed by the municipality
    note: str = ""


class SystemOperation(SQLModel, table=True):
    __tablename__ = "system_operation"
    system_id: int = Field(foreign_key="system.id", primary_key=True)
    operation_code: str = Field(foreign_key="operation.code", primary_key=True)


class Integration(SQLModel, table=True):
    """A directed data link: provider → consumer."""

    __tablename__ = "integration"
    __table_args__ = (
        sa.UniqueConstraint("provider_id", "consumer_id"),
        sa.CheckConstraint("provider_id <> consumer_id", name="ck_integration_not_self"),
    )
    id: int | None = Field(default=None, primary_key=True)
    provider_id: int = Field(foreign_key="system.id", index=True)
    consumer_id: int = Field(foreign_key="system.id", index=True)
    data: str = ""  # 宛名, 世帯, 所得, 資格 … (comma-separated)
    method: LinkMethod = Field(sa_type=_enum(LinkMethod), default=LinkMethod.FILE)
    interim_interface: bool = False
    typical: bool = False


class Milestone(SQLModel, table=True):
    __tablename__ = "milestone"
    __table_args__ = (sa.UniqueConstraint("system_id", "kind"),)
    id: int | None = Field(default=None, primary_key=True)
    system_id: int = Field(foreign_key="system.id", index=True)
    kind: MilestoneKind = Field(sa_type=_enum(MilestoneKind))
    planned: date | None = None
    actual: date | None = None


class InterfaceChange(SQLModel, table=True):
    """The change (改修) one data link needs where the municipality must act (see graph.changes): what
    changes, who does it, how far it is. Keyed by the link's two systems; removed with the link."""

    __tablename__ = "interface_change"
    __table_args__ = (sa.UniqueConstraint("provider_id", "consumer_id"),)
    id: int | None = Field(default=None, primary_key=True)
    provider_id: int = Field(foreign_key="system.id", index=True)
    consumer_id: int = Field(foreign_key="system.id", index=True)
    change: str = ""  # what changes: the method today → the standard interface
    vendor: str | None = None  # who does the change
    status: ChangeStatus = Field(sa_type=_enum(ChangeStatus), default=ChangeStatus.NOT_STARTED)
    planned: date | None = None  # planned completion
    actual: date | None = None  # completed on
    cost_kyen: float | None = None
    interim: str = ""  # the interim interface used while the two sides run on different generations
    note: str = ""
    typical: bool = False  # created for a typical (seeded) link
    # two standard ends moving on different days: the interim step (暫定連携) was done on this day, and the
    # item now tracks the final one (本連携)
    interim_done: date | None = None
    revision: int = 0  # bumped on every change; guards workbook imports against overwriting
    updated_at: datetime | None = None
    updated_by: str | None = None


# ---- vendors and their answers -----------------------------------------------------------------


class Vendor(SQLModel, table=True):
    __tablename__ = "vendor"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)


class VendorExport(SQLModel, table=True):
    """One workbook sent out (vendor gap sheet or department review sheet)."""

    __tablename__ = "vendor_export"
    id: str = Field(primary_key=True, max_length=36)  # export ID written into the workbook
    vendor_id: int | None = Field(default=None, foreign_key="vendor.id")
    purpose: str = "vendor"  # vendor | review
    created_at: datetime
    created_by: str | None = None
    scope: str = ""
    answer_by: date | None = None
    file_name: str | None = None


class VendorAnswer(SQLModel, table=True):
    """A vendor's answer to one requirement. ``superseded`` rows keep the history of changed answers."""

    __tablename__ = "vendor_answer"
    __table_args__ = (sa.Index("ix_vendor_answer_key", "vendor_id", "operation_code", "kind", "req_id"),)
    id: int | None = Field(default=None, primary_key=True)
    vendor_id: int = Field(foreign_key="vendor.id")
    operation_code: str = Field(foreign_key="operation.code")
    kind: RequirementKind = Field(sa_type=_enum(RequirementKind), default=RequirementKind.FUNCTION)
    req_id: str = Field(max_length=64)
    answer: VendorAnswerKind = Field(sa_type=_enum(VendorAnswerKind))
    planned_date: date | None = None
    cost_kyen: float | None = None
    comment: str = ""
    export_id: str | None = Field(default=None, foreign_key="vendor_export.id")
    text_hash: str | None = None  # of the requirement text the vendor answered
    received_at: datetime
    superseded: bool = False


# ---- 独自機能: the current system's functions outside the spec ------------------------------------


class CurrentFunction(SQLModel, table=True):
    """One function (screen, form, batch job, interface) of the current system, from its 現行機能一覧.

    Keyed by (operation_code, code), ``code`` being the number in the municipality's own list."""

    __tablename__ = "current_function"
    __table_args__ = (sa.UniqueConstraint("operation_code", "code"),)
    id: int | None = Field(default=None, primary_key=True)
    operation_code: str = Field(foreign_key="operation.code", index=True)
    code: str = Field(max_length=64)
    name: str
    kind: FunctionKind = Field(sa_type=_enum(FunctionKind), default=FunctionKind.FUNCTION)
    description: str = ""
    department: str = ""  # 利用課
    frequency: str = ""  # 利用頻度 (毎日, 月次, 年1回 …)
    basis: LegalBasis | None = Field(sa_type=_enum(LegalBasis), default=None)
    basis_detail: str = ""  # e.g. the name of the 条例
    yearly_cost_kyen: float | None = None
    system_id: int | None = Field(default=None, foreign_key="system.id")  # the current system it belongs to
    outside_spec: bool = False  # marked as not in the spec (標準外)
    disposition: CustomDisposition | None = Field(sa_type=_enum(CustomDisposition), default=None)
    note: str = ""  # the reason for the disposition
    target_system_id: int | None = Field(default=None, foreign_key="system.id")  # the system that takes it over
    disposition_detail: str = Field(default="", sa_column_kwargs={"server_default": ""})  # what it names: the option (機能:0010005), the 共通機能 (EUC …)
    owner_department: str = Field(default="", sa_column_kwargs={"server_default": ""})  # 担当課 in charge of the decision (department above is the one that uses it)
    owner_person: str = Field(default="", sa_column_kwargs={"server_default": ""})  # 担当者
    updated_by: str | None = None
    updated_at: datetime | None = None
    revision: int = 0
    demo: bool = False


class CurrentFunctionMapping(SQLModel, table=True):
    """A requirement that covers a current function, by (operation, kind, ID): it outlives versions."""

    __tablename__ = "current_function_mapping"
    function_id: int = Field(foreign_key="current_function.id", primary_key=True)
    operation_code: str = Field(foreign_key="operation.code", primary_key=True, max_length=3)
    kind: RequirementKind = Field(sa_type=_enum(RequirementKind), primary_key=True)
    req_id: str = Field(primary_key=True, max_length=64)


class CustomVendorAnswer(SQLModel, table=True):
    """A vendor's answer to one current function (独自機能回答票). ``superseded`` rows keep the history.

    Keyed by (vendor, operation_code, function_code) like the function itself; ``revision`` is the function's
    revision the vendor answered, ``standard_ids`` the standard functions named (``機能:0010005`` …, 、-joined).
    The answer does not change the function's disposition: the municipality records that."""

    __tablename__ = "custom_vendor_answer"
    __table_args__ = (sa.Index("ix_custom_vendor_answer_key", "vendor_id", "operation_code", "function_code"),)
    id: int | None = Field(default=None, primary_key=True)
    vendor_id: int = Field(foreign_key="vendor.id")
    operation_code: str = Field(foreign_key="operation.code", max_length=3)
    function_code: str = Field(max_length=64)
    answer: str = Field(max_length=32)  # fitgap.domain.custom_vendor.CustomVendorAnswerKind
    standard_ids: str = ""
    cost_kyen: float | None = None
    planned_date: date | None = None
    comment: str = ""
    export_id: str | None = Field(default=None, foreign_key="vendor_export.id")
    revision: int | None = None  # of the function the vendor answered
    received_at: datetime
    superseded: bool = False


# ---- 移行後の経過措置: functions the vendor implements after cut-over --------------------------------


class PostCutoverMeasure(SQLModel, table=True):
    """A requirement the vendor implements after the cut-over (移行後の経過措置), by (operation, kind, ID):
    the planned date, the 届出 to デジタル庁 (届出要領 of 2025-10) and when it was done. Overdue once its
    planned date passes undone."""

    __tablename__ = "post_cutover_measure"
    __table_args__ = (sa.UniqueConstraint("operation_code", "kind", "req_id"),)
    id: int | None = Field(default=None, primary_key=True)
    operation_code: str = Field(foreign_key="operation.code", index=True, max_length=3)
    kind: RequirementKind = Field(sa_type=_enum(RequirementKind), default=RequirementKind.FUNCTION)
    req_id: str = Field(max_length=64)
    planned: date | None = None  # when the vendor implements it
    notified_on: date | None = None  # the 届出 to デジタル庁 was filed on
    done_on: date | None = None  # implemented on
    vendor: str | None = None
    note: str = ""
    updated_by: str | None = None
    updated_at: datetime | None = None
    revision: int = 0


# ---- drafts: what a user typed and has not saved yet ---------------------------------------------


class Draft(SQLModel, table=True):
    """Text a user typed in the workbench and has not saved (a note, a reason, a form's fields), kept per
    user and item until it is saved or thrown away, so that it survives quitting and a restart. Not audited:
    nothing in it has changed the data yet."""

    __tablename__ = "draft"
    __table_args__ = (sa.UniqueConstraint("user", "kind", "slot"),)
    id: int | None = Field(default=None, primary_key=True)
    user: str
    kind: str = Field(max_length=32)  # what was being typed: a note, a reason, a form
    slot: str = Field(max_length=200)  # the item: "001:機能:0010001", a form and its subject, …
    label: str = ""  # the item as users read it
    text: str = ""  # a note or reason as typed
    fields: str | None = None  # a form's fields as typed (JSON)
    base_revision: int | None = None  # the item's revision when the typing began (another since: someone saved)
    base_text: str = ""  # what was saved when the typing began
    updated_at: datetime


# ---- データ要件: the data items of the 基本データリスト (項目定義書) -----------------------------------------


class DataListVersion(SQLModel, table=True):
    """One version of an operation's 基本データリスト as imported (one or several workbooks)."""

    __tablename__ = "data_list_version"
    __table_args__ = (sa.UniqueConstraint("operation_code", "label"),)
    id: int | None = Field(default=None, primary_key=True)
    operation_code: str = Field(foreign_key="operation.code", index=True, max_length=3)
    label: str
    seq: int = 0  # import order within the operation; the highest is the current version
    source_files: str = ""  # the file names, one per line
    source_sha256: str = ""  # of the files, in order, one per line
    imported_at: datetime
    imported_by: str | None = None
    demo: bool = False


class DataItem(SQLModel, table=True):
    """One data item (データ項目) of one version of a 基本データリスト, with every column of the 項目定義書."""

    __tablename__ = "data_item"
    __table_args__ = (
        sa.UniqueConstraint("version_id", "item_id"),
        sa.Index("ix_data_item_current", "operation_code", "current", "item_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="data_list_version.id", index=True)
    operation_code: str = Field(foreign_key="operation.code", max_length=3)
    current: bool = True  # belongs to the latest version of its operation's list
    item_id: str = Field(max_length=8)  # 8-digit データ項目ID (業務コード + 5-digit number)
    name: str = ""  # データ項目
    romaji: str = ""  # データ項目（ローマ字）
    group_name: str = ""  # グループ名称 (one output file)
    primary_key: bool = False
    foreign_key: bool = False
    class1: str = ""  # クラス分類 LV1
    class2: str = ""
    class3: str = ""
    data_type: str = ""  # X, Ｎ, 9, 9V, S9, BLOB, YEAR, DATE, TIME
    length: str = ""  # 桁数 (characters): "15", or "5,2" for 9V
    code_list: str = ""  # コード: a code-list ID ("2") or a 連携 list's name
    repeat: str = ""  # 繰り返し: the maximum count
    condition: str = ""  # データ出力条件: 必須 / 条件付き必須 / 任意
    condition_note: str = ""  # the condition of 条件付き必須 (after ※※ in 項目説明)
    definition: str = ""  # 項目定義
    description: str = ""  # 項目説明
    spec_ref: str = ""  # 標準仕様書関連箇所
    function_ids: str = ""  # the 機能IDs it names, comma-separated
    output_required: bool = False  # 実装類型 ○: the item must be output
    sample: str = ""  # サンプル値
    remarks: str = ""  # 備考
    def_hash: str = Field(default="", max_length=16)  # of what the current data must fit
    doc_order: int = 0
    source_sheet: str | None = None
    source_row: int | None = None


class DataCode(SQLModel, table=True):
    """One value of a code list (コード一覧) of one version."""

    __tablename__ = "data_code"
    __table_args__ = (sa.UniqueConstraint("version_id", "list_id", "code"),)
    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="data_list_version.id", index=True)
    operation_code: str = Field(foreign_key="operation.code", max_length=3)
    list_id: str = Field(max_length=64)
    list_name: str = ""
    code: str = Field(max_length=64)
    meaning: str = ""
    remarks: str = ""
    doc_order: int = 0


class DataAssessment(SQLModel, table=True):
    """How the current data fits one data item. Keyed by the item's ID, so it outlives versions."""

    __tablename__ = "data_assessment"
    id: int | None = Field(default=None, primary_key=True)
    item_id: str = Field(max_length=8, unique=True)
    operation_code: str = Field(foreign_key="operation.code", index=True, max_length=3)
    holding: str | None = Field(default=None, max_length=32)  # 保持状況 (domain.data_items.Holding); None: 未確認
    note: str = ""
    current_fields: str = ""  # 現行項目: table.column or free text
    method: str | None = Field(default=None, max_length=32)  # 移行方法 (FieldMethod)
    current_type: str = Field(default="", max_length=32)  # 現行の型
    current_length: str = Field(default="", max_length=16)  # 現行の桁数
    needs_review: bool = False  # 要再確認: the definition changed since it was assessed
    basis_hash: str = Field(default="", max_length=16)  # the definition it was assessed against
    archived: bool = False  # the item was removed in the current version
    assessed_by: str | None = None
    assessed_at: datetime | None = None
    revision: int = 0


class DataCodeMap(SQLModel, table=True):
    """コード対応: one current code of an item and the standard code it becomes (empty: not mapped yet)."""

    __tablename__ = "data_code_map"
    __table_args__ = (sa.UniqueConstraint("item_id", "current_code"),)
    id: int | None = Field(default=None, primary_key=True)
    item_id: str = Field(max_length=8, index=True)
    operation_code: str = Field(foreign_key="operation.code", max_length=3)
    current_code: str = Field(max_length=64)
    current_meaning: str = ""
    standard_code: str = Field(default="", max_length=64)
    updated_by: str | None = None
    updated_at: datetime | None = None


class DataProfile(SQLModel, table=True):
    """What profiling an extract of the current data found for one item: counts only, never a record.
    The only characters kept are the 外字候補 themselves, with their counts (JSON)."""

    __tablename__ = "data_profile"
    id: int | None = Field(default=None, primary_key=True)
    item_id: str = Field(max_length=8, unique=True)
    operation_code: str = Field(foreign_key="operation.code", max_length=3)
    source_file: str = ""  # the extract's file name (not its contents)
    column: str = ""  # the extract's column read for the item
    profiled_at: datetime
    profiled_by: str | None = None
    rows: int = 0
    empty: int = 0
    max_length: int = 0  # the longest value, in characters
    over_length: int = 0  # values longer than 桁数
    halfwidth_in_n: int = 0  # values with half-width characters in an Ｎ item
    fullwidth_in_x: int = 0  # values with full-width characters in an X item
    bad_dates: int = 0  # values of a DATE / YEAR / TIME item that do not parse
    outside_codes: int = 0  # values outside the item's code mapping (or code list)
    gaiji: str = "{}"  # 外字候補: {character: count}


class DataVendorAnswer(SQLModel, table=True):
    """A vendor's answer for one data item. ``superseded`` rows keep the history of changed answers."""

    __tablename__ = "data_vendor_answer"
    __table_args__ = (sa.Index("ix_data_vendor_answer_key", "vendor_id", "item_id"),)
    id: int | None = Field(default=None, primary_key=True)
    vendor_id: int = Field(foreign_key="vendor.id")
    item_id: str = Field(max_length=8)
    operation_code: str = Field(foreign_key="operation.code", max_length=3)
    answer: str = Field(max_length=32)  # DataAnswer
    planned_date: date | None = None
    comment: str = ""
    export_id: str | None = Field(default=None, foreign_key="vendor_export.id")
    def_hash: str | None = None  # of the definition the vendor answered
    received_at: datetime
    superseded: bool = False


# ---- 業務見直し: the changes of work that decisions create ---------------------------------------------


class BprItem(SQLModel, table=True):
    """One change of work (業務見直し): what changes, who, by when, how far. Created by a decision that changes
    the work (業務見直し, 運用で対応) on a gap or a current function, or by hand; one item may answer many."""

    __tablename__ = "bpr_item"
    id: int | None = Field(default=None, primary_key=True)
    operation_code: str = Field(foreign_key="operation.code", index=True, max_length=3)
    title: str
    changes: str = ""  # what changes, comma-separated (domain.bpr.Change: 業務フロー, 例規, 様式 …)
    department: str = ""  # 担当課
    person: str = ""  # 担当者
    due: date | None = None  # by default the operation's date (domain.standing)
    status: str = Field(default="未着手", max_length=16)  # domain.bpr.BprStatus
    done_on: date | None = None
    note: str = ""
    created_at: datetime
    created_by: str | None = None
    updated_at: datetime | None = None
    updated_by: str | None = None
    revision: int = 0
    demo: bool = False


class BprLink(SQLModel, table=True):
    """A gap or a current function a 業務見直し item answers, by key (it outlives versions)."""

    __tablename__ = "bpr_link"
    bpr_id: int = Field(foreign_key="bpr_item.id", primary_key=True)
    operation_code: str = Field(primary_key=True, max_length=3)
    kind: str = Field(primary_key=True, max_length=8)  # 機能 / 帳票 (a requirement) or 独自 (a current function)
    ref: str = Field(primary_key=True, max_length=64)  # the requirement's ID or the function's number


class ProgressSurvey(SQLModel, table=True):
    """The national progress survey held in the database (one: a newer published survey replaces it)."""

    __tablename__ = "progress_survey"
    id: int | None = Field(default=None, primary_key=True)
    month: str = Field(max_length=7)  # the survey's date, 2026-01
    credit: str  # the credit line every output that shows the survey's figures carries
    source_file: str
    sha256: str = Field(max_length=64)
    bodies: int = 0
    operations: str = ""  # the operation codes of each body's steps, comma-separated, in order
    columns: str = ""  # the survey's columns as published (住民記録, 戸籍附票 …), in the same order
    bundled: bool = False
    imported_at: datetime
    imported_by: str | None = None


class SurveyBody(SQLModel, table=True):
    """One body in the survey: its steps done out of 40 per operation, in the survey's order of operations
    (ProgressSurvey.operations), comma-separated, empty where the survey has no figure (``40,40,32,,30``)."""

    __tablename__ = "survey_body"
    survey_id: int = Field(foreign_key="progress_survey.id", primary_key=True)
    prefecture: str = Field(primary_key=True, max_length=8)
    body_name: str = Field(primary_key=True, max_length=64)
    body_code: str | None = Field(default=None, max_length=6)  # 団体コード where the bundled lists know it
    steps: str = ""


class SystemProgress(SQLModel, table=True):
    """A system's progress through the 40 steps as the body reports it for a month (the last entry of the
    month counts; earlier months stay as its history)."""

    __tablename__ = "system_progress"
    system_id: int = Field(foreign_key="system.id", primary_key=True)
    month: str = Field(primary_key=True, max_length=7)  # 2026-02
    steps: int = 0  # 完了済み + 対象外, out of 40
    delay_reason: str = ""  # 遅延の理由, for the monthly report
    recorded_at: datetime
    recorded_by: str | None = None
