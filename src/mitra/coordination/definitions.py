"""The lifecycle of each partnership form, read from data (``lifecycles/<key>.json``).

One file per lifecycle: ``ppp`` (a solicited KPBU), ``ppp_unsolicited`` (a KPBU proposed by a
Pemrakarsa), ``psp``, ``csr``, ``triple_helix``, ``quadruple_helix``, ``pentahelix`` and ``pspp``.
A file lists its stages in order; each stage is one of the partnership's ``Stage`` codes and
holds steps. A step has a key (unique in the file), a bilingual label, its legal source, the
outputs it requires (documents of a type, or named checks other apps register), the parties who
must sign it off (by partner role or by organisation sector) and an optional deadline.

``load(key)`` validates a file and raises ``LifecycleError`` naming what is wrong;
``lifecycle_for(partnership)`` picks the lifecycle of a partnership's form and initiative.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.translation import get_language

from mitra.organisations.models import Sector
from mitra.partnerships.models import (
    STAGE_ORDER,
    DocumentType,
    Initiative,
    PartnershipForm,
    Role,
    Stage,
)

DIRECTORY = Path(__file__).parent / "lifecycles"

#: Which file each form reads (an unsolicited KPBU reads ``ppp_unsolicited``).
FORM_FILES: dict[str, str] = {form: form for form in PartnershipForm.values}
UNSOLICITED_FILE = "ppp_unsolicited"


class LifecycleError(ValueError):
    """A lifecycle file that does not follow the format."""


@dataclass(frozen=True)
class Text:
    en: str
    id: str

    def __str__(self) -> str:
        return self.en if (get_language() or "id").startswith("en") else self.id


@dataclass(frozen=True)
class Party:
    """Who signs off: the current partners holding ``role``, or those of ``sector``."""

    role: str = ""
    sector: str = ""

    @property
    def key(self) -> str:
        return f"role:{self.role}" if self.role else f"sector:{self.sector}"

    @property
    def label(self) -> str:
        return str(Role(self.role).label) if self.role else str(Sector(self.sector).label)


@dataclass(frozen=True)
class Deadline:
    """Due ``months`` after the step ``after`` was complete (e.g. financial close)."""

    after: str
    months: int
    source: str
    extendable: bool = False


@dataclass(frozen=True)
class Step:
    key: str
    label: Text
    source: str
    documents: tuple[str, ...] = ()
    #: Any one of these document types fulfils the requirement (e.g. PKS or NPHD or Swakelola).
    documents_any: tuple[str, ...] = ()
    checks: tuple[str, ...] = ()
    sign_offs: tuple[Party, ...] = ()
    deadline: Deadline | None = None
    optional_note: Text | None = None


@dataclass(frozen=True)
class LifecycleStage:
    stage: str
    label: Text
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class Lifecycle:
    key: str
    label: Text
    sources: tuple[str, ...]
    stages: tuple[LifecycleStage, ...]
    steps: dict[str, Step] = field(default_factory=dict)

    def stage_of(self, stage: str) -> LifecycleStage | None:
        return next((s for s in self.stages if s.stage == stage), None)

    def stage_codes(self) -> list[str]:
        return [s.stage for s in self.stages]

    def next_stage(self, stage: str) -> str | None:
        """The stage after ``stage`` in this lifecycle (one forward), None at the end."""
        if stage not in STAGE_ORDER:
            return None
        position = STAGE_ORDER.index(stage)
        later = [s for s in self.stage_codes() if STAGE_ORDER.index(s) > position]
        return later[0] if later else None

    def previous_stage(self, stage: str) -> str | None:
        if stage not in STAGE_ORDER:
            return None
        position = STAGE_ORDER.index(stage)
        earlier = [s for s in self.stage_codes() if STAGE_ORDER.index(s) < position]
        return earlier[-1] if earlier else None


# --- checks other apps register (figures, e.g. "a completed VfM") ---------------------------------


@dataclass(frozen=True)
class Check:
    key: str
    label: Text
    test: Callable[[Any], bool]


_CHECKS: dict[str, Check] = {}
#: Checks a lifecycle may name before the app providing them registered them (shown as missing
#: until then), with their words: coordination never imports the higher apps.
KNOWN_CHECKS: dict[str, Text] = {
    "finance.vfm": Text(
        "A completed value-for-money (VfM) appraisal", "Kajian Value for Money (VfM) selesai"
    ),
    "finance.model": Text(
        "A financial model with its feasibility figures", "Model keuangan dengan angka kelayakan"
    ),
    "results.baseline": Text(
        "A baseline of the programme's indicators", "Data dasar (baseline) indikator program"
    ),
}


def register_check(key: str, label: Text, test: Callable[[Any], bool]) -> Check:
    """A higher app tells the lifecycle how to see a figure (``test(partnership) -> bool``)."""
    check = Check(key, label, test)
    _CHECKS[key] = check
    return check


def check_get(key: str) -> Check | None:
    return _CHECKS.get(key)


def check_label(key: str) -> str:
    check = _CHECKS.get(key)
    if check is not None:
        return str(check.label)
    return str(KNOWN_CHECKS.get(key, Text(key, key)))


# --- loading and validation ----------------------------------------------------------------------


def _text(value: Any, where: str) -> Text:
    if not isinstance(value, dict) or not all(
        isinstance(value.get(lang), str) and value[lang].strip() for lang in ("en", "id")
    ):
        raise LifecycleError(f"{where}: needs a label in English and Indonesian")
    return Text(value["en"], value["id"])


def _party(value: Any, where: str) -> Party:
    if not isinstance(value, dict) or len(value) != 1:
        raise LifecycleError(f"{where}: a party is {{'role': ...}} or {{'sector': ...}}")
    if "role" in value:
        if value["role"] not in Role.values:
            raise LifecycleError(f"{where}: unknown role {value['role']!r}")
        return Party(role=value["role"])
    if "sector" in value:
        if value["sector"] not in Sector.values:
            raise LifecycleError(f"{where}: unknown sector {value['sector']!r}")
        return Party(sector=value["sector"])
    raise LifecycleError(f"{where}: a party is {{'role': ...}} or {{'sector': ...}}")


def _doc_types(values: Any, where: str) -> tuple[str, ...]:
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise LifecycleError(f"{where}: a list of document types")
    unknown = [v for v in values if v not in DocumentType.values]
    if unknown:
        raise LifecycleError(f"{where}: unknown document types {unknown}")
    return tuple(values)


STEP_KEYS = {
    "key",
    "label",
    "source",
    "documents",
    "documents_any",
    "checks",
    "sign_offs",
    "deadline",
    "note",
}


def parse(data: Any, key: str) -> Lifecycle:
    """A lifecycle from the decoded JSON of a file, or ``LifecycleError``."""
    if not isinstance(data, dict):
        raise LifecycleError(f"{key}: not an object")
    if data.get("key") != key:
        raise LifecycleError(f"{key}: its 'key' must be the file name, {key!r}")
    label = _text(data.get("label"), f"{key}.label")
    sources = data.get("sources", [])
    if not isinstance(sources, list) or not sources:
        raise LifecycleError(f"{key}: 'sources' lists the regulations the lifecycle follows")
    stages: list[LifecycleStage] = []
    steps: dict[str, Step] = {}
    last = -1
    for i, raw_stage in enumerate(data.get("stages") or []):
        where = f"{key}.stages[{i}]"
        code = raw_stage.get("stage") if isinstance(raw_stage, dict) else None
        if code not in STAGE_ORDER:
            raise LifecycleError(f"{where}: 'stage' is one of {list(STAGE_ORDER)}")
        if STAGE_ORDER.index(code) <= last:
            raise LifecycleError(f"{where}: stages go forward in the order {list(STAGE_ORDER)}")
        last = STAGE_ORDER.index(code)
        stage_steps: list[Step] = []
        for j, raw in enumerate(raw_stage.get("steps", [])):
            w = f"{where}.steps[{j}]"
            if not isinstance(raw, dict):
                raise LifecycleError(f"{w}: not an object")
            extra = set(raw) - STEP_KEYS
            if extra:
                raise LifecycleError(f"{w}: unknown fields {sorted(extra)}")
            step_key = raw.get("key")
            if not isinstance(step_key, str) or not step_key or step_key in steps:
                raise LifecycleError(f"{w}: a unique 'key' is required")
            source = raw.get("source")
            if not isinstance(source, str) or not source.strip():
                raise LifecycleError(f"{w}: 'source' names the legal basis of the step")
            checks = raw.get("checks", [])
            if not isinstance(checks, list) or not all(isinstance(c, str) for c in checks):
                raise LifecycleError(f"{w}: 'checks' is a list of check keys")
            deadline = None
            if "deadline" in raw:
                d = raw["deadline"]
                if not (
                    isinstance(d, dict)
                    and d.get("after") in steps
                    and isinstance(d.get("months"), int)
                    and d["months"] > 0
                    and isinstance(d.get("source"), str)
                ):
                    raise LifecycleError(
                        f"{w}: a deadline is {{'after': <an earlier step>, 'months': n, "
                        "'source': ...}}"
                    )
                deadline = Deadline(d["after"], d["months"], d["source"], bool(d.get("extendable")))
            sign_offs = raw.get("sign_offs", [])
            if not isinstance(sign_offs, list):
                raise LifecycleError(f"{w}: 'sign_offs' is a list of parties")
            step = Step(
                key=step_key,
                label=_text(raw.get("label"), f"{w}.label"),
                source=source,
                documents=_doc_types(raw.get("documents", []), f"{w}.documents"),
                documents_any=_doc_types(raw.get("documents_any", []), f"{w}.documents_any"),
                checks=tuple(checks),
                sign_offs=tuple(_party(p, f"{w}.sign_offs[{n}]") for n, p in enumerate(sign_offs)),
                deadline=deadline,
                optional_note=_text(raw["note"], f"{w}.note") if "note" in raw else None,
            )
            if not (step.documents or step.documents_any or step.checks or step.sign_offs):
                raise LifecycleError(f"{w}: a step requires an output or a sign-off")
            steps[step_key] = step
            stage_steps.append(step)
        stages.append(
            LifecycleStage(
                code, _text(raw_stage.get("label"), f"{where}.label"), tuple(stage_steps)
            )
        )
    if len(stages) < 2:
        raise LifecycleError(f"{key}: a lifecycle has at least two stages")
    if stages[-1].stage != Stage.CLOSED:
        raise LifecycleError(f"{key}: the last stage is 'closed'")
    return Lifecycle(key, label, tuple(sources), tuple(stages), steps)


@cache
def load(key: str) -> Lifecycle:
    path = DIRECTORY / f"{key}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LifecycleError(f"no lifecycle file {path.name}") from None
    except json.JSONDecodeError as exc:
        raise LifecycleError(f"{path.name}: {exc}") from None
    return parse(data, key)


def lifecycle_keys() -> list[str]:
    return sorted({*FORM_FILES.values(), UNSOLICITED_FILE})


def lifecycle_for(partnership: Any) -> Lifecycle:
    if partnership.form == PartnershipForm.PPP and partnership.initiative == Initiative.UNSOLICITED:
        return load(UNSOLICITED_FILE)
    return load(FORM_FILES.get(partnership.form, PartnershipForm.PSP))
