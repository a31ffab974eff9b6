"""Risk-register templates a partnership can start from, chosen by form and sector.

The templates are data: one JSON file per template in this package (``toll-road.json``,
``hospital.json``, ...), each valid against ``template.schema.json`` (JSON Schema draft
2020-12). Where each template's risks, allocations and numbers come from is in
``SOURCES.md`` next to them. This module only finds, loads and checks them; it is pure
Python (standard library and jsonschema) and imports neither Django nor another Mitra
package, so the risks app, the CLI and a notebook read the same templates.

A template's ``quantitative`` part uses the risk-model spec's terms
(``shared/specs/risk-model.schema.json``): a probability, an impact distribution (a
*fraction* of the base line item when ``basis`` is ``"relative"``), the line item it hits and
the years concerned, named by phase (``"construction"``, ``"operation"``, ...) because the
partnership's own timeline is only known when the template is applied.

Examples
--------
>>> "toll-road" in template_keys()
True
>>> [t["key"] for t in templates_for("ppp", "toll_road")][0]
'toll-road'
>>> load_template("hospital")["parties"]["pjpk"]["match"]["sector"]
'public'
"""

from __future__ import annotations

import copy
import functools
import json
import math
import re
from collections.abc import Iterable, Iterator
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator

__all__ = [
    "CATEGORIES",
    "MITRA_CATEGORIES",
    "OCDS_CATEGORIES",
    "SHARE_TOLERANCE",
    "TemplateError",
    "load_template",
    "schema",
    "template_keys",
    "templates_for",
    "validate_template",
]

#: File name of the JSON Schema every template must satisfy.
SCHEMA_FILE = "template.schema.json"

#: Allocation shares of a risk must sum to 1 within this tolerance (as in the risk-model spec).
SHARE_TOLERANCE = 1e-9

#: Mitra's own risk categories, added to the OCDS-for-PPPs riskCategory codes.
MITRA_CATEGORIES: tuple[str, ...] = ("social", "political", "coordination")

#: Years (by phase) in which a line item of a parametric base is zero: a relative risk on that
#: line item in those years would never cost anything (capex is zero outside construction;
#: opex and revenue are zero during it; see the risk-model spec, base_cash_flows).
_ZERO_BASE: dict[str, frozenset[str]] = {
    "capex": frozenset({"operation", "first_operation_year", "last_year"}),
    "opex": frozenset({"construction"}),
    "revenue": frozenset({"construction"}),
}

_THAI_FACTOR = re.compile(r"^R\d{2}-\d{2}$")


class TemplateError(ValueError):
    """A packaged template that fails validation; ``errors`` lists every problem found."""

    def __init__(self, key: str, errors: list[str]) -> None:
        self.key = key
        self.errors = list(errors)
        super().__init__(f"risk template {key!r} is invalid:\n" + "\n".join(self.errors))


# --------------------------------------------------------------------------- schema


@functools.cache
def _schema() -> dict[str, Any]:
    text = resources.files(__name__).joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


@functools.cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(_schema())


def schema() -> dict[str, Any]:
    """The template JSON Schema (a fresh copy, safe to modify)."""
    return copy.deepcopy(_schema())


def _enum(name: str) -> tuple[str, ...]:
    return tuple(_schema()["$defs"][name]["enum"])


#: Every allowed risk category: the OCDS codes, then Mitra's own.
CATEGORIES: tuple[str, ...] = _enum("category")

#: The OCDS-for-PPPs riskCategory codes (``ocds:<code>`` references must use one of these).
OCDS_CATEGORIES: tuple[str, ...] = tuple(c for c in CATEGORIES if c not in MITRA_CATEGORIES)


# --------------------------------------------------------------------------- validation


