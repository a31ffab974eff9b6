"""Benchmark of the risk engine on the shared toll-road example (``make bench``).

Prints a plain-text table: the engine's sampling time and iterations per second
at 10k, 100k and 1M iterations (median of several runs), the random-number
floor measured in the same run, their ratio, the total (sampling + summary)
over the floor in wall-clock and in CPU seconds, the engine's own draws alone over the
floor (the least its sampling could take with its streams), peak memory (measured in a fresh
child process: its own VmHWM), and the same model run with a
straightforward NumPy/SciPy version and with the ``monaco`` library.

Usage: ``.venv/bin/python bench/run.py [--quick] [--no-monaco] [--no-10m]
[--tornado-sample N]`` (``--tornado-sample``: the engine's tornado sub-sample size above
its threshold, default the engine's ``TORNADO_SAMPLE``; for measuring the trade-off).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from references import monaco_reference, numpy_reference, numpy_reference_total

from mitra.analysis import RiskModel, load_spec, simulate
from mitra.analysis.risk.montecarlo import (
    TORNADO_SAMPLE,
    TORNADO_THRESHOLD,
    _BlockStreams,
    _compile,
    _pieces,
)

CHECKOUT = Path(__file__).resolve().parents[1]
SPEC = CHECKOUT / ".." / "shared" / "specs" / "examples" / "toll-road.json"


def median_time(fn: object, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times)


#: Uniforms drawn at a time by the floor: the engine's chunk of iterations.
FLOOR_CHUNK = 16_384


def floor_seconds(n: int, risks: int, repeats: int) -> tuple[float, float]:
    """Time to draw 2 uniforms per risk per iteration (one occurrence, one impact):
    median wall-clock and median CPU seconds of this process.

    Drawn as the engine draws, a chunk at a time into a buffer kept from chunk to chunk: one
    array of ``2 R N`` uniforms (400 MB at 1M iterations) timed the memory's page faults too,
    which made this floor slower and its time vary from 0.11 to 1.1 s on one machine."""
    rng = np.random.default_rng(0)
    buffer = np.empty(FLOOR_CHUNK)
    walls, cpus = [], []
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(2 * risks):
            for start in range(0, n, FLOOR_CHUNK):
                rng.random(out=buffer[: min(FLOOR_CHUNK, n - start)])
        cpus.append(time.process_time() - cpu)
        walls.append(time.perf_counter() - wall)
    return statistics.median(walls), statistics.median(cpus)


def draws_seconds(model: RiskModel, n: int, seed: int) -> float:
    """Wall-clock seconds to draw only the random numbers the engine draws for ``n`` iterations
    of ``model`` with ``seed``: the same streams, chunks and kept buffers, the latent standard
    normals of the correlated risks, the occurrence uniforms and the independent impacts (as
    many as occur), and no arithmetic on them beyond counting the occurrences. The engine's
    sampling cannot take less than this without drawing differently (its own private pieces are
    used, so the streams are exactly the engine's)."""
    plan = _compile(model)
    risks = range(plan.n_risks)
    start = time.perf_counter()
    root = int(seed)
    uniform = np.empty(FLOOR_CHUNK)
    latent = None
    for b, _, chunks in _pieces(n, FLOOR_CHUNK):
        streams = _BlockStreams(plan, root, b, risks)
        if latent is None:
            latent = np.empty((len(streams.latents), FLOOR_CHUNK))
        for _, m in chunks:
            for j, k in enumerate(streams.latents):
                streams.impact[k].standard_normal(out=latent[j, :m])
            for i in risks:
                p = plan.prob[i]
                if p <= 0.0:
                    continue
                count = m
                if p < 1.0:
                    streams.occurrence[i].random(out=uniform[:m])
                    count = int(np.count_nonzero(uniform[:m] < p))
                if not plan.correlated[i]:
                    plan.samplers[i](streams.impact[i], count)
    return time.perf_counter() - start


def paired_runs(
    model: RiskModel, n: int, repeats: int, tornado_sample: int = TORNADO_SAMPLE
) -> dict[str, float]:
    """The engine and the floor, each run right after the other ``repeats`` times, so that both
    of a pair meet the same machine (a shared machine's speed drifts from one second to the
    next: the floor alone varied twofold within minutes). Medians of the engine's sampling and
    total wall-clock seconds and of the floor's, and of each pair's ratios: total / floor in wall
    clock (with its smallest and largest) and in CPU seconds of this process (all its threads,
    so a library's busy threads count too)."""
    sampling, totals, floors, ratios, cpu_ratios, draws = [], [], [], [], [], []
    for k in range(repeats):
        cpu = time.process_time()
        result = simulate(model, iterations=n, seed=1000 + k, tornado_sample=tornado_sample)
        cpu_s = time.process_time() - cpu
        floor, floor_cpu = floor_seconds(n, len(model.risks), 1)
        draws.append(draws_seconds(model, n, 1000 + k) / floor)
        sampling.append(result.timing.simulate_s)
        totals.append(result.timing.total_s)
        floors.append(floor)
        ratios.append(result.timing.total_s / floor)
        cpu_ratios.append(cpu_s / max(floor_cpu, 1e-9))
    return {
        "sampling": statistics.median(sampling),
        "total": statistics.median(totals),
        "floor": statistics.median(floors),
        "ratio": statistics.median(ratios),
        "ratio_min": min(ratios),
        "ratio_max": max(ratios),
        "cpu_ratio": statistics.median(cpu_ratios),
        "draws_ratio": statistics.median(draws),
    }


def child_memory(n: int) -> dict[str, float]:
    """Run ``n`` iterations in a fresh process; return its peak RSS and timings."""
    out = subprocess.run(
        [sys.executable, __file__, "--memory-child", str(n)],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def peak_rss_mib() -> float:
    """This process's own peak resident memory: Linux's VmHWM, which starts afresh with the
    process image. ``ru_maxrss`` does not: across exec it keeps the parent's peak, so a child
    started after the parent held large arrays reported the parent's memory as its own."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def memory_child(n: int) -> None:
    model = load_spec(SPEC)
    before = peak_rss_mib()
    result = simulate(model, iterations=n, seed=1)
    peak = peak_rss_mib()
    print(
        json.dumps(
            {
                "baseline_mib": before,
                "peak_mib": peak,
                "simulate_s": result.timing.simulate_s,
                "total_s": result.timing.total_s,
                "npv_mean": result.npv.mean,
                "npv_se": result.npv.se,
                "analytic": result.npv.analytic_mean,
            }
        )
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, no 10M run")
    parser.add_argument("--no-monaco", action="store_true", help="skip the monaco comparison")
    parser.add_argument("--no-10m", action="store_true", help="skip the 10 million memory run")
    parser.add_argument(
        "--tornado-sample",
        type=int,
        default=TORNADO_SAMPLE,
        help=f"tornado sub-sample above {TORNADO_THRESHOLD:,} iterations "
        f"(default {TORNADO_SAMPLE:,})",
    )
    parser.add_argument("--memory-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not SPEC.exists():
        print(
            f"bench: {SPEC.resolve()} is absent; the benchmark needs the shared/ folder "
            "beside the checkout (it is there in CI)",
            file=sys.stderr,
        )
        return 1
    if args.memory_child:
        memory_child(args.memory_child)
        return 0
    model = load_spec(SPEC)
    r = len(model.risks)
    repeats = 3 if args.quick else 5
    simulate(model, iterations=10_000, seed=0)  # warm-up: imports, PERT tables

    print(f"Risk engine benchmark: {model.name}")
    print(f"{r} risks, {len(model.correlations)} correlations, {len(model.parties)} parties")
    print(f"numpy {np.__version__}; median of {repeats} runs (1M: median of 5)")
    print(
        f"tornado: exact up to {TORNADO_THRESHOLD:,} iterations, above that from the first "
        f"{args.tornado_sample:,} (every other figure from all iterations)"
    )
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"load average (1, 5, 15 min) at the start: {load}; {os.cpu_count()} CPUs\n")
    header = (
        f"{'iterations':>12} {'sampling s':>11} {'iter/s':>12} {'floor s':>9} "
        f"{'x floor':>8} {'summary s':>10} {'total s':>9} {'tot x fl':>9} {'range':>11} "
        f"{'cpu x fl':>9} {'draws x fl':>11} {'peak MiB':>9}"
    )
    print(header)
    print("-" * len(header))
    rows = [(10_000, repeats), (100_000, repeats), (1_000_000, 5)]
    per_100k = None
    for n, reps in rows:
        runs = paired_runs(model, n, reps, args.tornado_sample)
        sim_s, total_s, floor = runs["sampling"], runs["total"], runs["floor"]
        peak = child_memory(n)["peak_mib"] if n == 1_000_000 else float("nan")
        if n == 100_000:
            per_100k = (sim_s, floor, total_s)
        peak_text = f"{peak:9.0f}" if peak == peak else f"{'':>9}"
        spread = f"{runs['ratio_min']:.2f}-{runs['ratio_max']:.2f}"
        print(
            f"{n:>12,} {sim_s:>11.4f} {n / sim_s:>12,.0f} {floor:>9.4f} {sim_s / floor:>8.2f} "
            f"{total_s - sim_s:>10.4f} {total_s:>9.4f} {runs['ratio']:>9.2f} {spread:>11} "
            f"{runs['cpu_ratio']:>9.2f} {runs['draws_ratio']:>11.2f} {peak_text}"
        )
    if not (args.quick or args.no_10m):
        big = child_memory(10_000_000)
        print(
            f"{10_000_000:>12,} {big['simulate_s']:>11.4f} {1e7 / big['simulate_s']:>12,.0f} "
            f"{'':>9} {'':>8} {big['total_s'] - big['simulate_s']:>10.4f} "
            f"{big['total_s']:>9.4f} {'':>9} {'':>11} {'':>9} {'':>11} {big['peak_mib']:9.0f}"
        )
        print(
            f"  10M check: mean NPV {big['npv_mean']:.3f} (se {big['npv_se']:.3f}), "
            f"closed form {big['analytic']:.3f}"
        )
    print(
        "\nsampling = draws + costs for every iteration (both passes when the per-risk columns "
        "do not fit);\nsummary = percentiles, VaR/CVaR, ranks and Spearman tornado; floor = "
        f"drawing 2 x {r} uniforms per iteration;\n'x floor' = sampling / floor, 'tot x fl' = "
        "total (sampling + summary) / floor (issue 19's goal: <= 3 at 1M), wall clock,\n"
        "the median of runs each followed at once by a floor run ('range': their smallest and "
        "largest);\n"
        "'cpu x fl' = the same ratio in CPU seconds of this process (steadier when others "
        "share the machine; the uptime load is printed above);\n"
        "'draws x fl' = drawing only the random numbers the engine draws (its streams: the "
        "correlated risks'\nstandard normals, the occurrence uniforms, the independent impacts "
        "that occur) / floor, the median of the\nsame pairs: what the sampling costs before any "
        "arithmetic."
    )

    assert per_100k is not None
    engine_100k, engine_total_100k = per_100k[0], per_100k[2]
    print("\nSame model, 100,000 iterations unless stated; like with like:")
    ref_s = median_time(lambda: numpy_reference(model, 100_000, 1), 3)
    ref_total_s = median_time(lambda: numpy_reference_total(model, 100_000, 1), 3)
    print(
        f"  straightforward NumPy/SciPy, sampling and means : {ref_s:8.3f} s  "
        f"({ref_s / engine_100k:6.1f}x the engine's sampling)"
    )
    print(
        f"  straightforward NumPy/SciPy, with the same summary: {ref_total_s:8.3f} s  "
        f"({ref_total_s / engine_total_100k:6.1f}x the engine's total)"
    )
    if not args.no_monaco:
        try:
            import monaco  # noqa: F401
        except ImportError:
            print("  monaco                      : not installed (pip install -e '.[bench]')")
        else:
            n_mc = 1_000 if args.quick else 2_000
            mc_s = median_time(lambda: monaco_reference(model, n_mc, 1), 1)
            per_100k_mc = mc_s * 100_000 / n_mc
            print(
                f"  monaco 0.23 ({n_mc:,} iter.)    : {mc_s:8.3f} s  = {n_mc / mc_s:,.0f} iter/s; "
                f"scaled to 100k {per_100k_mc:,.0f} s ({per_100k_mc / engine_100k:,.0f}x the engine's sampling; it computes means only)"
            )
    print(
        f"  engine                      : sampling {engine_100k:8.3f} s  "
        f"({100_000 / engine_100k:,.0f} iter/s), total {engine_total_100k:8.3f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
