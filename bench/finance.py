"""Benchmark of the project-finance model and its solver on a 40-year model (``make bench``).

Builds a 40-year toll-road-like model (4 construction years, 36 operating years,
user-pays revenue plus an availability payment, sculpted debt, tax with loss
carry-forward) from ``examples/finance/toll-road.json`` and times ``run_model``
and ``solve`` (availability payment, VGF, tariff) as the median of several runs.
Prints a plain-text table: case, time, notes.

Usage: ``.venv/bin/python bench/finance.py [--quick]``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mitra.analysis.finance import load_model, run_model, solve, with_adjustments

CHECKOUT = Path(__file__).resolve().parents[1]
EXAMPLE = CHECKOUT / "examples" / "finance" / "toll-road.json"


def forty_year_model() -> Any:
    spec = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    spec["name"] = "40-year benchmark (toll road + availability payment)"
    spec["construction_years"] = 4
    spec["capex"] = [1200, 1800, 1800, 1200]
    spec["land_acquisition"] = [900, 300, 0, 0]
    spec["handback_year"] = spec["start_year"] + 39
    spec["availability_payment"] = {"annual": 150, "indexation": 0.03, "performance_factor": 0.97}
    spec["debt"]["tenor_years"] = 20
    spec["user_pays"]["demand"] *= 0.6  # so that the support is needed
    return load_model(spec)


def median_time(fn: Callable[[], object], repeats: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def fmt(seconds: float) -> str:
    return f"{seconds * 1e3:9.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    options = parser.parse_args()
    repeats = 3 if options.quick else 15
    model = forty_year_model()
    assert len(model.years) == 40
    rows: list[tuple[str, float, str]] = []
    t, result = median_time(lambda: run_model(model), repeats * 4)
    rows.append(("run_model (40 years)", t, f"equity IRR {result.equity_irr:.4%}"))  # type: ignore[attr-defined]
    stressed = with_adjustments(model, capex_factor=1.2, delay_years=1, interest_bp=200)
    t, _ = median_time(lambda: run_model(stressed), repeats * 4)
    rows.append(("run_model, stressed", t, "capex +20 %, 1-year delay, +200 bp"))
    t, _ = median_time(
        lambda: with_adjustments(model, capex_factor=1.2, delay_years=1), repeats * 4
    )
    rows.append(("with_adjustments", t, "includes re-validation"))
    for unknown in ("availability_payment", "vgf", "tariff"):
        t, sol = median_time(
            lambda u=unknown: solve(model, unknown=u, target_equity_irr=0.16),  # type: ignore[misc]
            repeats,
        )
        rows.append(
            (f"solve {unknown}", t, f"value {sol.value:,.6g}, equity IRR 16 %")  # type: ignore[attr-defined]
        )
    width = max(len(r[0]) for r in rows)
    print(f"{'case':<{width}}  {'time':>12}  notes")
    for case, seconds, notes in rows:
        print(f"{case:<{width}}  {fmt(seconds):>12}  {notes}")
    print(f"(median of {repeats} solver runs and {repeats * 4} model runs)")


if __name__ == "__main__":
    main()
