"""What the workbench works on: the database, who is working, today, and the undo/redo history.

The database may be handed over unopened (a function that opens it): the home screen is then drawn from
a quick read first, and the database (with SQLAlchemy) is opened by the first thing that needs it, the
search index's worker right after the first frame; whoever comes while it is being opened waits for it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from fitgap.domain.enums import Status
from fitgap.tui.drafts import DraftStore

if TYPE_CHECKING:  # the services load SQLAlchemy: only once the database is open (system edits the graph)
    from fitgap.services import assessment, changes, system_history
    from fitgap.services.database import Database
    from fitgap.services.items import ItemKey


ASSESSMENT, SYSTEMS = "assessment", "systems"  # the kinds of change: each screen undoes its own


@dataclass
class Step:
    """One user action that can be undone: the batch it wrote and how many items it touched; for a
    system edit, the state of the systems before and after it; for an edit of a 改修 item, that edit."""

    batch: str
    size: int
    label: str
    kind: str = ASSESSMENT
    before: system_history.SystemsState | None = None
    after: system_history.SystemsState | None = None
    change: changes.ChangeEdit | None = None


@dataclass
class Reverted:
    """What undo or redo did: the step, how many items (or system changes) it wrote back, and the items
    someone else had changed since, which it left as they are."""

    step: Step
    changed: int
    conflicts: list[assessment.Conflict] = field(default_factory=list)


@dataclass
class Workspace:
    database: Database | Callable[[], Database]  # the database, or how to open it when first needed
    user: str
    today: date
    undo_stack: list[Step] = field(default_factory=list)
    redo_stack: list[Step] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)  # 業務コード → name, filled by the home screen
    short_names: dict[str, str] = field(default_factory=dict)
    action_inputs: dict[str, dict[str, str]] = field(default_factory=dict)  # what was typed in each file action
    _note_rule: frozenset[Status] | None = None
    _opening: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def db(self) -> Database:
        """The database, opened by the first caller (any thread); the others wait for it."""
        if callable(self.database):
            with self._opening:
                if callable(self.database):
                    self.database = self.database()
        assert not callable(self.database)
        return self.database

    @property
    def drafts(self) -> DraftStore:
        """What the user typed and has not saved (notes, reasons, forms), kept in the database."""
        return DraftStore(self)

    @property
    def is_open(self) -> bool:
        return not callable(self.database)

    def note_rule(self) -> frozenset[Status]:
        from fitgap.services import assessment

        if self._note_rule is None:
            self._note_rule = assessment.get_note_rule(db=self.db)
        return self._note_rule

    def reset_note_rule(self) -> None:
        self._note_rule = None

    def update(self, keys: Sequence[ItemKey], *, label: str, expected: Mapping[ItemKey, int] | None = None,
               join_bpr: int | None = None, **changes: Any) -> assessment.UpdateResult:
        """One user action: one transaction, one batch; remembered for undo when it changed anything. A
        decision that changes the work joins the 業務見直し item ``join_bpr`` (None: a new one)."""
        from fitgap.services import assessment

        result = assessment.update_items(db=self.db, user=self.user, keys=list(keys),
                                         expected_revisions=expected, join_bpr=join_bpr, **changes)
        if result.batch and result.changed:
            self.remember(Step(result.batch, len(result.changed), label))
        return result

    def apply(self, changes: Mapping[ItemKey, assessment.ItemChange], *, label: str,
              expected: Mapping[ItemKey, int] | None = None, join_bpr: int | None = None) -> assessment.UpdateResult:
        """Different changes per item (a previewed bulk change) as one action, remembered for undo."""
        from fitgap.services import assessment

        result = assessment.apply_changes(db=self.db, user=self.user, changes=changes, expected_revisions=expected,
                                          join_bpr=join_bpr)
        if result.batch and result.changed:
            self.remember(Step(result.batch, len(result.changed), label))
        return result

    def remember(self, step: Step) -> None:
        """A new undoable step: it clears what could be redone of the same kind."""
        self.undo_stack.append(step)
        self.redo_stack[:] = [s for s in self.redo_stack if s.kind != step.kind]

    def remember_systems(self, label: str, before: system_history.SystemsState,
                         after: system_history.SystemsState) -> None:  # (taken with system_history.capture)
        """A system edit made on the systems screen (only when it changed something)."""
        if not before.same_as(after):
            self.remember(Step("", 1, label, kind=SYSTEMS, before=before, after=after))

    def remember_change(self, label: str, edit: changes.ChangeEdit) -> None:
        """An edit of a 改修 item on the systems screen: undone with z like the screen's other edits."""
        if edit.changed:
            self.remember(Step("", 1, label, kind=SYSTEMS, change=edit))

    @staticmethod
    def _take(stack: list[Step], kind: str) -> Step | None:
        for i in range(len(stack) - 1, -1, -1):
            if stack[i].kind == kind:
                return stack.pop(i)
        return None

    def undo(self, kind: str = ASSESSMENT) -> Reverted | None:
        """Revert the latest step of this kind; the original goes on the redo stack (redo re-applies it)."""
        step = self._take(self.undo_stack, kind)
        if step is None:
            return None
        if step.kind == SYSTEMS:
            return self._restore_systems(step, undo=True)
        from fitgap.services import assessment

        result = assessment.undo(db=self.db, user=self.user, batch=step.batch)
        if result.changed:
            self.redo_stack.append(step)
        return Reverted(step, len(result.changed), result.conflicts)

    def redo(self, kind: str = ASSESSMENT) -> Reverted | None:
        """Re-apply the latest undone step of this kind, as a new step that undo can revert again."""
        step = self._take(self.redo_stack, kind)
        if step is None:
            return None
        if step.kind == SYSTEMS:
            return self._restore_systems(step, undo=False)
        from fitgap.services import assessment

        result = assessment.redo(db=self.db, user=self.user, batch=step.batch)
        if result.batch and result.changed:
            self.undo_stack.append(Step(result.batch, len(result.changed), step.label))
        return Reverted(step, len(result.changed), result.conflicts)

    def _restore_systems(self, step: Step, *, undo: bool) -> Reverted:
        """The systems back to the state before the step (undo) or after it (redo), if nobody changed them
        since; the step moves to the other stack."""
        from fitgap.services import changes, system_history

        if step.change is not None:  # a 改修 item: put back as before the edit (refused if changed since)
            done = changes.undo_edit(db=self.db, user=self.user, edit=step.change)
            (self.redo_stack if undo else self.undo_stack).append(replace(step, change=done))
            return Reverted(step, 1)
        assert step.before is not None and step.after is not None
        target, expect = (step.before, step.after) if undo else (step.after, step.before)
        n = system_history.restore(db=self.db, user=self.user, target=target, expect=expect,
                                   action="system.undo" if undo else "system.redo")
        (self.redo_stack if undo else self.undo_stack).append(step)
        return Reverted(step, n)

    def next_undo(self, kind: str = ASSESSMENT) -> Step | None:
        return next((s for s in reversed(self.undo_stack) if s.kind == kind), None)

    def next_redo(self, kind: str = ASSESSMENT) -> Step | None:
        return next((s for s in reversed(self.redo_stack) if s.kind == kind), None)
