"""Benchmark of the exact Shapley value (``mitra.analysis.shapley``).

Prints a plain-text table: median time of ``shapley`` at n = 10, 15 and 20
players, against a straightforward NumPy version (per player: fancy-indexed
marginal contributions times size weights) and a textbook loop (the subset
formula with ``itertools.combinations``). The textbook loop is timed at n = 10
and 15; at n = 20 it is run once (about 40 s), or with ``--quick``
extrapolated from n = 15 by its cost ``n * 2**(n-1)`` (the table says which).

Usage: ``.venv/bin/python bench/shapley.py [--quick] [--repeats R]``.
"""

from __future__ import annotations

import argparse
import itertools
import math
import statistics
import time
from collections.abc import Callable

import numpy as np

from mitra.analysis.sharing import shapley

NS = (10, 15, 20)


def textbook_shapley(values: np.ndarray) -> np.ndarray:
    """phi_i = sum over S not containing i of |S|!(n-|S|-1)!/n! (v(S+i) - v(S)), loop by loop."""
    n = int(values.size).bit_length() - 1
    phi = np.zeros(n)
    table = values.tolist()
    for i in range(n):
        others = [j for j in range(n) if j != i]
        for s in range(n):
            weight = math.factorial(s) * math.factorial(n - s - 1) / math.factorial(n)
            for members in itertools.combinations(others, s):
                mask = 0
                for j in members:
                    mask |= 1 << j
                phi[i] += weight * (table[mask | 1 << i] - table[mask])
    return phi


def numpy_shapley(values: np.ndarray) -> np.ndarray:
    """A straightforward vectorised version: per player, fancy indexing over masks without i."""
    n = int(values.size).bit_length() - 1
    masks = np.arange(values.size)
    size = np.bitwise_count(masks)
    weight = np.array(
        [math.factorial(s) * math.factorial(n - s - 1) / math.factorial(n) for s in range(n)]
    )
    phi = np.zeros(n)
    for i in range(n):
        without = masks[(masks >> i) & 1 == 0]
        phi[i] = np.sum(weight[size[without]] * (values[without | 1 << i] - values[without]))
    return phi


def median_time(fn: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def game(n: int) -> np.ndarray:
    v = np.random.default_rng(n).normal(0.0, 1e9, 1 << n)
    v[0] = 0.0
    return v


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="extrapolate the textbook loop at n = 20"
    )
    parser.add_argument("--repeats", type=int, default=7, help="runs per median (default 7)")
    options = parser.parse_args()
    rows = []
    textbook_15 = None
    for n in NS:
        v = game(n)
        exact = median_time(lambda v=v: shapley(v), options.repeats)
        plain = median_time(lambda v=v: numpy_shapley(v), max(1, options.repeats // 2))
        check = np.abs(numpy_shapley(v) - shapley(v)).max() / 1e9
        if n == 20 and options.quick:
            assert textbook_15 is not None
            book = textbook_15 * (20 * 2**19) / (15 * 2**14)
            how = "extrapolated"
        else:
            book = median_time(lambda v=v: textbook_shapley(v), 1 if n == 20 else 3)
            how = "run once" if n == 20 else "median of 3"
            if n <= 15:
                check = max(check, np.abs(textbook_shapley(v) - shapley(v)).max() / 1e9)
            if n == 15:
                textbook_15 = book
        rows.append((n, exact, plain, book, how, check))
    print("Exact Shapley value: mitra.analysis.shapley vs straightforward NumPy vs textbook loop")
    print(f"(median of {options.repeats} runs; worths ~ N(0, 1e9); max |difference| / 1e9 shown)")
    print()
    header = (
        f"{'n':>3} {'mitra ms':>10} {'numpy ms':>10} {'textbook s':>11}  {'textbook timing':<16}"
        f"{'numpy/mitra':>12} {'textbook/mitra':>15} {'max diff':>10}"
    )
    print(header)
    print("-" * len(header))
    for n, exact, plain, book, how, check in rows:
        print(
            f"{n:>3} {1e3 * exact:>10.3f} {1e3 * plain:>10.1f} {book:>11.3f}  {how:<16}"
            f"{plain / exact:>11.1f}x {book / exact:>14.0f}x {check:>10.1e}"
        )
    target = rows[-1][1]
    print()
    print(f"target: n = 20 in <= 0.1 s -> {'met' if target <= 0.1 else 'NOT met'} ({target:.4f} s)")


if __name__ == "__main__":
    main()
