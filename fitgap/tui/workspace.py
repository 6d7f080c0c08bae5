"""What the workbench works on: the database, who is working, today, and the undo/redo history."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from fitgap.domain.enums import Status
from fitgap.services import assessment
from fitgap.services.database import Database
from fitgap.services.items import ItemKey


@dataclass
class Step:
    """One user action that can be undone: the batch it wrote and how many items it touched."""

    batch: str
    size: int
    label: str


@dataclass
class Workspace:
    db: Database
    user: str
    today: date
    undo_stack: list[Step] = field(default_factory=list)
    redo_stack: list[Step] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)  # 業務コード → name, filled by the home screen
    short_names: dict[str, str] = field(default_factory=dict)
    drafts: dict[ItemKey, str] = field(default_factory=dict)  # notes typed but not saved (esc, conflict)
    _note_rule: frozenset[Status] | None = None

    def note_rule(self) -> frozenset[Status]:
        if self._note_rule is None:
            self._note_rule = assessment.get_note_rule(db=self.db)
        return self._note_rule

    def reset_note_rule(self) -> None:
        self._note_rule = None

    def update(self, keys: Sequence[ItemKey], *, label: str,
               expected: Mapping[ItemKey, int] | None = None, **changes: Any) -> assessment.UpdateResult:
        """One user action: one transaction, one batch; remembered for undo when it changed anything."""
        result = assessment.update_items(db=self.db, user=self.user, keys=list(keys),
                                         expected_revisions=expected, **changes)
        if result.batch and result.changed:
            self.undo_stack.append(Step(result.batch, len(result.changed), label))
            self.redo_stack.clear()
        return result

    def undo(self) -> tuple[Step, assessment.UpdateResult] | None:
        """Revert the latest step; the original batch goes on the redo stack (redo re-applies it)."""
        if not self.undo_stack:
            return None
        step = self.undo_stack.pop()
        result = assessment.undo(db=self.db, user=self.user, batch=step.batch)
        if result.changed:
            self.redo_stack.append(step)
        return step, result

    def redo(self) -> tuple[Step, assessment.UpdateResult] | None:
        """Re-apply the latest undone step, as a new batch that undo can revert again."""
        if not self.redo_stack:
            return None
        step = self.redo_stack.pop()
        result = assessment.redo(db=self.db, user=self.user, batch=step.batch)
        if result.batch and result.changed:
            self.undo_stack.append(Step(result.batch, len(result.changed), step.label))
        return step, result

    @property
    def next_undo(self) -> Step | None:
        return self.undo_stack[-1] if self.undo_stack else None

    @property
    def next_redo(self) -> Step | None:
        return self.redo_stack[-1] if self.redo_stack else None
