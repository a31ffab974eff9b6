"""Column mappings: load a mapping (shipped, a JSON file, or saved in the web UI) and check it
against ``mappings/mapping.schema.json`` and against what Mitra knows."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from django.utils.translation import gettext as _

from mitra.core.errors import ApplicationError
from mitra.partnerships.models import CODE_PREFIX, DevelopmentSector, Role, Stage

MAPPINGS_DIR = Path(__file__).resolve().parent.parent / "mappings"
SCHEMA_PATH = MAPPINGS_DIR / "mapping.schema.json"


# --------------------------------------------------------------------------------------------
# Mappings


@dataclass
class TableMapping:
    """A loaded, schema-checked mapping: ``spec`` is the JSON document as written."""

    name: str
    spec: dict[str, Any]
    path: str = ""

    @property
    def title(self) -> str:
        return str(self.spec.get("title") or self.name)

    @property
    def placeholders(self) -> set[str]:
        return {p.strip().casefold() for p in self.spec.get("placeholders", [])}

    def columns(self) -> list[str]:
        """Every column the mapping reads (a file must have them all)."""
        found: list[str] = list(self.spec.get("id_columns", []))

        def walk(node: Any) -> None:
            if isinstance(node, dict):
                for key, value in node.items():
                    if key in ("column", "identifier_column", "sector_column", "role_column"):
                        if isinstance(value, str):
                            found.append(value)
                    elif key == "columns" and isinstance(value, list):
                        found.extend(v for v in value if isinstance(v, str))
                    elif key in ("data_columns", "amounts") and isinstance(value, dict):
                        found.extend(value)
                        walk(value)
                    elif key == "when" and isinstance(value, dict):
                        found.extend(value)
                    elif key == "source_label" and isinstance(value, dict):
                        found.extend(v for v in value.values() if isinstance(v, str))
                    else:
                        walk(value)
            elif isinstance(node, list):
                for item in node:
                    walk(item)

        walk(self.spec.get("partnership", {}))
        walk(self.spec.get("members", []))
        walk(self.spec.get("other_data", {}))
        walk(self.spec.get("prefer_row", {}))
        walk(self.spec.get("row_series", {}).get("fields", {}))
        return list(dict.fromkeys(found))


@cache
def mapping_schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def shipped_mappings() -> list[str]:
    """Names of the mappings that ship with Mitra (``mitra/imports/mappings/*.json``)."""
    return sorted(p.stem for p in MAPPINGS_DIR.glob("*.json") if p.name != SCHEMA_PATH.name)


def validate_mapping(spec: Any) -> list[str]:
    """Problems of a mapping document against the schema, as "path: message" lines."""
    validator = jsonschema.Draft202012Validator(mapping_schema())
    problems = []
    for err in sorted(validator.iter_errors(spec), key=lambda e: list(e.absolute_path)):
        where = "$" + "".join(
            f"[{p}]" if isinstance(p, int) else f".{p}" for p in err.absolute_path
        )
        problems.append(f"{where}: {err.message}")
    return problems


def _semantic_problems(spec: dict[str, Any]) -> list[str]:
    """What the schema cannot say: roles, sectors, kinds and enum targets Mitra knows."""
    from mitra.organisations.models import KINDS_BY_SECTOR

    problems = []
    targets = {
        "form": set(CODE_PREFIX),
        "development_sector": set(DevelopmentSector.values),
        "stage": set(Stage.values),
    }
    for name, fspec in spec.get("partnership", {}).items():
        allowed = targets.get(name)
        if not allowed:
            continue
        values = list(fspec.get("map", {}).values()) + [
            fspec[k] for k in ("value", "default", "fallback") if k in fspec
        ]
        values += [r["value"] for r in fspec.get("rules", [])]
        for v in values:
            if v not in allowed:
                problems.append(f"$.partnership.{name}: unknown value {v!r}")
    for name in (spec.get("prefer_row") or {}).get("fields", []):
        if name not in spec.get("partnership", {}):
            problems.append(f"$.prefer_row.fields: {name!r} is not a partnership field")
    for i, m in enumerate(spec.get("members", [])):
        roles = list(m.get("roles", [])) + [r for rs in m.get("role_map", {}).values() for r in rs]
        problems += [f"$.members[{i}]: unknown role {r!r}" for r in roles if r not in Role.values]
        pairs = list(m.get("sector_map", {}).values())
        if "sector" in m:
            pairs.append([m["sector"], m.get("kind", "other")])
            pairs += [[m["sector"], r["kind"]] for r in m.get("kind_rules", [])]
        for sector, kind in pairs:
            if kind not in KINDS_BY_SECTOR.get(sector, set()):
                problems.append(f"$.members[{i}]: kind {kind!r} is not of sector {sector!r}")
    for i, e in enumerate(spec.get("organisations", {}).get("aliases", [])):
        sector, kind = e.get("sector", "public"), e.get("kind", "other")
        if kind not in KINDS_BY_SECTOR.get(sector, set()):
            problems.append(f"$.organisations.aliases[{i}]: kind {kind!r} is not of {sector!r}")
    return problems


def mapping_from_spec(spec: Any, *, path: str = "") -> TableMapping:
    problems = validate_mapping(spec) or _semantic_problems(spec)
    if problems:
        raise ApplicationError(
            _("The column mapping is not valid: %(problems)s") % {"problems": "; ".join(problems)},
            {"field": "mapping", "problems": problems},
        )
    return TableMapping(name=spec["name"], spec=spec, path=path)


def load_mapping(name_or_path: str) -> TableMapping:
    """A shipped mapping by name, a JSON file by path, or a mapping saved in the web UI."""
    candidate = Path(name_or_path)
    if candidate.suffix == ".json" and candidate.is_file():
        path = candidate
    elif (
        re.fullmatch(r"[A-Za-z0-9_.-]+", name_or_path)
        and (MAPPINGS_DIR / f"{name_or_path}.json").is_file()
    ):
        path = MAPPINGS_DIR / f"{name_or_path}.json"
    else:
        from ..models import SavedMapping

        saved = SavedMapping.objects.filter(name=name_or_path).first()
        if saved is None:
            raise ApplicationError(
                _("No column mapping named %(name)s (shipped: %(names)s).")
                % {"name": name_or_path, "names": ", ".join(shipped_mappings())},
                {"field": "mapping"},
            )
        return mapping_from_spec(saved.spec, path=f"saved:{saved.pk}")
    try:
        spec = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ApplicationError(
            _("The column mapping %(path)s cannot be read: %(error)s")
            % {"path": path.name, "error": exc},
            {"field": "mapping"},
        ) from None
    return mapping_from_spec(spec, path=str(path))
