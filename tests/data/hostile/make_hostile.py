"""Generate the corpus of hostile and broken workbooks the importers must refuse.

Run by a test fixture into a temporary folder (nothing binary is committed):
    python tests/data/hostile/make_hostile.py OUTPUT_DIR
Each file is named after what is wrong with it; ``ordinary.xlsx`` is a sound control workbook.
"""

from __future__ import annotations

import io
import os
import random
import sys
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook

HEADERS = ["機能ID", "機能名称", "機能要件", "実装区分"]
ROWS = [
    ["0010001", "住民記録の作成", "住民票を作成できること。", "実装必須機能"],
    ["0010002", "異動の登録", "転入・転出を登録できること。", "標準オプション機能"],
]


def ordinary_bytes(rows: list[list[object]] | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "機能要件"
    ws.append(HEADERS)
    for r in rows if rows is not None else ROWS:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist()}


def _write_zip(path: Path, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in members.items():
            z.writestr(name, body)


def ordinary(path: Path) -> None:
    path.write_bytes(ordinary_bytes())


def zip_bomb(path: Path) -> None:
    """A sheet part that unpacks from a few hundred kilobytes into 300 MB."""
    members = _members(ordinary_bytes())
    members.pop("xl/worksheets/sheet1.xml")
    _write_zip(path, members)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z, z.open("xl/worksheets/sheet1.xml", "w",
                                                                        force_zip64=True) as fh:
        fh.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                 b"<sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>")
        block = b" " * (1 << 20)
        for _ in range(300):
            fh.write(block)
        fh.write(b"</t></is></c></row></sheetData></worksheet>")


def many_members(path: Path) -> None:
    members = _members(ordinary_bytes())
    for i in range(12_000):
        members[f"xl/media/pad{i}.bin"] = b"x"
    _write_zip(path, members)


def huge_shared_strings(path: Path) -> None:
    """About 70 MB of distinct strings (poorly compressible, so it is not caught as a bomb)."""
    members = _members(ordinary_bytes())
    noise = os.urandom(24_000_000).hex().encode()
    body = [b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">']
    step = 24
    for i in range(0, len(noise) - step, step):
        body.append(b"<si><t>" + noise[i : i + step] + b"</t></si>")
    body.append(b"</sst>")
    members["xl/sharedStrings.xml"] = b"".join(body)
    _write_zip(path, members)


def external_entity(path: Path) -> None:
    """XXE: the workbook part declares an entity that reads a local file."""
    members = _members(ordinary_bytes())
    wb = members["xl/workbook.xml"].decode()
    doctype = '<!DOCTYPE workbook [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    if wb.startswith("<?xml"):
        head, _, rest = wb.partition("?>")
        wb = head + "?>" + doctype + rest
    else:
        wb = '<?xml version="1.0" encoding="UTF-8"?>' + doctype + wb
    members["xl/workbook.xml"] = wb.replace('name="機能要件"', 'name="&xxe;"').encode()
    _write_zip(path, members)


def billion_laughs(path: Path) -> None:
    """Nested entities in the shared strings that expand to gigabytes."""
    members = _members(ordinary_bytes())
    ents = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    members["xl/sharedStrings.xml"] = (
        f'<?xml version="1.0"?><!DOCTYPE sst [{"".join(ents)}]>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol9;</t></si></sst>'
    ).encode()
    _write_zip(path, members)


def csv_named_xlsx(path: Path) -> None:
    text = "\n".join(",".join(r) for r in [HEADERS, *ROWS]) + "\n"
    path.write_bytes(text.encode("cp932"))


def pdf_named_xlsx(path: Path) -> None:
    path.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")


def docx_named_xlsx(path: Path) -> None:
    _write_zip(path, {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<document/>"})


def truncated(path: Path) -> None:
    data = ordinary_bytes(ROWS * 200)
    path.write_bytes(data[: len(data) // 2])


def empty(path: Path) -> None:
    path.write_bytes(b"")


def hundred_megabytes(path: Path) -> None:
    """A 100 MB file (the tail is a sparse hole, so it costs no time or disk to make)."""
    path.write_bytes(ordinary_bytes())
    with path.open("r+b") as fh:
        fh.truncate(100 * 1024 * 1024)


def _sheet_xml(rows: list[list[str]]) -> bytes:
    """A worksheet part written by hand (openpyxl itself cuts strings at Excel's 32,767 characters)."""
    from xml.sax.saxutils import escape

    out = ['<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>']
    for r, row in enumerate(rows, 1):
        cells = "".join(f'<c r="{chr(65 + c)}{r}" t="inlineStr"><is><t>{escape(v)}</t></is></c>' for c, v in enumerate(row))
        out.append(f'<row r="{r}">{cells}</row>')
    out.append("</sheetData></worksheet>")
    return "".join(out).encode()


def megabyte_cells(path: Path) -> None:
    """Cells of 1 MB of text each, far beyond Excel's own 32,767-character limit."""
    rng = random.Random(8)
    big = "".join(rng.choice("住民記録異動転入転出届出証明書交付税額照会番号世帯") for _ in range(1024 * 1024 // 3))
    members = _members(ordinary_bytes())
    members["xl/worksheets/sheet1.xml"] = _sheet_xml(
        [HEADERS, ["0010001", "名称", big, "実装必須機能"], ["0010002", big, "本文", "実装必須機能"]])
    _write_zip(path, members)


def formulas_for_values(path: Path) -> None:
    """IDs and texts are formulas saved without results: read as values they are empty."""
    rows: list[list[object]] = [[f'="001000{i}"', f'="機能{i}"', '=CONCAT("要件", ROW())', "実装必須機能"]
                                for i in range(1, 6)]
    path.write_bytes(ordinary_bytes(rows))


def encrypted_xls(path: Path) -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    path.write_bytes(ole + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 1024)


CORPUS: dict[str, Callable[[Path], None]] = {
    "ordinary.xlsx": ordinary,
    "zip_bomb.xlsx": zip_bomb,
    "many_members.xlsx": many_members,
    "huge_shared_strings.xlsx": huge_shared_strings,
    "external_entity.xlsx": external_entity,
    "billion_laughs.xlsx": billion_laughs,
    "csv_named_xlsx.xlsx": csv_named_xlsx,
    "pdf_named_xlsx.xlsx": pdf_named_xlsx,
    "docx_named_xlsx.xlsx": docx_named_xlsx,
    "truncated.xlsx": truncated,
    "empty.xlsx": empty,
    "hundred_megabytes.xlsx": hundred_megabytes,
    "megabyte_cells.xlsx": megabyte_cells,
    "formulas_for_values.xlsx": formulas_for_values,
    "encrypted.xlsx": encrypted_xls,
}


def make_all(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for name, make in CORPUS.items():
        make(folder / name)
        out[name] = folder / name
    return out


if __name__ == "__main__":
    zlib.compress(b"")  # fail early where zlib is missing
    for p in make_all(Path(sys.argv[1] if len(sys.argv) > 1 else "hostile-out")).values():
        print(f"{p.stat().st_size:>12,}  {p}")
