"""Read a published progress survey in the bundled layout (``progress_2026-01.csv``).

The layout: 都道府県, 団体名, 全体完了率 (optional), then one column per operation with the share of the 40
steps done (0.675). Returns the records and every problem found (nothing is written here); a share that is
not a multiple of 1/40, an unknown column or a body listed twice is a problem.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from fitgap.domain.progress import SURVEY_FIXED, SurveyRecord, overall, steps_of_share
from fitgap.errors import InvalidInputError, file_error
from fitgap.importers.spec_csv import decode_csv_bytes

MAX_PROBLEMS = 50


@dataclass
class SurveyFile:
    records: list[SurveyRecord] = field(default_factory=list)
    bodies: list[tuple[str, str]] = field(default_factory=list)  # (prefecture, name) in the file's order
    columns: list[tuple[str, str]] = field(default_factory=list)  # (column, operation code)
    problems: list[str] = field(default_factory=list)
    blanks: int = 0  # figures left empty (a body that did not report an operation)


def _clean(text: str | None) -> str:
    return unicodedata.normalize("NFKC", text or "").strip()


def read_survey(path: Path, *, columns: Mapping[str, str],
                codes: Mapping[tuple[str, str], str | None] | None = None) -> SurveyFile:
    """``columns``: the survey's column name → operation code; ``codes``: (prefecture, name) → 団体コード."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise file_error(exc, path, writing=False) from None
    reader = csv.reader(io.StringIO(decode_csv_bytes(data, path.name)))
    header = [_clean(h) for h in next(reader, [])]
    if header[:2] != list(SURVEY_FIXED[:2]):
        raise InvalidInputError(
            f"{path.name} は進捗状況調査の形式ではありません（先頭の列が 都道府県, 団体名 ではありません: "
            f"{', '.join(header[:3]) or '空のファイル'}）。",
            "同梱の progress_2026-01.csv と同じ形式（都道府県, 団体名, 全体完了率, 業務ごとの完了率）の CSV を指定してください。")
    out = SurveyFile()
    mapped: list[tuple[int, str, str]] = []
    for i, name in enumerate(header):
        if name in SURVEY_FIXED:
            continue
        code = columns.get(name)
        if code is None:
            out.problems.append(f"列「{name}」はどの業務にも当たりません（読み飛ばしました）。")
            continue
        mapped.append((i, name, code))
        out.columns.append((name, code))
    total_col = header.index("全体完了率") if "全体完了率" in header else None
    seen: set[tuple[str, str]] = set()
    for line, row in enumerate(reader, start=2):
        if not "".join(row).strip():
            continue
        pref, name = _clean(row[0] if row else ""), _clean(row[1] if len(row) > 1 else "")
        if not pref or not name:
            out.problems.append(f"{line}行目: 都道府県か団体名が空です。")
            continue
        if (pref, name) in seen:
            out.problems.append(f"{line}行目: {pref} {name} は2回目です。")
            continue
        seen.add((pref, name))
        out.bodies.append((pref, name))
        code = (codes or {}).get((pref, name))
        steps_of_body = []
        for i, column, op_code in mapped:
            text = _clean(row[i] if i < len(row) else "")
            if not text:
                out.blanks += 1
                continue
            try:
                steps = steps_of_share(float(text.rstrip("%")) / (100 if text.endswith("%") else 1))
            except ValueError:
                steps = None
            if steps is None:
                out.problems.append(f"{line}行目 {name} の「{column}」: {text!r} は 0〜1 の 1/40 刻みの完了率ではありません。")
                continue
            steps_of_body.append(steps)
            out.records.append(SurveyRecord(pref, name, code, op_code, column, steps))
        if total_col is not None and total_col < len(row) and _clean(row[total_col]):
            mean = overall(steps_of_body)
            try:
                stated = float(_clean(row[total_col])) * 40
            except ValueError:
                stated = None
            if mean is not None and (stated is None or abs(stated - mean) > 0.01):
                out.problems.append(f"{line}行目 {name}: 全体完了率 {row[total_col]} が業務ごとの完了率の平均と合いません。")
    del out.problems[MAX_PROBLEMS:]
    return out
