"""Part of schema step 12 → 13: vendors' answers to the current functions (独自機能回答票). A new table only;
nothing existing changes. Called by :func:`fitgap.storage.step_12_to_13.step_12_to_13`."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import SQLModel

from fitgap.domain import models as m

CUSTOM_VENDOR_TABLES = [m.CustomVendorAnswer]


def add_custom_vendor_answers(conn: sa.Connection) -> None:
    SQLModel.metadata.create_all(conn, tables=[t.__table__ for t in CUSTOM_VENDOR_TABLES])  # type: ignore[attr-defined]
