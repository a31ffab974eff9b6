"""Would a compiled kernel meet issue 19's last goal? A probe, not part of ``make bench``.

Numba is not a dependency of Mitra; run this in a throwaway environment:

    python3 -m venv /tmp/nb && /tmp/nb/bin/pip install numba==0.68.1 numpy==2.4.6
    /tmp/nb/bin/python bench/numba_probe.py

It prints what a Numba kernel would cost before it computed anything: importing Numba, compiling
two one-line kernels, and drawing a million uniforms and a million standard normals one value at
a time from a NumPy ``Generator`` inside compiled code (as a fused kernel would), against NumPy
filling an array (as the engine does), and whether both give the same numbers.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

import numpy as np

N = 1_000_000
REPEATS = 7


def median_ns(fill: object) -> float:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        fill()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times) / N * 1e9


def main() -> int:
    command = [
        sys.executable,
        "-c",
        "import time; t = time.perf_counter(); import numba; print(time.perf_counter() - t)",
    ]
    import_s = float(subprocess.run(command, capture_output=True, text=True, check=True).stdout)
    import numba

    started = time.perf_counter()

    @numba.njit
    def uniforms(g: np.random.Generator, out: np.ndarray) -> None:
        for i in range(out.size):
            out[i] = g.random()

    @numba.njit
    def normals(g: np.random.Generator, out: np.ndarray) -> None:
        for i in range(out.size):
            out[i] = g.standard_normal()

    buffer = np.empty(N)
    uniforms(np.random.default_rng(0), buffer[:4])
    normals(np.random.default_rng(0), buffer[:4])
    compile_s = time.perf_counter() - started

    print(f"numba {numba.__version__}, numpy {np.__version__}")
    print(
        f"import numba: {import_s:.2f} s in a fresh process; compiling two kernels: "
        f"{compile_s:.2f} s"
    )
    print(f"{'draw':<16} {'numba ns':>9} {'numpy ns':>9}  same numbers")
    for name, kernel, method in (
        ("uniform", uniforms, "random"),
        ("standard normal", normals, "standard_normal"),
    ):
        kernel(np.random.default_rng(5), buffer)
        same = bool(np.array_equal(buffer, getattr(np.random.default_rng(5), method)(N)))
        g_numba, g_numpy = np.random.default_rng(6), np.random.default_rng(6)
        ns_numba = median_ns(lambda k=kernel, g=g_numba: k(g, buffer))
        ns_numpy = median_ns(lambda m=method, g=g_numpy: getattr(g, m)(out=buffer))
        print(f"{name:<16} {ns_numba:>9.1f} {ns_numpy:>9.1f}  {same}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
