"""Every CLI of the computation core prints what it printed before the core moved (issue 9).

The outputs in ``golden/`` were recorded from the flat ``mitra.analysis`` modules, before
they became subpackages; each case runs one example (or one bad input, or ``--help``)
through ``mitra`` and compares exit code, stdout and stderr byte for byte (timings masked).
"""

from __future__ import annotations

import pytest

from tests.analysis.golden_cases import CASES, GOLDEN, run


def test_every_case_has_a_recording() -> None:
    recorded = {path.stem for path in GOLDEN.glob("*.out")}
    assert recorded == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_cli_output_unchanged(name: str) -> None:
    expected = (GOLDEN / f"{name}.out").read_text(encoding="utf-8")
    assert run(CASES[name]) == expected
