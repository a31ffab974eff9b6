"""Validate exported packages against local copies of the OCDS for PPPs and OC4IDS schemas.

`validate_package(data, schema_dir)` runs:

1. JSON Schema Draft 4 (`jsonschema.Draft4Validator`) with format checking on. Every `$ref` is
   resolved through a `referencing.Registry` that maps each schema's `id` URL to its file under
   `schema_dir`: nothing is fetched from the network. `date-time` (RFC 3339) and `uri` (an
   absolute RFC 3986 URI) are checked here, since the optional libraries jsonschema would use for
   them are not installed. Failures are **errors**.
2. A walk of the data along the schema that reports **warnings**: fields the schema does not
   declare (`properties`/`patternProperties`), and values outside an *open* codelist (the
   schema's `codelist` + `openCodelist: true`; closed codelists are `enum`s, checked in step 1).

`schema_dir` is the folder of the shared data (`shared/data/ocds` or `shared/data/oc4ids`), or any
folder holding those files: schemas are found by their `id`, codelists in `ppp/codelist-patched/`
(OCDS for PPPs) or `schema/codelists/` (OC4IDS). Every issue has a JSON path (`$.releases[0].tag`).
"""

from __future__ import annotations

import csv
import datetime
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

OCDS_RELEASE_SCHEMA = "https://standard.open-contracting.org/schema/1__1__5/release-schema.json"
PPP_RELEASE_SCHEMA = (
    "https://standard.open-contracting.org/profiles/ppp/schema/1__0__0__beta3/release-schema.json"
)
#: The package schema that validates each kind of package.
PACKAGE_SCHEMAS = {
    "release-package": "https://standard.open-contracting.org/profiles/ppp/schema/1__0__0__beta3/"
    "release-package-schema.json",
    "record-package": "https://standard.open-contracting.org/schema/1__1__5/record-package-schema.json",
    "project-package": "https://standard.open-contracting.org/infrastructure/schema/0__9__5/"
    "project-package-schema.json",
}
#: Where each kind's codelists are, relative to the schema folder (first found wins).
CODELIST_DIRS = {
    "release-package": ("ppp/codelist-patched", "codelist-patched"),
    "record-package": ("ppp/codelist-patched", "codelist-patched"),
    "project-package": ("schema/codelists", "codelists"),
}

_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]*$")


def is_date_time(value: object) -> bool:
    """RFC 3339 date-time: date, time, seconds, an offset; and a real calendar moment."""
    if not isinstance(value, str):
        return True
    if not _DATE_TIME.match(value):
        return False
    try:
        datetime.datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def is_uri(value: object) -> bool:
    """An absolute URI (RFC 3986): a scheme, no spaces or characters a URI may not hold."""
    if not isinstance(value, str):
        return True
    if not _URI.match(value):
        return False
    try:
        urlsplit(value)
    except ValueError:
        return False
    return True


def format_checker() -> FormatChecker:
    checker = FormatChecker()
    checker.checks("date-time")(is_date_time)
    checker.checks("uri")(is_uri)
    return checker


@dataclass(frozen=True)
class Issue:
    path: str
    message: str
    #: "schema" (an error), "undeclared" or "codelist" (warnings).
    kind: str
    value: Any = None


@dataclass
class ValidationResult:
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def codelist_values(self) -> set[str]:
        return {str(w.value) for w in self.warnings if w.kind == "codelist"}


# --- loading the local schemas -----------------------------------------------------------------


def local_schemas(schema_dir: Path) -> dict[str, dict[str, Any]]:
    """Every JSON Schema file under `schema_dir`, by its `id` URL (first file found wins)."""
    found: dict[str, dict[str, Any]] = {}
    for path in sorted(Path(schema_dir).rglob("*.json")):
        try:
            contents = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(contents, dict) or "$schema" not in contents:
            continue
        url = contents.get("id") or contents.get("$id")
        if isinstance(url, str) and url.startswith("http"):
            found.setdefault(url, contents)
    return found


def build_registry(
    schema_dir: Path, *, aliases: dict[str, str] | None = None
) -> tuple[Registry, dict[str, dict[str, Any]]]:
    """A registry of the local schemas; `aliases` map one URL to another's contents (used to
    check a record package's releases against the PPP release schema, not the core one)."""
    schemas = local_schemas(schema_dir)
    for url, target in (aliases or {}).items():
        if target in schemas:
            schemas[url] = schemas[target]
    resources = [
        (url, Resource.from_contents(contents, default_specification=DRAFT4))
        for url, contents in schemas.items()
    ]
    return Registry().with_resources(resources), schemas


