"""Shared plumbing of the spec loaders (private; the public names live in the spec modules).

Every spec module (``risk.spec``, ``finance.spec``, ``sharing.spec``,
``alignment.spec``, ``appraisal.vfm``, ``appraisal.fiscal``, ``appraisal.stress``)
reads a packaged JSON Schema, validates a parsed document against it, words the
jsonschema errors as :class:`SpecIssue` ``(path, message)`` and raises
:class:`SpecError`. That common part is here, shared by every subpackage; the
semantic checks and the dataclasses stay with each spec. :class:`SpecIssue`, :class:`SpecError` and :func:`read_spec_file` are
public as ``mitra.analysis.risk.spec.*`` (and ``mitra.analysis.*``).
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported when a spec is first validated, not by a CLI's --help
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

__all__ = [
    "SpecError",
    "SpecIssue",
    "checked",
    "describe_error",
    "json_path",
    "non_finite",
    "packaged_schema",
    "read_spec_file",
    "schema_problems",
    "show",
    "sort_key",
    "sorted_issues",
    "validate",
    "validator",
]


# --------------------------------------------------------------------------- errors


@dataclass(frozen=True, slots=True)
class SpecIssue:
    """One problem in a spec: where (a JSON path like ``$.risks[2].years[0]``) and what."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class SpecError(ValueError):
    """A spec that cannot be read or is invalid; ``issues`` lists every problem found."""

    def __init__(self, issues: Sequence[SpecIssue]) -> None:
        self.issues: tuple[SpecIssue, ...] = tuple(issues)
        super().__init__("\n".join(str(issue) for issue in self.issues))


# Their public home (as shown in tracebacks, used by pickle and the docs).
SpecIssue.__module__ = SpecError.__module__ = "mitra.analysis.risk.spec"


# --------------------------------------------------------------------------- schemas


def packaged_schema(name: str) -> dict[str, Any]:
    """The JSON Schema ``name`` shipped in this package (``schemas/NAME``), freshly parsed."""
    text = resources.files("mitra.analysis").joinpath(f"schemas/{name}")
    loaded: dict[str, Any] = json.loads(text.read_text(encoding="utf-8"))
    return loaded


_VALIDATORS: dict[str, Draft202012Validator] = {}


def validator(name: str) -> Draft202012Validator:
    """The (cached) draft 2020-12 validator of the packaged schema ``name``."""
    if name not in _VALIDATORS:
        from jsonschema import Draft202012Validator

        _VALIDATORS[name] = Draft202012Validator(packaged_schema(name))
    return _VALIDATORS[name]


# --------------------------------------------------------------------------- paths and words


def json_path(parts: Iterable[str | int]) -> str:
    """The JSON path of ``parts``: ``["risks", 2, "years"]`` is ``$.risks[2].years``."""
    out = "$"
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part.replace("_", "a").isalnum() and not part[:1].isdigit():
            out += f".{part}"
        else:
            out += f"[{json.dumps(part)}]"
    return out


def show(value: Any) -> str:
    """A value as JSON for a message, cut to 60 characters."""
    text = json.dumps(value, ensure_ascii=False, allow_nan=True)
    return text if len(text) <= 60 else text[:57] + "..."


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


_TYPE_WORDS = {
    "number": "a number",
    "integer": "a whole number",
    "string": "a string",
    "array": "an array",
    "object": "an object",
    "boolean": "true or false",
}

_PATTERN_WORDS = {
    "^[A-Z]{3}$": "must be a three-letter upper-case ISO 4217 currency code such as EUR",
    "^[A-Za-z][A-Za-z0-9_.-]*$": (
        "must start with a letter and contain only letters, digits, '_', '.' and '-'"
    ),
    "^[a-z][a-z0-9_]*$": "must start with a lower-case letter and contain only a-z, 0-9 and '_'",
}

_DISCRIMINATORS = {"type": "distribution type", "mode": "base_cash_flows mode"}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def describe_error(error: ValidationError) -> list[SpecIssue]:
    """A jsonschema error in plain words, as one or more :class:`SpecIssue`."""
    parts = list(error.absolute_path)
    where = json_path(parts)
    kw, expected, got = error.validator, error.validator_value, error.instance
    if kw == "oneOf":
        return _one_of_issues(error)
    if "propertyNames" in error.relative_schema_path:
        rule = _PATTERN_WORDS.get(str(expected), f"must match {expected}")
        return [SpecIssue(where, f"invalid key {show(got)}: keys {rule}")]
    if kw == "required":
        missing = [name for name in expected if isinstance(got, dict) and name not in got]
        return [SpecIssue(where, f"missing required field '{name}'") for name in missing]
    if kw == "additionalProperties" and expected is False:
        known = error.schema.get("properties", {})
        extra = sorted(k for k in got if k not in known)
        allowed = ", ".join(known)
        return [SpecIssue(where, f"unknown field '{k}' (allowed: {allowed})") for k in extra]
    if kw == "type":
        want = expected if isinstance(expected, str) else expected[0]
        words = _TYPE_WORDS.get(want, want)
        return [SpecIssue(where, f"must be {words}, not {_json_type(got)} ({show(got)})")]
    if kw == "const":
        return [SpecIssue(where, f"must be {show(expected)}, got {show(got)}")]
    if kw == "enum":
        options = ", ".join(show(v) for v in expected)
        return [SpecIssue(where, f"must be one of {options}; got {show(got)}")]
    bounds = {
        "minimum": ">=",
        "maximum": "<=",
        "exclusiveMinimum": ">",
        "exclusiveMaximum": "<",
    }
    if kw in bounds:
        return [SpecIssue(where, f"must be {bounds[kw]} {show(expected)}, got {show(got)}")]
    if kw == "minItems":
        return [SpecIssue(where, f"must have at least {_plural(expected, 'item')}")]
    if kw == "maxItems":
        return [SpecIssue(where, f"must have at most {_plural(expected, 'item')}")]
    if kw == "uniqueItems":
        return [SpecIssue(where, f"must not contain the same value twice: {show(got)}")]
    if kw == "minLength":
        return [SpecIssue(where, "must not be empty")]
    if kw == "minProperties":
        return [SpecIssue(where, f"must have at least {_plural(expected, 'entry')}")]
    if kw == "pattern":
        rule = _PATTERN_WORDS.get(str(expected), f"must match the pattern {expected}")
        return [SpecIssue(where, f"{rule}; got {show(got)}")]
    return [SpecIssue(where, str(error.message))]


