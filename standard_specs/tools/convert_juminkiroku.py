"""Convert shared/data/juminkiroku_v1.0_ch3.csv into the canonical format (001_juminkiroku_v1.0.csv).

Run from the repository root:  .venv/bin/python standard_specs/tools/convert_juminkiroku.py PATH/TO/juminkiroku_v1.0_ch3.csv

第1.0版 had no 機能ID: each requirement is one section × 実装区分 block, keyed stably as
"<section number>-<class short name>" (e.g. 1.1.2-必須, 1.1.2-オプション, 1.1.2-不可).
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from fitgap.domain.enums import Kubun
from fitgap.domain.records import RequirementRecord, SpecVersionInfo
from fitgap.importers.canonical import write_canonical

SOURCE_NAME = "住民記録システム標準仕様書【第1.0版】第3章"


def main(src: str) -> None:
    out = Path(__file__).resolve().parent.parent / "001_juminkiroku_v1.0.csv"
    records = []
    with open(src, encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            kubun = Kubun.parse(row["kubun_original"])
            assert kubun is not None, row
            records.append(
                RequirementRecord(
                    req_id=f"{row['section_no']}-{kubun.short}",
                    kubun=kubun,
                    name=row["section_title"],
                    text=row["requirement_text"],
                    category=row["chapter_path"],
                    source_file=SOURCE_NAME,
                    source_sheet=f"{row['section_no']} {row['kubun_original']}",
                )
            )
    info = SpecVersionInfo(
        operation_code="001",
        label="第1.0版",
        title="住民記録システム標準仕様書",
        source="総務省「住民記録システム標準仕様書【第1.0版】」(2020) 第3章 機能要件。"
        "PDFから節ごとにテキスト化したもの（公開リポジトリ AkihiraYOSHIMOTO/jyuki-stnd, 2020-12-24）を変換。",
        credit="出典：総務省「住民記録システム標準仕様書【第1.0版】」第3章（テキスト化・CSV化して編集）",
    )
    write_canonical(out, info, records)
    print(f"{len(records)} requirements -> {out}")


if __name__ == "__main__":
    main(sys.argv[1])
