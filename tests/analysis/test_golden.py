"""Every CLI of the computation core prints what it printed before the core moved (issue 9).

The outputs in ``golden/`` were recorded from the flat ``mitra.analysis`` modules, before
they became subpackages; each case runs one example (or one bad input, or ``--help``)
through ``mitra`` and compares exit code, stdout and stderr byte for byte (timings masked); the numbers of a JSON
output within a few units in the last place, as they follow the CPU (``golden_cases.REL_TOL``).
"""

from __future__ import annotations

import pytest

from tests.analysis.golden_cases import CASES, GOLDEN, differences, run


def test_every_case_has_a_recording() -> None:
    recorded = {path.stem for path in GOLDEN.glob("*.out")}
    assert recorded == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_cli_output_unchanged(name: str) -> None:
    expected = (GOLDEN / f"{name}.out").read_text(encoding="utf-8")
    got = run(CASES[name])
    if not name.endswith("-json"):
        assert got == expected
    else:
        assert differences(got, expected) == []


def test_json_outputs_compare_exactly_but_for_the_last_bits_of_numbers() -> None:
    expected = (GOLDEN / "finance-toll-road-json.out").read_text(encoding="utf-8")
    assert differences(expected, expected) == []
    # a change of a figure in its 9th significant digit is a change
    changed = expected.replace('"equity": 0.15', '"equity": 0.150000001', 1)
    assert changed != expected and differences(changed, expected) != []
    # a last-bit difference is not
    last_bit = expected.replace('"equity": 0.15', '"equity": 0.15000000000000002', 1)
    assert last_bit != expected and differences(last_bit, expected) == []
    # nor is anything but a number spared
    assert differences(expected.replace('"IDR"', '"EUR"', 1), expected) != []
    assert (
        differences(expected.replace('"cod_year": 2029', '"cod_year": 2029.0', 1), expected) != []
    )
    assert differences(expected.replace("exit 0", "exit 1", 1), expected) != []
