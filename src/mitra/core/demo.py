"""Demo data steps: a registration point (``core.registry``) for ``mitra demo``.

The partnerships app loads the organisations, users and partnerships; each capability app adds
its own demo data on top (a risk register, a finance model, ...) by registering a step in its
``AppConfig.ready()``. Steps run in ``order`` after the base demo, with what it created::

    register_demo_step("risks", 100, "mitra.risks.demo.load")   # load(created) -> None
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.module_loading import import_string

from .registry import Registry


@dataclass(frozen=True)
class DemoStep:
    key: str
    order: int
    path: str  # dotted path of ``load(created: dict) -> None``


DEMO_STEPS: Registry[DemoStep] = Registry("demo step", order=lambda step: step.order)


def register_demo_step(key: str, order: int, path: str) -> None:
    DEMO_STEPS.register(key, DemoStep(key, order, path))


def run_demo_steps(created: dict[str, Any]) -> None:
    for step in DEMO_STEPS:
        import_string(step.path)(created)