def load_codelists(schema_dir: Path, kind: str) -> dict[str, set[str]]:
    for sub in CODELIST_DIRS[kind]:
        folder = Path(schema_dir) / sub
        if folder.is_dir():
            out: dict[str, set[str]] = {}
            for path in folder.glob("*.csv"):
                with path.open(encoding="utf-8", newline="") as handle:
                    out[path.name] = {row["Code"] for row in csv.DictReader(handle)}
            return out
    raise FileNotFoundError(f"no codelist folder for {kind} under {schema_dir}")


def package_kind(data: Any) -> str:
    if isinstance(data, dict):
        if "releases" in data:
            return "release-package"
        if "records" in data:
            return "record-package"
        if "projects" in data:
            return "project-package"
    raise ValueError("not an OCDS release/record package or an OC4IDS project package")


# --- validation --------------------------------------------------------------------------------


def json_path(parts: Any) -> str:
    out = "$"
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def validate_package(
    data: Any, schema_dir: Path | str, *, kind: str | None = None
) -> ValidationResult:
    """Schema errors and undeclared-field / open-codelist warnings for one package."""
    schema_dir = Path(schema_dir)
    kind = kind or package_kind(data)
    aliases = {OCDS_RELEASE_SCHEMA: PPP_RELEASE_SCHEMA} if kind == "record-package" else {}
    registry, schemas = build_registry(schema_dir, aliases=aliases)
    url = PACKAGE_SCHEMAS[kind]
    if url not in schemas:
        raise FileNotFoundError(f"{url} not found under {schema_dir}")
    schema = schemas[url]
    validator = Draft4Validator(schema, registry=registry, format_checker=format_checker())
    result = ValidationResult()
    for error in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path)):
        result.errors.append(Issue(json_path(error.absolute_path), error.message, "schema"))
    walker = _Walker(registry, load_codelists(schema_dir, kind), result)
    walker.walk(data, schema, registry.resolver(base_uri=url), [])
    return result


class _Walker:
    """Walks data and schema together, reporting undeclared fields and open-codelist values."""

    def __init__(
        self, registry: Registry, codelists: dict[str, set[str]], result: ValidationResult
    ) -> None:
        self.registry = registry
        self.codelists = codelists
        self.result = result

    def walk(self, data: Any, schema: Any, resolver: Any, path: list[Any]) -> None:
        if not isinstance(schema, dict):
            return
        while "$ref" in schema:
            resolved = resolver.lookup(schema["$ref"])
            schema, resolver = resolved.contents, resolved.resolver
        for key in ("oneOf", "anyOf"):
            if key in schema:
                for branch in schema[key]:
                    validator = Draft4Validator(branch, registry=self.registry, _resolver=resolver)
                    if validator.is_valid(data):
                        self.walk(data, branch, resolver, path)
                        break
        for branch in schema.get("allOf", []):
            self.walk(data, branch, resolver, path)
        if schema.get("codelist") and schema.get("openCodelist"):
            self._codelist(data, schema["codelist"], path)
        if isinstance(data, dict):
            self._object(data, schema, resolver, path)
        elif isinstance(data, list) and isinstance(schema.get("items"), dict):
            for i, item in enumerate(data):
                self.walk(item, schema["items"], resolver, [*path, i])

    def _object(self, data: dict, schema: dict, resolver: Any, path: list[Any]) -> None:
        properties = schema.get("properties") or {}
        patterns = schema.get("patternProperties") or {}
        extra = schema.get("additionalProperties", True)
        if not properties and not patterns:
            return
        for key, value in data.items():
            if key in properties:
                self.walk(value, properties[key], resolver, [*path, key])
                continue
            matched = [s for p, s in patterns.items() if re.search(p, key)]
            if matched:
                for sub in matched:
                    self.walk(value, sub, resolver, [*path, key])
            elif isinstance(extra, dict):
                self.walk(value, extra, resolver, [*path, key])
            elif extra is not False:  # additionalProperties false is a schema error already
                self.result.warnings.append(
                    Issue(
                        json_path([*path, key]),
                        f"'{key}' is not declared in the schema",
                        "undeclared",
                        key,
                    )
                )

    def _codelist(self, data: Any, name: str, path: list[Any]) -> None:
        codes = self.codelists.get(name)
        if codes is None:
            return
        values = data if isinstance(data, list) else [data]
        for i, value in enumerate(values):
            if isinstance(value, str) and value not in codes:
                where = [*path, i] if isinstance(data, list) else path
                self.result.warnings.append(
                    Issue(
                        json_path(where),
                        f"'{value}' is not in the open codelist {name}",
                        "codelist",
                        value,
                    )
                )
