"""A command of the core imports only what it runs (issue 19): ``mitra simulate --help`` answers
before NumPy, SciPy or jsonschema load, and a simulation never loads SciPy's optimiser, which only
alignment, VfM and the solvers need. Checked on the modules loaded, in a fresh interpreter."""

import json
import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _modules_after(code: str) -> set[str]:
    script = code + "\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout
    return set(json.loads(out.strip().splitlines()[-1]))


def _roots(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


def test_help_of_simulate_loads_no_numeric_library():
    modules = _modules_after(
        "from mitra.cli import main\n"
        "try:\n    main(['mitra', 'simulate', '--help'])\nexcept SystemExit:\n    pass"
    )
    assert not _roots(modules) & {"numpy", "scipy", "jsonschema"}
    assert "mitra.analysis.risk.montecarlo" not in modules


def test_importing_the_core_loads_nothing_until_used():
    modules = _modules_after("import mitra.analysis")
    assert not _roots(modules) & {"numpy", "scipy", "jsonschema"}


def test_a_simulation_does_not_load_the_optimiser_or_other_subpackages(tmp_path):
    spec = EXAMPLES / "risk" / "toll-road.json"
    modules = _modules_after(
        "import contextlib, io\n"
        "from mitra.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    code = main(['mitra', 'simulate', {str(spec)!r}, '--iterations', '1000', '--seed', '1'])\n"
        "assert code == 0, code"
    )
    assert "mitra.analysis.risk.montecarlo" in modules  # it did run
    assert "scipy.optimize" not in modules
    for other in ("alignment", "appraisal", "sharing", "finance"):
        assert f"mitra.analysis.{other}" not in modules


def test_lazy_names_resolve_to_the_same_objects():
    import mitra.analysis as core
    from mitra.analysis.alignment.compromise import maximin_compromise
    from mitra.analysis.risk.montecarlo import simulate

    assert core.simulate is simulate
    assert core.maximin_compromise is maximin_compromise
    assert "simulate" in dir(core) and "simulate" in core.__all__
