"""A file-path input that completes paths as the user types (→ or tab-free: the suggestion is accepted with →)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from textual.suggester import Suggester
from textual.widgets import Input


class PathSuggester(Suggester):
    """Suggests the first folder or file (of the given suffixes) that completes what was typed."""

    def __init__(self, *, suffixes: Sequence[str] = (), base: Path | None = None) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.suffixes = tuple(s.lower() for s in suffixes)
        self.base = base

    async def get_suggestion(self, value: str) -> str | None:
        return complete_path(value, suffixes=self.suffixes, base=self.base)


def complete_path(value: str, *, suffixes: Sequence[str] = (), base: Path | None = None) -> str | None:
    """``value`` completed with the first matching entry of its folder (folders end with /), or None."""
    if not value:
        return None
    typed = Path(value).expanduser()
    if not typed.is_absolute() and base is not None:
        typed = base / typed
    folder, stem = (typed, "") if value.endswith(("/", "\\")) else (typed.parent, typed.name)
    try:
        entries = sorted(folder.iterdir(), key=lambda p: (not p.is_dir(), p.name))
    except OSError:
        return None
    for entry in entries:
        if not entry.name.startswith(stem) or entry.name.startswith("."):
            continue
        is_dir = entry.is_dir()
        if not is_dir and suffixes and entry.suffix.lower() not in suffixes:
            continue
        rest = entry.name[len(stem):]
        if not rest and not is_dir:
            continue
        return value + rest + ("/" if is_dir else "")
    return None


class PathInput(Input):
    """An Input for a file path; → accepts the completion shown in grey."""

    def __init__(self, value: str = "", *, suffixes: Sequence[str] = (), placeholder: str = "",
                 id: str | None = None) -> None:
        super().__init__(value=value, placeholder=placeholder, id=id, suggester=PathSuggester(suffixes=suffixes),
                         compact=True)
