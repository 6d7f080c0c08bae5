"""Schema step 12 → 13: dispositions as the guidance words them, the 業務見直し register, departments as
owners, and vendors' answers to current functions. New tables only so far (the vendors' answers, see
custom_vendor_step); the other parts of the step add theirs here."""

from __future__ import annotations

import sqlalchemy as sa

from fitgap.storage.custom_vendor_step import add_custom_vendor_answers
from fitgap.storage.disposition_step import add_dispositions


def step_12_to_13(conn: sa.Connection) -> None:
    add_custom_vendor_answers(conn)
    add_dispositions(conn)  # dispositions, the 業務見直し register, departments (see disposition_step)
