"""Queries on drafts (table draft): what a user typed in the workbench and has not saved yet."""

from __future__ import annotations

from sqlmodel import Session, select

from fitgap.domain.models import Draft


def get_draft(*, session: Session, user: str, kind: str, slot: str) -> Draft | None:
    return session.exec(select(Draft).where(Draft.user == user, Draft.kind == kind, Draft.slot == slot)).first()


def put_draft(*, session: Session, draft: Draft) -> Draft:
    """Insert ``draft`` or replace the one of the same user, kind and slot (one draft per user and item)."""
    found = get_draft(session=session, user=draft.user, kind=draft.kind, slot=draft.slot)
    if found is not None:
        for name in ("label", "text", "fields", "base_revision", "base_text", "updated_at"):
            setattr(found, name, getattr(draft, name))
        draft = found
    session.add(draft)
    session.flush()
    return draft


def delete_draft(*, session: Session, user: str, kind: str, slot: str) -> bool:
    found = get_draft(session=session, user=user, kind=kind, slot=slot)
    if found is None:
        return False
    session.delete(found)
    session.flush()
    return True


def list_drafts(*, session: Session, user: str) -> list[Draft]:
    """The user's drafts, the latest first."""
    return list(session.exec(select(Draft).where(Draft.user == user)
                             .order_by(Draft.updated_at.desc(), Draft.id.desc())))  # type: ignore[attr-defined,union-attr]
