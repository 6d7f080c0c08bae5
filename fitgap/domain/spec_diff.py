"""Comparing two versions of a spec's requirement list, and character-level diffs of Japanese text.

Items are matched by (kind, requirement ID): 機能 and 帳票 are numbered independently. Their text is compared in normalised form (NFKC, whitespace
folded, spaces next to Japanese characters dropped), so re-wrapping or full-width/half-width changes are not counted as changes. Pure functions.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from fitgap.domain.enums import Kubun, RequirementKind
from fitgap.domain.text import normalize_text


class Change(StrEnum):
    ADDED = "追加"
    REMOVED = "削除"
    TEXT_CHANGED = "文言変更"
    CLASS_CHANGED = "区分変更"
    NOTES_CHANGED = "考え方・備考の変更"  # shown, but the requirement itself is the same: no 要再確認
    UNCHANGED = "変更なし"


class RequirementLike(Protocol):
    @property
    def req_id(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def kubun(self) -> Kubun: ...
    @property
    def text(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def transitional(self) -> bool: ...


@dataclass(slots=True)  # not frozen: a version can hold 30,000 items and frozen __init__ is slow
class DiffItem:
    change: Change
    req_id: str
    old: RequirementLike | None = None
    new: RequirementLike | None = None
    text_changed: bool = False
    class_changed: bool = False
    notes_changed: bool = False  # 要件の考え方・理由 or 備考

    @property
    def kind(self) -> str:
        ref = self.new if self.new is not None else self.old
        return _kind(ref) if ref is not None else ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.req_id)

    @property
    def label(self) -> str:
        return f"{self.kind} {self.req_id}"

    @property
    def needs_review(self) -> bool:
        return self.text_changed or self.class_changed


@dataclass(slots=True)
class SpecDiff:
    items: list[DiffItem] = field(default_factory=list)

    def of(self, change: Change) -> list[DiffItem]:
        return [i for i in self.items if i.change is change]

    def counts(self) -> dict[Change, int]:
        out = dict.fromkeys(Change, 0)
        for i in self.items:
            out[i.change] += 1
        return out

    @property
    def changed(self) -> list[DiffItem]:
        return [i for i in self.items if i.change is not Change.UNCHANGED]

    @property
    def is_empty(self) -> bool:
        return not self.changed


# a space or line break next to a Japanese character carries no meaning (re-wrapped lines, stray spaces)
_JA_SPACE = re.compile(r"(?<=[^\x00-\x7f]) | (?=[^\x00-\x7f])")


def compare_form(text: str) -> str:
    """normalize_text, then spaces next to non-ASCII characters dropped: '基づき\n住民票' == '基づき住民票'."""
    return _JA_SPACE.sub("", normalize_text(text))


def wording(item: RequirementLike) -> str:
    """The compared form of an item's wording: its name and text."""
    return compare_form(item.name) + "\n" + compare_form(item.text)


_KIND_VALUES: dict[object, str] = {k: k.value for k in RequirementKind}


def _kind(r: RequirementLike) -> str:
    """機能 / 帳票, whether the row holds the enum (a record) or its value (a database row)."""
    k = r.kind
    if type(k) is str:
        return k
    v = _KIND_VALUES.get(k)  # the enum's .value costs more than a lookup
    return v if v is not None else str(getattr(k, "value", k))


def _key(r: RequirementLike) -> tuple[str, str]:
    return (_kind(r), r.req_id)


def _notes(r: RequirementLike) -> str:
    return compare_form(getattr(r, "reason", "") or "") + "\n" + compare_form(getattr(r, "remarks", "") or "")


def diff_versions(old: Iterable[RequirementLike], new: Iterable[RequirementLike]) -> SpecDiff:
    """Added, removed, text changed, class changed, notes changed, unchanged — in the new version's order,
    removed last. Items are matched by (kind, ID)."""
    old_by_key = {_key(r): r for r in old}
    result = SpecDiff()
    if not old_by_key:  # a first version: everything is added
        result.items = [DiffItem(Change.ADDED, n.req_id, None, n) for n in new]
        return result
    seen: set[tuple[str, str]] = set()
    for n in new:
        key = _key(n)
        seen.add(key)
        o = old_by_key.get(key)
        if o is None:
            result.items.append(DiffItem(Change.ADDED, n.req_id, None, n))
            continue
        same_raw = o.text == n.text and o.name == n.name  # the common case needs no normalising
        text_changed = not same_raw and wording(o) != wording(n)
        class_changed = o.kubun != n.kubun or bool(o.transitional) != bool(n.transitional)
        o_notes = (getattr(o, "reason", "") or "", getattr(o, "remarks", "") or "")
        n_notes = (getattr(n, "reason", "") or "", getattr(n, "remarks", "") or "")
        notes_changed = o_notes != n_notes and _notes(o) != _notes(n)
        change = (
            Change.CLASS_CHANGED if class_changed else Change.TEXT_CHANGED if text_changed
            else Change.NOTES_CHANGED if notes_changed else Change.UNCHANGED
        )
        result.items.append(DiffItem(change, n.req_id, o, n, text_changed, class_changed, notes_changed))
    for key, o in old_by_key.items():
        if key not in seen:
            result.items.append(DiffItem(Change.REMOVED, key[1], o, None))
    return result


@dataclass(frozen=True, slots=True)
class Segment:
    op: str  # "equal" | "delete" | "insert"
    text: str


def char_diff(old: str, new: str) -> list[Segment]:
    """Character-level diff of two (Japanese) texts, compared in normalised form."""
    a, b = compare_form(old), compare_form(new)
    out: list[Segment] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            out.append(Segment("equal", a[i1:i2]))
            continue
        if tag in ("delete", "replace"):
            out.append(Segment("delete", a[i1:i2]))
        if tag in ("insert", "replace"):
            out.append(Segment("insert", b[j1:j2]))
    return out


def inline_diff(old: str, new: str, *, context: int = 20) -> str:
    """One line for a terminal: unchanged runs shortened, deletions as [-…-], insertions as {+…+}."""
    parts: list[str] = []
    segments = char_diff(old, new)
    for k, seg in enumerate(segments):
        if seg.op == "equal":
            t = seg.text
            if len(t) > 2 * context:
                head = t[:context] if k > 0 else ""
                tail = t[-context:] if k < len(segments) - 1 else ""
                t = f"{head}…{tail}"
            parts.append(t)
        elif seg.op == "delete":
            parts.append(f"[-{seg.text}-]")
        else:
            parts.append(f"{{+{seg.text}+}}")
    return "".join(parts)
