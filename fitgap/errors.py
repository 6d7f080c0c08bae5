"""User-facing errors. Every error a user can meet is a FitGapError with a message and a hint."""

from __future__ import annotations


class FitGapError(Exception):
    """An error the user can act on: what is wrong (message) and what to do (hint)."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n対処: {self.hint}"


class NotFoundError(FitGapError):
    """An ID, name or file that does not exist."""


class AmbiguousError(FitGapError):
    """A name that matches several things."""


class InvalidInputError(FitGapError):
    """A file or value that cannot be read as given."""


class DatabaseError(FitGapError):
    """The database cannot be opened or used: not fitgap's, corrupt, too new, or busy."""


class DatabaseBusyError(DatabaseError):
    """Another user or process holds the database lock for longer than the busy timeout."""


class ConflictError(FitGapError):
    """Someone else changed an item after it was shown."""
