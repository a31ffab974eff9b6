"""The golden-output cases: every example through every ``mitra`` command of the core.

Recorded once before the computation core moved into subpackages (issue 9); the test
``test_golden.py`` proves that no CLI output changed since. To record them again after a
deliberate change of output: ``python -m tests.analysis.golden_cases`` from the checkout.
Timings are the only figures that vary between runs: they are masked before comparing. JSON
numbers are compared within a tolerance of a few units in the last place (:data:`REL_TOL`):
they follow the CPU's floating-point kernels.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import re
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent / "golden"
PROJECTS = ("toll-road", "hospital", "school")
BAD = "tests/analysis/bad_specs"


def _cases() -> dict[str, list[str]]:
    cases: dict[str, list[str]] = {}
    for fmt in ("table", "json"):
        for name in ("toll-road", "hospital"):
            spec = f"examples/risk/{name}.json"
            cases[f"simulate-{name}-{fmt}"] = [
                "simulate",
                spec,
                "-n",
                "3000",
                "--seed",
                "7",
                "--format",
                fmt,
            ]
        for name in PROJECTS:
            model = f"examples/finance/{name}.json"
            cases[f"finance-{name}-{fmt}"] = ["finance", model, "--format", fmt]
            cases[f"vfm-{name}-{fmt}"] = [
                "vfm",
                f"examples/vfm/{name}.json",
                "-n",
                "500",
                "--seed",
                "3",
                "--format",
                fmt,
            ]
            cases[f"fiscal-{name}-{fmt}"] = [
                "vfm",
                "fiscal",
                f"examples/fiscal/{name}.json",
                "-n",
                "500",
                "--seed",
                "3",
                "--format",
                fmt,
            ]
            cases[f"stress-{name}-{fmt}"] = [
                "vfm",
                "stress",
                model,
                f"examples/stress/{name}.json",
                "--vfm",
                f"examples/vfm/{name}.json",
                "--fiscal",
                f"examples/fiscal/{name}.json",
                "-n",
                "300",
                "--seed",
                "3",
                "--format",
                fmt,
            ]
            cases[f"share-{name}-{fmt}"] = ["share", f"examples/share/{name}.json", "--format", fmt]
            cases[f"share-sampled-{name}-{fmt}"] = [
                "share",
                f"examples/share/{name}.json",
                "--samples",
                "2000",
                "--seed",
                "5",
                "--format",
                fmt,
            ]
            cases[f"align-{name}-{fmt}"] = ["align", f"examples/align/{name}.json", "--format", fmt]
    for name in PROJECTS:
        for target in ("availability_payment", "vgf", "tariff"):
            cases[f"finance-solve-{target}-{name}"] = [
                "finance",
                f"examples/finance/{name}.json",
                "--solve",
                target,
                "--target-equity-irr",
                "0.14",
            ]
    # errors: missing files, invalid specs, bad arguments, and each command's help
    for command in ("simulate", "finance", "vfm", "share", "align"):
        cases[f"{command}-help"] = [command, "--help"]
        cases[f"{command}-missing-file"] = [command, "no/such/file.json"]
        cases[f"{command}-not-json"] = [command, f"{BAD}/not_json.json"]
        cases[f"{command}-wrong-spec"] = [command, f"{BAD}/missing_fields.json"]
    cases["vfm-fiscal-help"] = ["vfm", "fiscal", "--help"]
    cases["vfm-stress-help"] = ["vfm", "stress", "--help"]
    cases["simulate-bad-iterations"] = ["simulate", "examples/risk/toll-road.json", "-n", "0"]
    cases["finance-solve-without-target"] = [
        "finance",
        "examples/finance/toll-road.json",
        "--solve",
        "vgf",
    ]
    for bad in sorted((CHECKOUT / BAD).glob("*.json")):
        cases[f"simulate-bad-{bad.stem}"] = ["simulate", f"{BAD}/{bad.name}"]
    return cases


CASES = _cases()

_TIMING = [
    (re.compile(r"time: sampling [0-9.]+ s, total [0-9.]+ s"), "time: sampling <s> s, total <s> s"),
    (re.compile(r'("(?:simulate_s|total_s|[a-z_]*seconds|elapsed[a-z_]*)": )[0-9.e-]+'), r"\1<s>"),
]


def mask(text: str) -> str:
    for pattern, replacement in _TIMING:
        text = pattern.sub(replacement, text)
    return text


#: JSON numbers may differ in their last bits from one CPU to another: NumPy picks its SIMD
#: kernels (exp, log, power, sums) and OpenBLAS its matrix kernels by the processor. The
#: recordings were made on a machine with AVX-512; on an AMD EPYC without it 14 JSON outputs
#: differed by 1 to 3,235 units in the last place: at most 5.8e-13 relative, on an equity NPV
#: of -0.0195 (a difference of large amounts). Every other character stays exact.
REL_TOL, ABS_TOL = 1e-11, 1e-10


def _close(got: object, expected: object, path: str) -> list[str]:
    """Where ``got`` differs from ``expected`` (parsed JSON): floats within the tolerances,
    everything else (keys, order, strings, integers, booleans) exactly."""
    if isinstance(expected, dict):
        if not isinstance(got, dict) or list(got) != list(expected):
            return [f"{path}: keys {list(got) if isinstance(got, dict) else got!r}"]
        return [d for k in expected for d in _close(got[k], expected[k], f"{path}/{k}")]
    if isinstance(expected, list):
        if not isinstance(got, list) or len(got) != len(expected):
            return [f"{path}: {got!r} is not a list of {len(expected)}"]
        return [
            d for i, (g, e) in enumerate(zip(got, expected)) for d in _close(g, e, f"{path}[{i}]")
        ]
    if isinstance(expected, float) and isinstance(got, float):
        if math.isclose(got, expected, rel_tol=REL_TOL, abs_tol=ABS_TOL):
            return []
    elif type(got) is type(expected) and got == expected:
        return []
    return [f"{path}: {got!r} != {expected!r}"]


def differences(got: str, expected: str) -> list[str]:
    """How a run's output differs from its recording: none when equal, or when only JSON
    numbers differ within :data:`REL_TOL` / :data:`ABS_TOL`."""
    if got == expected:
        return []
    parts = [text.split("--- stdout\n", 1) for text in (got, expected)]
    if any(len(p) != 2 or p[0] != parts[0][0] for p in parts):
        return ["exit code or layout differs"]
    (out, err), (out_e, err_e) = (p[1].rsplit("--- stderr\n", 1) for p in parts)
    if err != err_e:
        return ["stderr differs"]
    try:
        # masked timings are not JSON: the same mask on both sides
        parsed = [json.loads(o.replace("<s>", "null")) for o in (out, out_e)]
    except ValueError:
        return ["stdout differs (not JSON)"]
    return _close(parsed[0], parsed[1], "")


def run(argv: list[str]) -> str:
    """Run ``mitra ARGV`` in this process from the checkout; exit code, stdout and stderr."""
    from mitra.cli import main

    out, err = io.StringIO(), io.StringIO()
    cwd, columns = Path.cwd(), os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "80"  # argparse wraps --help to the terminal's width
    os.chdir(CHECKOUT)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(["mitra", *argv])
            except SystemExit as exc:  # argparse's --help
                code = exc.code if isinstance(exc.code, int) else 0
    finally:
        os.chdir(cwd)
        if columns is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = columns
    return mask(f"exit {code}\n--- stdout\n{out.getvalue()}--- stderr\n{err.getvalue()}")


def record() -> None:
    GOLDEN.mkdir(exist_ok=True)
    for old in GOLDEN.glob("*.out"):
        old.unlink()
    for name, argv in CASES.items():
        (GOLDEN / f"{name}.out").write_text(run(argv), encoding="utf-8")


if __name__ == "__main__":
    record()
