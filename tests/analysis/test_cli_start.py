"""``mitra simulate`` starts without Django and without SciPy's heavy subpackages (issue 19):
checked on the modules a fresh interpreter has loaded after the command, not on time."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SPEC = Path(__file__).resolve().parents[2] / "examples" / "risk" / "toll-road.json"

HEAVY = ("django", "scipy.stats", "scipy.optimize", "scipy.sparse", "scipy.linalg", "pandas")


def _modules_after(argv: list[str]) -> set[str]:
    script = (
        "import contextlib, io, json, sys\n"
        "from mitra.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n"
        f"        code = main({argv!r})\n"
        "    except SystemExit as exit:\n"
        "        code = exit.code\n"
        "print(json.dumps([code, sorted(sys.modules)]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout
    code, modules = json.loads(out.strip().splitlines()[-1])
    assert code == 0
    return set(modules)


def _loaded(modules: set[str], root: str) -> bool:
    return any(name == root or name.startswith(root + ".") for name in modules)


def test_help_of_simulate_loads_no_django() -> None:
    modules = _modules_after(["mitra", "simulate", "--help"])
    assert not [root for root in HEAVY if _loaded(modules, root)]


def test_a_10k_simulation_loads_only_what_it_runs() -> None:
    modules = _modules_after(
        ["mitra", "simulate", str(SPEC), "--iterations", "10000", "--seed", "1"]
    )
    assert "mitra.analysis.risk.montecarlo" in modules  # it ran
    assert not [root for root in HEAVY if _loaded(modules, root)]
