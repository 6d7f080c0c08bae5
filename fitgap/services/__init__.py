"""The one API the TUI and the CLI call: opens sessions, combines the layers, returns view models.

``from fitgap.services import catalog, demo`` binds modules that load on first use (PEP 562 and
importlib's LazyLoader): each command module names the services it may call, and a command run pays only
for those it does call. ``fitgap --version`` and ``--help`` thus load no database or Excel library.
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def __getattr__(name: str) -> ModuleType:
    full = f"{__name__}.{name}"
    if full in sys.modules:
        return sys.modules[full]
    spec = importlib.util.find_spec(full) if not name.startswith("__") else None
    if spec is None or spec.loader is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[full] = module
    loader.exec_module(module)
    globals()[name] = module
    return module
