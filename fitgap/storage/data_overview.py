"""データ要件 counted per operation with plain SQL (no database library): the one count of ``fitgap data
status``, ``fitgap status`` (also on its quick read, before SQLAlchemy is loaded), the home screen and the
readiness report. Each item's outcome is domain.data_items.item_outcome, as for the item list."""

from __future__ import annotations

from dataclasses import dataclass

from fitgap.domain.data_items import DataCounts, DataVerdict, counts_of, item_outcome
from fitgap.storage.overview import Rows


@dataclass(frozen=True, slots=True)
class _Counted:
    holding: str | None
    verdict: DataVerdict
    unmapped_codes: int
    gaiji: tuple[tuple[str, int], ...]


def counts_by_operation(rows: Rows) -> dict[str, DataCounts]:
    """Per operation with a list imported, in 政令順, its current version's label in ``version``."""
    latest: dict[str, tuple[int, str]] = {}
    for code, seq, label in rows("SELECT operation_code, seq, label FROM data_list_version"):
        if str(code) not in latest or int(seq) > latest[str(code)][0]:
            latest[str(code)] = (int(seq), str(label))
    if not latest:
        return {}
    marks = {str(i): (h, m, t or "", n or "", bool(r)) for i, h, m, t, n, r in rows(
        "SELECT item_id, holding, method, current_type, current_length, needs_review FROM data_assessment")}
    maps: dict[str, list[tuple[str, str]]] = {}
    for i, cur, std in rows("SELECT item_id, current_code, standard_code FROM data_code_map ORDER BY item_id, id"):
        maps.setdefault(str(i), []).append((str(cur), str(std or "")))
    codes: dict[tuple[int, str], list[str]] = {}
    for v, lst, code in rows("SELECT version_id, list_id, code FROM data_code"):
        codes.setdefault((int(v), str(lst)), []).append(str(code))
    profiles = {str(i): (int(o or 0), g) for i, o, g in rows("SELECT item_id, outside_codes, gaiji FROM data_profile")}
    answers: dict[str, str] = {}
    for i, a in rows("SELECT item_id, answer FROM data_vendor_answer WHERE superseded = false "
                     "ORDER BY received_at, id"):
        answers[str(i)] = str(a)  # the newest of record wins
    by_op: dict[str, list[_Counted]] = {}
    for (item_id, op, version_id, name, data_type, length, code_list, condition,
         output_required) in rows("SELECT item_id, operation_code, version_id, name, data_type, length, code_list, "
                                  "condition, output_required FROM data_item WHERE current = true"):
        iid = str(item_id)
        holding, method, cur_type, cur_len, review = marks.get(iid, (None, None, "", "", False))
        profile = profiles.get(iid)
        out = item_outcome(name=name or "", data_type=data_type or "", length=length or "",
                           code_list=code_list or "", condition=condition or "", output_required=bool(output_required),
                           holding=holding or None, method=method or None, current_type=cur_type,
                           current_length=cur_len, needs_review=review, mapping=maps.get(iid, []),
                           standard_codes=codes.get((int(version_id), code_list or ""), []),
                           profiled=profile is not None, outside_codes=profile[0] if profile else 0,
                           gaiji_json=profile[1] if profile else None, vendor_answer=answers.get(iid))
        by_op.setdefault(str(op), []).append(_Counted(holding or None, out.verdict, out.unmapped_codes, out.gaiji))
    order = {str(c): int(o) for c, o in rows('SELECT code, "order" FROM operation')}
    result: dict[str, DataCounts] = {}
    for op in sorted(by_op, key=lambda o: (order.get(o, 999), o)):
        result[op] = counts_of(by_op[op])
        result[op].version = latest[op][1] if op in latest else ""
    return result
