"""Old and new text of a changed requirement, with the differences marked character by character."""

from __future__ import annotations

from difflib import SequenceMatcher

from textual.content import Content, Span

DELETED = "strike $text-error on $error-muted"
INSERTED = "bold $text-success on $success-muted"


def diff_contents(old: str, new: str) -> tuple[Content, Content]:
    """(old with removed characters marked, new with added characters marked)."""
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    old_spans: list[Span] = []
    new_spans: list[Span] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("replace", "delete") and i2 > i1:
            old_spans.append(Span(i1, i2, DELETED))
        if tag in ("replace", "insert") and j2 > j1:
            new_spans.append(Span(j1, j2, INSERTED))
    return Content(old, spans=old_spans), Content(new, spans=new_spans)


def changed_ratio(old: str, new: str) -> float:
    return 1.0 - SequenceMatcher(None, old, new, autojunk=False).ratio()
