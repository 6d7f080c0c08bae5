"""Every action and entity fitgap records in the audit log has its Japanese label in the audit export."""

from __future__ import annotations

import re
from pathlib import Path

import fitgap
from fitgap.services.audit_export import ACTION_LABELS, ENTITY_LABELS

# where events are recorded, and the screens that name the action of an undo (e.g. system.undo)
SOURCES = [p for layer in ("services", "storage", "tui") for p in (Path(fitgap.__file__).parent / layer).rglob("*.py")]
NAME = r"[a-z_]+\.[a-z_.]+"
ACTIONS = [rf'action="({NAME})"', rf'action: str = "({NAME})"', rf'else "({NAME})"', rf'\.log\("({NAME})"', rf'"action": "({NAME})"']
ENTITIES = [rf'\.log\("{NAME}", "([a-z_]+)"', r'entity="([a-z_]+)"', r'"entity": "([a-z_]+)"', r'^ENTITY = "([a-z_]+)"']


def _found(patterns: list[str], *, actions: bool = True) -> set[str]:
    text = "\n".join(p.read_text(encoding="utf-8") for p in SOURCES)
    names = {m for pat in patterns for m in re.findall(pat, text, flags=re.MULTILINE)}
    for prefix in re.findall(r'action=f"([a-z_]+)\.\{direction\}"', text) if actions else ():  # undo / redo of an edit
        names |= {f"{prefix}.undo", f"{prefix}.redo"}
    return names


def test_every_recorded_action_has_a_label() -> None:
    actions = _found(ACTIONS)
    assert {"assessment.update", "assessment.undo", "vendor.import", "custom.map", "system.undo"} <= actions
    assert sorted(actions - ACTION_LABELS.keys()) == []


def test_every_recorded_entity_has_a_label() -> None:
    entities = _found(ENTITIES, actions=False)
    assert {"assessment", "system", "interface_change", "current_function"} <= entities
    assert sorted(entities - ENTITY_LABELS.keys()) == []


def test_actions_made_of_a_reason_and_the_fields_of_every_entity_have_labels() -> None:
    from fitgap.services import changes, custom, post_cutover
    from fitgap.services.audit_export import FIELD_LABELS, display_value

    text = (Path(fitgap.__file__).parent / "services" / "specs_import.py").read_text(encoding="utf-8")
    assert 'f"spec.import.{s.reason}"' in text  # the carried items: review, archive, restore
    assert {"spec.import.review", "spec.import.archive", "spec.import.restore"} <= ACTION_LABELS.keys()
    fields = {*changes.FIELDS, *custom.FIELDS, *post_cutover.FIELDS, "archived", "add", "yearly_cost_kyen"}
    assert sorted(fields - FIELD_LABELS.keys()) == []
    assert all(not re.fullmatch(r"[a-z_]+", FIELD_LABELS[f]) for f in fields)  # Japanese, never the code
    # values as a person reads them: a cost in 千円 without Python's float, a flag as はい / いいえ
    assert display_value("cost_kyen", "3500.0") == "3,500" and display_value("yearly_cost_kyen", "12.5") == "12.5"
    assert display_value("outside_spec", "1") == "はい" and display_value("archived", "True") == "はい"