def _one_of_issues(error: ValidationError) -> list[SpecIssue]:
    where = json_path(error.absolute_path)
    got = error.instance
    branches: list[dict[str, Any]] = error.validator_value
    if not isinstance(got, dict):
        return [SpecIssue(where, f"must be an object, not {_json_type(got)} ({show(got)})")]
    key = next(k for k in _DISCRIMINATORS if k in branches[0].get("properties", {}))
    options = [branch["properties"][key]["const"] for branch in branches]
    if key not in got:
        listed = ", ".join(f"'{o}'" for o in options)
        return [SpecIssue(where, f"missing required field '{key}' (one of {listed})")]
    if got[key] not in options:
        listed = ", ".join(f"'{o}'" for o in options)
        words = _DISCRIMINATORS[key]
        message = f"unknown {words} {show(got[key])}; expected one of {listed}"
        return [SpecIssue(json_path([*error.absolute_path, key]), message)]
    index = options.index(got[key])
    issues: list[SpecIssue] = []
    for sub in error.context or ():
        if sub.relative_schema_path and sub.relative_schema_path[0] == index:
            issues.extend(describe_error(sub))
    return issues or [SpecIssue(where, str(error.message))]


# --------------------------------------------------------------------------- validation


def non_finite(value: Any, parts: list[str | int]) -> Iterable[SpecIssue]:
    """An issue for every ``NaN`` or infinite number inside ``value`` (at ``parts``)."""
    if isinstance(value, float) and not math.isfinite(value):
        yield SpecIssue(json_path(parts), f"must be a finite number, got {value}")
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from non_finite(v, [*parts, str(k)])
    elif isinstance(value, list):
        for k, v in enumerate(value):
            yield from non_finite(v, [*parts, k])


def sort_key(issue: SpecIssue) -> tuple[Any, ...]:
    """Sort key of an issue: its path (array indices numerically), then its message."""
    key: list[tuple[int, Any]] = []
    token = ""
    for ch in issue.path:
        if ch in ".[]":
            if token:
                key.append((0, int(token)) if token.isdigit() else (1, token))
            token = ""
        else:
            token += ch
    if token:
        key.append((0, int(token)) if token.isdigit() else (1, token))
    return (tuple(key), issue.message)


def sorted_issues(issues: Iterable[SpecIssue]) -> list[SpecIssue]:
    """Issues without duplicates, sorted by JSON path."""
    return sorted(dict.fromkeys(issues), key=sort_key)


def schema_problems(
    data: Any,
    name: str,
    describe: Callable[[ValidationError], list[SpecIssue]] = describe_error,
) -> list[SpecIssue]:
    """Non-finite numbers in ``data``, then its errors against the packaged schema ``name``."""
    issues = list(non_finite(data, []))
    for error in validator(name).iter_errors(data):
        issues.extend(describe(error))
    return issues


def validate(data: Any, name: str, semantic: Callable[[Any], list[SpecIssue]]) -> list[SpecIssue]:
    """Schema problems of ``data``; when there are none, ``semantic(data)``; sorted by path."""
    issues = schema_problems(data, name)
    if not issues:
        issues.extend(semantic(data))
    return sorted_issues(issues)


# --------------------------------------------------------------------------- loading


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in JSON")


def read_spec_file(path: str | os.PathLike[str]) -> Any:
    """Read and parse a spec file (strict JSON), raising :class:`SpecError` in plain words."""
    where = os.fspath(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecError([SpecIssue(where, "no such file")]) from None
    except IsADirectoryError:
        raise SpecError([SpecIssue(where, "is a directory, not a spec file")]) from None
    except UnicodeDecodeError:
        raise SpecError([SpecIssue(where, "is not UTF-8 text")]) from None
    except OSError as exc:
        raise SpecError([SpecIssue(where, f"cannot be read ({exc.strerror})")]) from None
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        msg = f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        raise SpecError([SpecIssue(where, msg)]) from None
    except ValueError as exc:
        raise SpecError([SpecIssue(where, f"invalid JSON: {exc}")]) from None


def checked(source: Any, check: Callable[[Any], list[SpecIssue]]) -> Any:
    """The document of ``source`` (a path to read, else already parsed), once ``check`` passes.

    Raises :class:`SpecError` with every issue ``check`` returns.
    """
    data = read_spec_file(source) if isinstance(source, str | os.PathLike) else source
    issues = check(data)
    if issues:
        raise SpecError(issues)
    return data
