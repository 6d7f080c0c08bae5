"""The one API the TUI and the CLI call: opens sessions, combines the layers, returns view models.

``from fitgap.services import catalog, demo`` binds stand-ins that import the real module on first use
(PEP 562): each command module names the services it may call, and a command run pays only for those it
does call. ``fitgap --version`` and ``--help`` thus load no database or Excel library. The real import
goes through ``importlib.import_module``, so two threads (a screen and its worker) may touch a stand-in
at once; ``import fitgap.services.x`` anywhere replaces the stand-in with the module itself.
"""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType
from typing import Any


class _OnFirstUse(ModuleType):
    """Stands for ``fitgap.services.<name>`` until an attribute is needed, then delegates to the module."""

    def __getattr__(self, attr: str) -> Any:
        return getattr(importlib.import_module(self.__name__), attr)

    def __setattr__(self, attr: str, value: Any) -> None:
        setattr(importlib.import_module(self.__name__), attr, value)

    def __dir__(self) -> list[str]:
        return dir(importlib.import_module(self.__name__))


def __getattr__(name: str) -> ModuleType:
    full = f"{__name__}.{name}"
    if name.startswith("__") or importlib.util.find_spec(full) is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    stand_in = _OnFirstUse(full)
    globals()[name] = stand_in
    return stand_in