def _path(*parts: str | int) -> str:
    """A JSON path in jsonschema's ``json_path`` notation: ``$.risks[2].allocation``."""
    out = "$"
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _texts(data: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """Every bilingual text of a template, with its path."""
    for field in ("name", "description"):
        yield _path(field), data.get(field)
    parties = data.get("parties")
    if isinstance(parties, dict):
        for key, party in parties.items():
            if isinstance(party, dict):
                yield _path("parties", key, "name"), party.get("name")
    risks = data.get("risks")
    for i, risk in enumerate(risks if isinstance(risks, list) else []):
        if not isinstance(risk, dict):
            continue
        for field in ("title", "description", "rationale"):
            yield _path("risks", i, field), risk.get(field)
        mitigations = risk.get("mitigations")
        for j, mitigation in enumerate(mitigations if isinstance(mitigations, list) else []):
            if isinstance(mitigation, dict):
                yield _path("risks", i, "mitigations", j, "action"), mitigation.get("action")


def _sort_key(parts: Iterable[str | int]) -> list[tuple[int, int, str]]:
    """Document order for paths: ``risks[2]`` before ``risks[10]``."""
    return [(0, p, "") if isinstance(p, int) else (1, 0, p) for p in parts]


def _schema_errors(data: Any) -> list[str]:
    errors = sorted(_validator().iter_errors(data), key=lambda e: _sort_key(e.absolute_path))
    messages = []
    for error in errors:
        message = error.message
        parts = list(error.absolute_path)
        if error.validator == "pattern" and parts[-2:-1] == ["references"]:
            # The regex itself says little to a reader; say what a reference looks like.
            message = f"malformed reference {error.instance!r} (expected 'prefix:value')"
        messages.append(f"{error.json_path}: {message}")
    return messages


def _number(value: Any) -> float | None:
    """``value`` as a float if it is a JSON number (not a boolean), else ``None``."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def _distribution_errors(where: str, dist: Any) -> list[str]:
    if not isinstance(dist, dict):
        return []
    errors = []
    lo, mode, hi = (_number(dist.get(name)) for name in ("min", "mode", "max"))
    kind = dist.get("type")
    if kind in ("triangular", "pert") and lo is not None and mode is not None and hi is not None:
        if not (lo <= mode <= hi and lo < hi):
            errors.append(
                f"{where}: needs min <= mode <= max and min < max,"
                f" got {dist['min']}, {dist['mode']}, {dist['max']}"
            )
    elif kind == "uniform" and lo is not None and hi is not None and not lo < hi:
        errors.append(f"{where}: needs min < max, got {dist['min']}, {dist['max']}")
    for name, value in dist.items():
        if isinstance(value, float) and not math.isfinite(value):
            errors.append(f"{where}.{name}: must be a finite number, got {value}")
    return errors


def _risk_errors(
    i: int, risk: dict[str, Any], parties: set[str], source_keys: set[str]
) -> list[str]:
    errors: list[str] = []
    declared = ", ".join(sorted(parties)) or "none"

    allocation = risk.get("allocation")
    if isinstance(allocation, dict):
        for party in allocation:
            if party not in parties:
                errors.append(
                    f"{_path('risks', i, 'allocation', party)}: unknown party {party!r}"
                    f" (declared parties: {declared})"
                )
        shares = list(allocation.values())
        numbers = [_number(share) for share in shares]
        if shares and all(n is not None for n in numbers):
            total = math.fsum(n for n in numbers if n is not None)
            if not abs(total - 1.0) <= SHARE_TOLERANCE:  # written so that NaN fails too
                errors.append(
                    f"{_path('risks', i, 'allocation')}: shares sum to {total:g}, not 1"
                    f" (tolerance {SHARE_TOLERANCE:g})"
                )

    controlled_by = risk.get("controlled_by")
    if isinstance(controlled_by, str) and controlled_by not in parties:
        errors.append(
            f"{_path('risks', i, 'controlled_by')}: unknown party {controlled_by!r}"
            f" (declared parties: {declared})"
        )

    mitigations = risk.get("mitigations")
    for j, mitigation in enumerate(mitigations if isinstance(mitigations, list) else []):
        owner = mitigation.get("owner") if isinstance(mitigation, dict) else None
        if isinstance(owner, str) and owner not in parties:
            errors.append(
                f"{_path('risks', i, 'mitigations', j, 'owner')}: unknown party {owner!r}"
                f" (declared parties: {declared})"
            )

    references = risk.get("references")
    for j, reference in enumerate(references if isinstance(references, list) else []):
        where = _path("risks", i, "references", j)
        if not isinstance(reference, str):
            continue  # the schema reports the type
        if not re.fullmatch(_schema()["$defs"]["reference"]["pattern"], reference):
            continue  # the schema's pattern reports it (see _schema_errors)
        prefix, _, value = reference.partition(":")
        if prefix not in source_keys:
            errors.append(
                f"{where}: reference {reference!r} cites {prefix!r}, which is not a key of"
                " 'sources'"
            )
        elif prefix == "ocds" and value not in OCDS_CATEGORIES:
            errors.append(f"{where}: {value!r} is not an OCDS-for-PPPs risk category code")
        elif prefix == "th" and not _THAI_FACTOR.match(value):
            errors.append(f"{where}: {value!r} is not a Thai risk_factor_id such as 'R01-02'")

    quantitative = risk.get("quantitative")
    if isinstance(quantitative, dict):
        where = _path("risks", i, "quantitative")
        errors += _distribution_errors(f"{where}.impact", quantitative.get("impact"))
        item, years = quantitative.get("applies_to"), quantitative.get("years")
        if (
            quantitative.get("basis") == "relative"
            and isinstance(item, str)
            and years in _ZERO_BASE.get(item, ())
        ):
            errors.append(
                f"{where}: a relative impact on {item} in the {years} years hits a base line"
                f" item that is zero there; choose other years or another line item"
            )
    return errors


def validate_template(data: Any) -> list[str]:
    """Every problem of a template, as ``"<JSON path>: <message>"`` strings (empty if valid).

    First the JSON Schema errors (``template.schema.json``), then the checks a schema cannot
    express: risk ids are unique; allocation keys, ``controlled_by`` and mitigation owners are
    declared parties; each risk's shares sum to 1 within :data:`SHARE_TOLERANCE`; references
    are ``prefix:value`` with a prefix among the template's source keys (``ocds:`` values are
    OCDS risk category codes, ``th:`` values look like ``R01-02``); every text has a
    non-blank ``id`` and ``en``; distributions have min <= mode <= max; a relative impact
    does not name a line item that is zero in its years.

    Parameters
    ----------
    data
        A parsed template (``json.loads`` of a template file).

    Returns
    -------
    list of str
        The problems, schema errors first; ``[]`` when the template is valid.

    Examples
    --------
    >>> broken = load_template("toll-road")
    >>> broken["risks"][0]["allocation"] = {"pjpk": 0.6, "bup": 0.3}
    >>> validate_template(broken)
    ['$.risks[0].allocation: shares sum to 0.9, not 1 (tolerance 1e-09)']
    """
    errors = _schema_errors(data)
    if not isinstance(data, dict):
        return errors

    for where, text in _texts(data):
        if isinstance(text, dict):
            for lang in ("id", "en"):
                value = text.get(lang)
                if isinstance(value, str) and value and not value.strip():
                    errors.append(f"{where}.{lang}: must not be blank")

    parties_data = data.get("parties")
    parties = set(parties_data) if isinstance(parties_data, dict) else set()
    sources = data.get("sources")
    source_keys = {
        s["key"]
        for s in (sources if isinstance(sources, list) else [])
        if isinstance(s, dict) and isinstance(s.get("key"), str)
    }
    seen_sources: set[str] = set()
    for j, source in enumerate(sources if isinstance(sources, list) else []):
        key = source.get("key") if isinstance(source, dict) else None
        if isinstance(key, str):
            if key in seen_sources:
                errors.append(f"{_path('sources', j, 'key')}: duplicate source key {key!r}")
            seen_sources.add(key)

    risks = data.get("risks")
    first_seen: dict[str, int] = {}
    for i, risk in enumerate(risks if isinstance(risks, list) else []):
        if not isinstance(risk, dict):
            continue
        risk_id = risk.get("id")
        if isinstance(risk_id, str):
            if risk_id in first_seen:
                errors.append(
                    f"{_path('risks', i, 'id')}: duplicate risk id {risk_id!r}"
                    f" (first used at {_path('risks', first_seen[risk_id], 'id')})"
                )
            else:
                first_seen[risk_id] = i
        errors += _risk_errors(i, risk, parties, source_keys)
    return errors


# --------------------------------------------------------------------------- loading


def template_keys() -> list[str]:
    """The keys of the packaged templates (file names without ``.json``), sorted."""
    package = resources.files(__name__)
    return sorted(
        entry.name.removesuffix(".json")
        for entry in package.iterdir()
        if entry.name.endswith(".json") and entry.name != SCHEMA_FILE
    )


@functools.cache
def _load(key: str) -> dict[str, Any]:
    text = resources.files(__name__).joinpath(f"{key}.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    errors = validate_template(data)
    if isinstance(data, dict) and data.get("key") != key:
        errors.append(f"$.key: must be {key!r} (the file name), got {data.get('key')!r}")
    if errors:
        raise TemplateError(key, errors)
    return data


def load_template(key: str) -> dict[str, Any]:
    """The packaged template ``key``, validated (a fresh copy, safe to modify).

    Raises
    ------
    KeyError
        No template has this key (``KeyError`` is a ``LookupError``).
    TemplateError
        The packaged file is invalid (a ``ValueError``; ``errors`` lists the problems).
    """
    keys = template_keys()
    if key not in keys:
        raise KeyError(f"unknown risk template {key!r}; known: {', '.join(keys)}")
    return copy.deepcopy(_load(key))


def templates_for(form: str, sector: str | None = None) -> list[dict[str, Any]]:
    """The templates that suit a partnership form, those of its sector first.

    Parameters
    ----------
    form
        A partnership form (``"ppp"``, ``"psp"``, ``"triple_helix"``, ...).
    sector
        The partnership's development sector (``"toll_road"``, ``"education"``, ...), or
        ``None`` for no preference.

    Returns
    -------
    list of dict
        Every template whose ``forms`` include ``form``: those whose ``sectors`` include
        ``sector`` first, then the others; by key within each group. Fresh copies.

    Raises
    ------
    ValueError
        ``form`` or ``sector`` is not a known code.
    """
    if form not in _enum("form"):
        raise ValueError(f"unknown partnership form {form!r}")
    if sector is not None and sector not in _enum("developmentSector"):
        raise ValueError(f"unknown development sector {sector!r}")
    suitable = [t for t in map(load_template, template_keys()) if form in t["forms"]]
    return sorted(suitable, key=lambda t: (sector not in t["sectors"], t["key"]))
