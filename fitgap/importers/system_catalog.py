"""Read the bundled catalog of typical systems and links (catalog/systems.toml)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from fitgap.errors import InvalidInputError
from fitgap.importers.systems_csv import LinkRecord, SystemRecord, parse_kind, parse_method


@dataclass(frozen=True, slots=True)
class SystemCatalog:
    systems: tuple[SystemRecord, ...]
    links: tuple[LinkRecord, ...]


def read_system_catalog(path: Path) -> SystemCatalog:
    """Every system and link of the catalog, marked typical. Raises InvalidInputError when it is broken."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        systems = tuple(
            SystemRecord(
                name=row["name"],
                kind=parse_kind(row.get("kind", "")),
                operations=tuple(str(c) for c in row.get("operations", [])),
                vendor=row.get("vendor"),
                note=row.get("note", ""),
                typical=True,
            )
            for row in data.get("system", [])
        )
        names = {s.name for s in systems}
        links = []
        for row in data.get("link", []):
            for consumer in row["consumers"]:
                if row["provider"] not in names or consumer not in names or row["provider"] == consumer:
                    raise ValueError(f"bad link {row['provider']} → {consumer}")
                links.append(
                    LinkRecord(
                        provider=row["provider"],
                        consumer=consumer,
                        data=",".join(row.get("data", [])),
                        method=parse_method(row.get("method", "")),
                        typical=True,
                    )
                )
    except (OSError, tomllib.TOMLDecodeError, KeyError, ValueError) as exc:
        raise InvalidInputError(f"カタログ {path} を読めません: {exc}", "fitgap を入れ直してください。") from exc
    pairs = [(lk.provider, lk.consumer) for lk in links]
    if len(set(pairs)) != len(pairs) or len(names) != len(systems):
        raise InvalidInputError(f"カタログ {path} に重複があります。", "fitgap を入れ直してください。")
    return SystemCatalog(systems=systems, links=tuple(links))
