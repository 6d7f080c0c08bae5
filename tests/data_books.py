"""Generated 基本データリスト / 項目定義書 workbooks in the layout デジタル庁 publishes (test fixtures).

Made with openpyxl so no binary fixtures live in git: a ■ title row, a legend row, the two-row header with
データ項目ID merged over two columns (業務コード, number), グループ over 名称/主キー/外部キー, クラス分類 over
LV1–LV3; one sheet per グループ, a コード一覧（個別） sheet with the ID written on a list's first row only,
and the 凡例 sheets beside them (which the reader must skip).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from openpyxl import Workbook

HEADER_TOP = ["データ項目ID", None, "データ項目", "データ項目（ローマ字）", "グループ", None, None, "クラス分類", None, None,
              "データ型", "桁数", "コード", "繰り返し", "データ出力条件", "項目定義", "項目説明", "標準仕様書関連箇所",
              "実装類型", "サンプル値", "備考"]
HEADER_SUB = [None, None, None, None, "名称", "主キー", "外部キー", "LV1", "LV2", "LV3"]


@dataclass(frozen=True)
class DItem:
    number: int
    name: str
    group: str
    data_type: object = "X"  # as written: "X", "Ｎ", 9 (a number), "9V" …
    length: object = 10  # 10, or "5,2" for 9V
    condition: str = "任意"
    description: str = ""
    code: object = None  # a code-list ID as written (1, "002", 999)
    must: bool = False  # 実装類型 ○
    pk: bool = False
    fk: bool = False
    function: str = ""  # 標準仕様書関連箇所
    romaji: str = ""


@dataclass
class DataBook:
    business_code: str = "002"
    title: str = "■地方公共団体情報システム-（印鑑登録）項目定義書"
    items: list[DItem] = field(default_factory=list)
    codes: list[tuple[int, str, list[tuple[str, str]]]] = field(default_factory=list)  # (ID, name, [(code, meaning)])


def sample_book(business_code: str = "002") -> DataBook:
    """Two groups, a 9V length, 条件付き必須 with its ※※ condition, code lists, primary and foreign keys."""
    f = f"{business_code}0001印鑑登録管理機能"
    items = [
        DItem(1, "印鑑登録番号", "印鑑登録情報", "X", 15, "必須", pk=True, must=True, function=f),
        DItem(2, "宛名番号", "印鑑登録情報", "X", 15, "必須", fk=True, must=True, function=f),
        DItem(3, "氏名", "印鑑登録情報", "Ｎ", 100, "条件付き必須", "・全角で記載\n※※氏名未定でない場合は出力必須",
              must=True, function=f),
        DItem(4, "登録年月日", "印鑑登録情報", "DATE", 10, "必須", must=True, function=f),
        DItem(5, "登録状態", "印鑑登録情報", 9, 1, "必須", code="001", must=True, function=f),
        DItem(6, "手数料", "印鑑登録情報", "9V", "7,2", "任意", function=f),
        DItem(7, "印影画像", "印鑑登録情報", "BLOB", 1, "任意", function=f),
        DItem(8, "住所_市区町村コード", "印鑑登録情報", "X", 6, "任意", function=f),
        DItem(101, "印鑑登録番号", "印鑑証明書交付情報", "X", 15, "必須", pk=True, must=True, function=f),
        DItem(102, "交付年月日", "印鑑証明書交付情報", "DATE", 10, "必須", pk=True, must=True, function=f),
        DItem(103, "交付方法", "印鑑証明書交付情報", "X", 1, "任意", code=2, function=f),
        DItem(104, "性別", "印鑑証明書交付情報", "X", 1, "任意", code=3, function=f),
    ]
    codes = [(1, "登録状態", [("1", "登録"), ("2", "廃止"), ("3", "職権抹消")]),
             (2, "交付方法", [("1", "窓口"), ("2", "コンビニ交付"), ("3", "郵送")]),
             (3, "性別", [("0", "不明"), ("1", "男"), ("2", "女")])]
    return DataBook(business_code=business_code, items=items, codes=codes)


def revised(book: DataBook) -> DataBook:
    """The next version: 氏名 longer, 手数料 9V 9,0, 印影画像 removed, 交付場所 added, a code added."""
    items = []
    for it in book.items:
        if it.number == 3:
            items.append(replace(it, length=200))
        elif it.number == 6:
            items.append(replace(it, length="9,0"))
        elif it.number == 7:
            continue
        else:
            items.append(it)
    items.append(DItem(105, "交付場所", "印鑑証明書交付情報", "Ｎ", 50, "任意", function=items[0].function))
    codes = [(i, n, list(vals) + ([("4", "オンライン")] if i == 2 else [])) for i, n, vals in book.codes]
    return DataBook(business_code=book.business_code, title=book.title.replace("項目定義書", "項目定義書 第2.0版"),
                    items=items, codes=codes)


def many_items(count: int, business_code: str = "002", groups: int = 20) -> DataBook:
    """A large list (the benchmark's 5,000 items), spread over ``groups`` groups, with code lists."""
    kinds: list[tuple[object, object]] = [("X", 15), ("Ｎ", 100), (9, 5), ("9V", "7,2"), ("DATE", 10), ("TIME", 8)]
    items = []
    for n in range(1, count + 1):
        t, ln = kinds[n % len(kinds)]
        items.append(DItem(n, f"項目{n:05d}", f"グループ{(n - 1) * groups // count + 1:02d}", t, ln,
                           ("必須", "任意", "条件付き必須")[n % 3],
                           "※※条件に当たる場合は出力必須" if n % 3 == 2 else "", code=(n % 50) + 1 if n % 7 == 0 else None,
                           must=n % 2 == 0, function=f"{business_code}0001機能"))
    codes = [(i, f"コード{i}", [(str(c), f"値{c}") for c in range(1, 6)]) for i in range(1, 51)]
    return DataBook(business_code=business_code, items=items, codes=codes)


def write_book(book: DataBook, path: Path) -> Path:
    wb = Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    groups: dict[str, list[DItem]] = {}
    for it in book.items:
        groups.setdefault(it.group, []).append(it)
    for group, items in groups.items():
        ws = wb.create_sheet(f"項目定義書_{group}"[:31])
        ws.cell(1, 2, book.title)
        ws.cell(3, 2, "水色セル：各グループにおける主キーのデータ項目")
        ws.cell(3, 18, "項目説明：※※で始まる記載については、データ出力条件が「条件付き必須」の場合の条件を記載")
        for i, v in enumerate(HEADER_TOP):
            if v is not None:
                ws.cell(5, 2 + i, v)
        for i, v in enumerate(HEADER_SUB):
            if v is not None:
                ws.cell(6, 2 + i, v)
        ws.merge_cells("B5:C6")
        ws.merge_cells("F5:H5")
        ws.merge_cells("I5:K5")
        for col in "DELMNOPQRSTUV":
            ws.merge_cells(f"{col}5:{col}6")
        for r, it in enumerate(items, start=7):
            row = [book.business_code, it.number, it.name, it.romaji or f"item{it.number}", it.group,
                   "○" if it.pk else None, "○" if it.fk else None, "分類", None, None, it.data_type, it.length,
                   it.code, None, it.condition, f"{it.name}の定義", it.description or None, it.function or None,
                   "○" if it.must else None, None, None]
            for c, v in enumerate(row):
                ws.cell(r, 2 + c, v)
    ws = wb.create_sheet("コード一覧（個別）")
    ws.cell(1, 1, "コード一覧表")
    for i, v in enumerate(["コードID", "コード名", "コード値", "コード値の内容", "備考"]):
        ws.cell(4, 1 + i, v)
    r = 6
    for list_id, name, values in book.codes:
        for j, (code, meaning) in enumerate(values):
            if j == 0:
                ws.cell(r, 1, list_id)
                ws.cell(r, 2, name)
            ws.cell(r, 3, code)
            ws.cell(r, 4, meaning)
            r += 1
    legend = wb.create_sheet("凡例）列項目説明")
    legend.cell(3, 1, "項番")
    legend.cell(3, 2, "項目名")
    legend.cell(4, 2, "データ項目ID")
    legend.cell(5, 2, "データ型")
    types = wb.create_sheet("凡例）データ型")
    types.cell(4, 2, "データ型")
    types.cell(6, 2, "X")
    wb.save(path)
    return path
