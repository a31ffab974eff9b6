"""Benchmark of the server-rendered SVG charts (``mitra.core.charts``).

Prints a plain-text table: the cold start (a new Python process: Django set-up, importing
altair and vl-convert, then the first chart, which starts the embedded Vega engine), then the
warm time per chart (median of several renders in one process) for each builder at realistic
sizes: a histogram of 50 bins, an S-curve of 101 points, a tornado of 40 risks, a 5 × 5 risk
matrix, a convergence line of 20 points with its band, cost ranges for 5 parties, a DSCR line
of 2 × 25 years with a minimum, and bars for 5 parties × 2 scenarios. Also the SVG size.

Usage: ``.venv/bin/python bench/charts.py [--quick] [--repeats R]``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mitra.config.settings.test")

CHECKOUT = Path(__file__).resolve().parents[1]

COLD = """
import json, time
start = time.perf_counter()
import django
django.setup()
from mitra.core import charts
imported = time.perf_counter()
charts.tornado("t", "Tornado", "Caption.", items=[{"label": "R1", "value": 1.0}], x_label="x",
               language="id")
print(json.dumps({"import": imported - start, "first": time.perf_counter() - imported}))
"""


def cold_start() -> dict[str, float]:
    """Import and first-chart times measured inside a fresh interpreter, plus its wall time."""
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", COLD], capture_output=True, text=True, check=True, cwd=CHECKOUT
    )
    times: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    times["process"] = time.perf_counter() - start
    return times


def cases() -> dict[str, Callable[[], Any]]:
    from mitra.core import charts

    rng = __import__("random").Random(7)
    sample = sorted(rng.lognormvariate(4.5, 0.3) for _ in range(10_000))
    lo, hi = sample[0], sample[-1]
    edges = [lo + (hi - lo) * i / 50 for i in range(51)]
    counts = [0] * 50
    for value in sample:
        counts[min(int((value - lo) / (hi - lo) * 50), 49)] += 1

    def q(p: float) -> float:
        return sample[round(p * (len(sample) - 1))]

    markers = [("P5", q(0.05)), ("P50", q(0.5)), ("Rata-rata", sum(sample) / len(sample))]
    markers.append(("P95", q(0.95)))
    parties = ["Pemerintah Provinsi", "PT Jasa Air (Persero)", "Yayasan", "Bank Daerah", "Koperasi"]
    mean = [(500 * (i + 1), 90 + 3 / math.sqrt(i + 1) * math.sin(i)) for i in range(20)]
    common: dict[str, Any] = {"language": "id"}
    return {
        "histogram (50 bins, 4 markers)": lambda: charts.histogram(
            "h", "Biaya", "Keterangan.", edges=edges, counts=counts, x_label="Biaya",
            y_label="Simulasi", markers=markers, **common,
        ),
        "s-curve (101 points, 4 markers)": lambda: charts.s_curve(
            "s", "Kurva S", "Keterangan.", points=[(q(i / 100), i / 100) for i in range(101)],
            x_label="Biaya", y_label="Peluang", markers=markers, **common,
        ),
        "tornado (40 risks)": lambda: charts.tornado(
            "t", "Tornado", "Keterangan.", x_label="Perubahan biaya", **common,
            items=[{"label": f"R{i} Risiko {i}", "value": rng.uniform(-50, 120)} for i in range(40)],
        ),
        "heatmap (5 x 5)": lambda: charts.heatmap(
            "m", "Matriks risiko", "Keterangan.", x_label="Dampak", y_label="Kemungkinan",
            x_values=[1, 2, 3, 4, 5], y_values=[5, 4, 3, 2, 1], **common,
            cells=[
                {"x": i, "y": li, "value": i * li, "text": f"R{i}, R{li + 5}"}
                for i in range(1, 6)
                for li in range(1, 6)
            ],
        ),
        "convergence (20 points + band)": lambda: charts.line(
            "c", "Konvergensi", "Keterangan.", series={"Rata-rata": mean},
            band=[(x, y - 2, y + 2) for x, y in mean], x_label="Iterasi", y_label="Biaya",
            **common,
        ),
        "ranges (5 parties, VaR/CVaR)": lambda: charts.ranges(
            "r", "Biaya per pihak", "Keterangan.", x_label="Biaya", **common,
            items=[
                {"label": p, "low": 10 * i, "high": 10 * i + 80, "mid": 10 * i + 30,
                 "mean": 10 * i + 33, "band_low": 10 * i + 30, "band_high": 10 * i + 60,
                 "var": 10 * i + 70, "cvar": 10 * i + 78}
                for i, p in enumerate(parties)
            ],
        ),
        "DSCR line (2 x 25 years + rule)": lambda: charts.line(
            "d", "DSCR", "Keterangan.", x_label="Tahun", y_label="DSCR", x_is_year=True,
            series={s: [(2030 + y, 1.2 + k * y) for y in range(25)] for s, k in (("P50", 0.03),
                    ("P10", 0.02))},
            rules=[("DSCR minimum", 1.3)], **common,
        ),
        "bars (5 parties x 2 scenarios)": lambda: charts.bars(
            "b", "Pembagian", "Keterangan.", categories=parties, x_label="Pihak",
            y_label="Biaya", series={"Sama rata": [300.0] * 5, "Shapley": [420, 510, 120, 350, 100]},
            **common,
        ),
    }  # fmt: skip


def median_time(fn: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 cold start, 3 warm runs each")
    parser.add_argument("--repeats", type=int, default=15, help="warm runs per median (15)")
    options = parser.parse_args()
    repeats = 3 if options.quick else options.repeats
    colds = [cold_start() for _ in range(1 if options.quick else 3)]

    import django

    django.setup()
    rows = []
    for name, build in cases().items():
        build()  # the engine is warm; the first render of each kind compiles its spec
        seconds, chart = median_time(build, repeats)
        rows.append((name, seconds, len(str(chart.svg).encode()) / 1024))

    print("Server-rendered SVG charts: mitra.core.charts (altair + vl-convert)")
    print(f"(cold: median of {len(colds)} new processes; warm: median of {repeats} renders)")
    print()
    for label, key in (
        ("import (Django set-up, altair, vl-convert)", "import"),
        ("first chart (starts the Vega engine)", "first"),
        ("whole process (python start to exit)", "process"),
    ):
        print(f"cold  {label:<44} {1e3 * statistics.median(c[key] for c in colds):>8.0f} ms")
    print()
    header = f"{'warm chart':<34} {'ms':>8} {'SVG KiB':>9}"
    print(header)
    print("-" * len(header))
    for name, seconds, size in rows:
        print(f"{name:<34} {1e3 * seconds:>8.1f} {size:>9.1f}")
    slowest = max(r[1] for r in rows)
    print()
    target = 0.2
    verdict = "met" if slowest <= target else "NOT met"
    print(f"target: every warm chart in <= {1e3 * target:.0f} ms -> {verdict} ({slowest:.3f} s)")


if __name__ == "__main__":
    main()
