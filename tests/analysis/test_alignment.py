"""Goal alignment (``mitra.analysis.alignment``): known answers worked by hand, and properties.

Every known answer below is derived by hand in the comment above its assertion
from the definitions in ``alignment.schema.json`` (linear scores over the
acceptable range, weights normalised per partner, maximin over the
intersection of the ranges).
"""

from __future__ import annotations

import copy
import itertools
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mitra.analysis import SpecError
from mitra.analysis.alignment import (
    AlignmentSpec,
    Objective,
    align,
    alignment_schema,
    conflict_matrix,
    lever_ranges,
    load_alignment_spec,
    maximin_compromise,
    objective_score,
    objectives_oppose,
    partner_satisfaction,
    validate_alignment_spec,
)

CHECKOUT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((CHECKOUT / "examples" / "align").glob("*.json"))

EXACT = 1e-9  # LP vertices are exact up to rounding


# --------------------------------------------------------------------------- builders


def lever(lid: str = "x", bounds: tuple[float, float] = (0, 12), **extra: Any) -> dict[str, Any]:
    return {"id": lid, "name": f"lever {lid}", "unit": "u", "bounds": list(bounds), **extra}


def obj(
    lid: str, direction: str, lo: float, hi: float, weight: float = 1, target: float | None = None
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "lever": lid,
        "direction": direction,
        "weight": weight,
        "range": [lo, hi],
    }
    if target is not None:
        out["target"] = target
    return out


def partner(pid: str, *objectives: dict[str, Any], sector: str = "public") -> dict[str, Any]:
    return {"id": pid, "name": f"partner {pid}", "sector": sector, "objectives": list(objectives)}


def spec(levers: list[dict[str, Any]], partners: list[dict[str, Any]]) -> dict[str, Any]:
    return {"spec_version": "1.0", "name": "test", "levers": levers, "partners": partners}


# --------------------------------------------------------------------------- scores


def test_scores_are_linear_over_the_range_and_undefined_outside() -> None:
    # given the three directions on the range [2, 12] (target 4)
    up = Objective("x", "increase", 1.0, 2.0, 12.0)
    down = Objective("x", "decrease", 1.0, 2.0, 12.0)
    at4 = Objective("x", "target", 1.0, 2.0, 12.0, target=4.0)
    # then increase: (x - 2)/10; decrease: (12 - x)/10;
    # target: (x - 2)/2 left of 4, (12 - x)/8 right of 4
    assert [objective_score(up, x) for x in (2.0, 7.0, 12.0)] == [0.0, 0.5, 1.0]
    assert [objective_score(down, x) for x in (2.0, 7.0, 12.0)] == [1.0, 0.5, 0.0]
    assert [objective_score(at4, x) for x in (2.0, 3.0, 4.0, 8.0, 12.0)] == [
        0.0,
        0.5,
        1.0,
        0.5,
        0.0,
    ]
    # and outside the range the point is infeasible
    assert math.isnan(objective_score(up, 1.0))
    assert math.isnan(objective_score(at4, 12.5))


def test_extended_scores_go_negative_beyond_the_zero_end_and_cap_at_one() -> None:
    # given increase on [2, 12] and target 4 on [2, 12]
    up = Objective("x", "increase", 1.0, 2.0, 12.0)
    at4 = Objective("x", "target", 1.0, 2.0, 12.0, target=4.0)
    # then extended: (0 - 2)/10 = -0.2, capped at 1 above 12; target: (16 - 12)/8 -> (12-16)/8
    assert objective_score(up, 0.0, extend=True) == pytest.approx(-0.2, abs=1e-15)
    assert objective_score(up, 20.0, extend=True) == 1.0
    assert objective_score(at4, 16.0, extend=True) == pytest.approx(-0.5, abs=1e-15)
    assert objective_score(at4, 1.0, extend=True) == pytest.approx(-0.5, abs=1e-15)


def test_a_target_at_the_range_end_scores_one_there() -> None:
    # given target 0 on [0, 10]: s = (10 - x)/10 on the range
    at0 = Objective("x", "target", 1.0, 0.0, 10.0, target=0.0)
    assert [objective_score(at0, x) for x in (0.0, 5.0, 10.0)] == [1.0, 0.5, 0.0]


def test_satisfaction_is_the_normalised_weighted_mean() -> None:
    # given raw weights 3 and 1 -> normalised 0.75 and 0.25
    s = load_alignment_spec(
        spec(
            [lever("x", (0, 10)), lever("y", (0, 10))],
            [partner("a", obj("x", "increase", 0, 10, 3), obj("y", "decrease", 0, 10, 1))],
        )
    )
    assert s.partner("a").weights == {"x": 0.75, "y": 0.25}
    # then at x = 4, y = 2: 0.75 * 0.4 + 0.25 * 0.8 = 0.3 + 0.2 = 0.5
    assert partner_satisfaction(s, "a", {"x": 4.0, "y": 2.0}) == pytest.approx(0.5, abs=1e-15)
    # and a point outside one range is infeasible
    assert math.isnan(partner_satisfaction(s, "a", {"x": 11.0, "y": 2.0}))


# --------------------------------------------------------------------------- compromise


def test_two_partners_one_lever_meet_where_their_scores_cross() -> None:
    # given one lever in [0, 12]; A increases it on [a, b] = [0, 10], B decreases it on
    # [c, d] = [4, 12]; the intersection is [4, 10]
    s = load_alignment_spec(
        spec(
            [lever("x", (0, 12))],
            [partner("a", obj("x", "increase", 0, 10)), partner("b", obj("x", "decrease", 4, 12))],
        )
    )
    # when the maximin compromise is solved
    c = maximin_compromise(s)
    # then (by hand) s_A = (x - a)/(b - a) rises and s_B = (d - x)/(d - c) falls, so the
    # minimum is largest where they cross:
    #   (x - 0)/10 = (12 - x)/8  <=>  8x = 120 - 10x  <=>  x = 120/18 = 20/3 = 6.667,
    # which lies in [4, 10]; both score (20/3)/10 = 2/3 and both are binding.
    assert c is not None
    assert c.point["x"] == pytest.approx(20 / 3, abs=EXACT)
    assert c.satisfaction == pytest.approx({"a": 2 / 3, "b": 2 / 3}, abs=EXACT)
    assert c.min_satisfaction == pytest.approx(2 / 3, abs=EXACT)
    assert c.binding == ("a", "b")
    assert not c.relaxed and c.relaxations is None


def test_a_target_against_an_increase_meets_on_the_far_side_of_the_target() -> None:
    # given lever [0, 10]; A wants 5 (range [0, 10]), B wants more (range [0, 10])
    s = load_alignment_spec(
        spec(
            [lever("x", (0, 10))],
            [
                partner("a", obj("x", "target", 0, 10, target=5)),
                partner("b", obj("x", "increase", 0, 10)),
            ],
        )
    )
    c = maximin_compromise(s)
    # then for x >= 5: s_A = (10 - x)/5, s_B = x/10; equal at 100 - 10x = 5x, x = 20/3, s = 2/3
    assert c is not None
    assert c.point["x"] == pytest.approx(20 / 3, abs=EXACT)
    assert c.min_satisfaction == pytest.approx(2 / 3, abs=EXACT)


def test_weights_let_each_partner_win_the_lever_it_cares_most_about() -> None:
    # given two levers in [0, 10]; A increases both with raw weights 3 and 1 (0.75, 0.25),
    # B decreases both with raw weights 1 and 3 (0.25, 0.75); all ranges [0, 10]
    s = load_alignment_spec(
        spec(
            [lever("x", (0, 10)), lever("y", (0, 10))],
            [
                partner("a", obj("x", "increase", 0, 10, 3), obj("y", "increase", 0, 10, 1)),
                partner("b", obj("x", "decrease", 0, 10, 1), obj("y", "decrease", 0, 10, 3)),
            ],
        )
    )
    c = maximin_compromise(s)
    # then S_A + S_B = 0.075x + 0.025y + 0.025(10 - x) + 0.075(10 - y) = 1 + 0.05(x - y),
    # at most 1.5, reached only at (10, 0); there S_A = 0.75 = S_B, so min <= 0.75 is attained
    # only at (10, 0).
    assert c is not None
    assert c.point == pytest.approx({"x": 10.0, "y": 0.0}, abs=EXACT)
    assert c.satisfaction == pytest.approx({"a": 0.75, "b": 0.75}, abs=EXACT)
    # and the conflict matrix: both levers opposite, 0.75 * 0.25 + 0.25 * 0.75 = 0.375
    m = conflict_matrix(s)
    assert m.total.tolist() == [[0.0, 0.375], [0.375, 0.0]]
    assert m.by_lever["x"][0, 1] == 0.1875 and m.by_lever["y"][0, 1] == 0.1875


def test_a_zero_weight_range_still_binds_and_the_compromise_is_clamped() -> None:
    # given A increases x on [0, 10], B decreases x on [0, 10]; C cares only about y (weight 1)
    # but accepts x in [0, 4] only (weight 0)
    s = load_alignment_spec(
        spec(
            [lever("x", (0, 10)), lever("y", (0, 10))],
            [
                partner("a", obj("x", "increase", 0, 10)),
                partner("b", obj("x", "decrease", 0, 10)),
                partner("c", obj("x", "increase", 0, 4, 0), obj("y", "increase", 0, 10, 1)),
            ],
        )
    )
    c = maximin_compromise(s)
    # then x is confined to [0, 4]; s_A = x/10 and s_B = (10 - x)/10 would cross at 5, outside,
    # so the best minimum is at x = 4: s_A = 0.4, s_B = 0.6; C gets y = 10, S_C = 1
    assert c is not None
    assert c.point == pytest.approx({"x": 4.0, "y": 10.0}, abs=EXACT)
    assert c.satisfaction == pytest.approx({"a": 0.4, "b": 0.6, "c": 1.0}, abs=EXACT)
    assert c.binding == ("a",)
    assert s.partner("c").weights == {"x": 0.0, "y": 1.0}


def test_the_tie_break_picks_the_pareto_point_among_maximin_points() -> None:
    # given A and B oppose each other on x (crossing at 5, min 0.5) and both increase y
    s = load_alignment_spec(
        spec(
            [lever("x", (0, 10)), lever("y", (0, 10))],
            [
                partner("a", obj("x", "increase", 0, 10), obj("y", "increase", 0, 10, 0.01)),
                partner("b", obj("x", "decrease", 0, 10), obj("y", "increase", 0, 10, 0.01)),
            ],
        )
    )
    c = maximin_compromise(s)
    # then y = 10 (nobody loses by it) and x = 5 (by symmetry): S = (0.5 + 0.01)/1.01 each
    assert c is not None
    assert c.point == pytest.approx({"x": 5.0, "y": 10.0}, abs=EXACT)
    assert c.min_satisfaction == pytest.approx(0.51 / 1.01, abs=EXACT)


def test_the_second_stage_raises_the_non_binding_partners() -> None:
    # given three levers in [0, 10]:
    #   P0: l1 increase [2, 6] w 1, l2 decrease [4, 8] w 2       -> weights 1/3, 2/3
    #   P1: l0 decrease [0, 6] w 1                               -> S1 = (6 - x0)/6
    #   P2: l0 increase [4, 10] w 3, l1 decrease [2, 7] w 3, l2 increase [1, 8] w 1
    #                                                            -> weights 3/7, 3/7, 1/7
    # intersections: l0 [4, 6], l1 [2, 6], l2 [4, 8].
    s = load_alignment_spec(
        spec(
            [lever("l0", (0, 10)), lever("l1", (0, 10)), lever("l2", (0, 10))],
            [
                partner("p0", obj("l1", "increase", 2, 6, 1), obj("l2", "decrease", 4, 8, 2)),
                partner("p1", obj("l0", "decrease", 0, 6, 2)),
                partner(
                    "p2",
                    obj("l0", "increase", 4, 10, 3),
                    obj("l1", "decrease", 2, 7, 3),
                    obj("l2", "increase", 1, 8, 1),
                ),
            ],
        )
    )
    c = maximin_compromise(s)
    # then S1 <= (6 - 4)/6 = 1/3 (at x0 = 4), and 1/3 is reachable by all, so t* = 1/3 and
    # x0 = 4; l1 and l2 are then free as long as S0, S2 >= 1/3. The tie-break maximises
    #   S0 + S2 = (x1 - 2)/12 + (8 - x2)/6 + 3(7 - x1)/35 + (x2 - 1)/49 (+ const at x0 = 4)
    # whose slopes are 1/12 - 3/35 = -1/420 in x1 and -1/6 + 1/49 in x2: both as low as
    # possible, x1 = 2, x2 = 4, where S0 = (2/3)(4/4) = 2/3 and S2 = 3/7 + (1/7)(3/7) = 24/49.
    assert c is not None
    assert c.point == pytest.approx({"l0": 4.0, "l1": 2.0, "l2": 4.0}, abs=EXACT)
    assert c.satisfaction == pytest.approx({"p0": 2 / 3, "p1": 1 / 3, "p2": 24 / 49}, abs=EXACT)
    assert c.binding == ("p1",)


# --------------------------------------------------------------------------- ranges and gaps


def test_a_gap_names_the_tightest_pair_and_the_minimal_relaxation() -> None:
    # given lever [0, 100] and ranges A [0, 30], B [50, 80], C [40, 60]
    s = load_alignment_spec(
        spec(
            [lever("x", (0, 100))],
            [
                partner("a", obj("x", "increase", 0, 30)),
                partner("b", obj("x", "decrease", 50, 80)),
                partner("c", obj("x", "increase", 40, 60)),
            ],
        )
    )
    (r,) = lever_ranges(s)
    # then max lo = 50 (B), min hi = 30 (A): gap 20, tightest pair (B above A);
    # disjoint pairs: B over A by 50 - 30 = 20, C over A by 40 - 30 = 10.
    # f(x) = sum of distances: on [40, 50] it is (x - 30) + (50 - x) + 0 = 20;
    # on [30, 40] it is 60 - x > 20 and on [50, 60] it is x - 30 > 20: R = 20 on [40, 50].
    assert not r.feasible and r.intersection is None
    assert r.gap == 20.0
    assert r.tightest_pair == ("b", "a")
    assert r.disjoint_pairs == (("b", "a", 20.0), ("c", "a", 10.0))
    assert r.relaxation == 20.0
    assert r.relaxed_interval == (40.0, 50.0)
    # and there is no compromise within the ranges
    assert maximin_compromise(s) is None


def test_the_minimal_total_relaxation_can_exceed_the_gap() -> None:
    # given ranges [0, 10] twice and [20, 30] twice: the gap is 10, but wherever they meet,
    # both partners on one side must move: on [10, 20] f(x) = 2(x - 10) + 2(20 - x) = 20
    s = load_alignment_spec(
        spec(
            [lever("x", (0, 30))],
            [
                partner("a", obj("x", "increase", 0, 10)),
                partner("b", obj("x", "increase", 0, 10)),
                partner("c", obj("x", "decrease", 20, 30)),
                partner("d", obj("x", "decrease", 20, 30)),
            ],
        )
    )
    (r,) = lever_ranges(s)
    assert (r.gap, r.relaxation, r.relaxed_interval) == (10.0, 20.0, (10.0, 20.0))
    assert len(r.disjoint_pairs) == 4


def test_intersecting_ranges_report_the_intersection() -> None:
    # given [0, 10] and [5, 20] (and a partner without an objective on x)
    s = load_alignment_spec(
        spec(
            [lever("x", (0, 20)), lever("y", (0, 1))],
            [
                partner("a", obj("x", "increase", 0, 10)),
                partner("b", obj("x", "decrease", 5, 20)),
                partner("c", obj("y", "increase", 0, 1)),
            ],
        )
    )
    r, _ = lever_ranges(s)
    assert (r.intersection, r.gap, r.relaxation, r.relaxed_interval) == (
        (5.0, 10.0),
        0.0,
        0.0,
        (5.0, 10.0),
    )
    assert r.partners == ("a", "b") and r.tightest_pair is None


def test_the_relaxed_compromise_splits_the_gap_between_two_targets() -> None:
    # given A targets 5 on [0, 10], B targets 25 on [20, 30]; lever [0, 30]
    result = align(
        spec(
            [lever("x", (0, 30))],
            [
                partner("a", obj("x", "target", 0, 10, target=5)),
                partner("b", obj("x", "target", 20, 30, target=25)),
            ],
        )
    )
    # then there is no compromise; the relaxed one searches [10, 20] (R = 10) with extended
    # scores s_A = (10 - x)/5 and s_B = (x - 20)/5 (both <= 0 there); they are equal at x = 15,
    # where both are -1; A's range is exceeded by 5 and B's by 5.
    assert not result.feasible and result.compromise is None
    c = result.relaxed_compromise
    assert c is not None and c.relaxed
    assert c.point["x"] == pytest.approx(15.0, abs=EXACT)
    assert c.satisfaction == pytest.approx({"a": -1.0, "b": -1.0}, abs=EXACT)
    assert c.relaxations is not None
    assert c.relaxations["x"] == pytest.approx({"a": 5.0, "b": 5.0}, abs=EXACT)
    assert "RELAXED" in c.label
    assert result.to_dict()["relaxed_compromise"]["relaxed"] is True


# --------------------------------------------------------------------------- conflicts


@pytest.mark.parametrize(
    ("a", "b", "tol", "expected"),
    [
        # increase vs decrease: always opposite, even with disjoint ranges
        (("increase", 0, 10, None), ("decrease", 20, 30, None), 1.0, True),
        (("increase", 0, 10, None), ("increase", 5, 30, None), 1.0, False),
        (("decrease", 0, 10, None), ("decrease", 5, 30, None), 1.0, False),
        # target 5 vs increase up to 10: the increaser wants 5 more than the target
        (("target", 0, 10, 5), ("increase", 0, 10, None), 1.0, True),
        (("target", 0, 10, 5), ("increase", 0, 10, None), 5.0, False),
        (("target", 0, 10, 10), ("increase", 0, 10, None), 1.0, False),
        # target 5 vs decrease down to 0: opposite; down to 5: not
        (("target", 0, 10, 5), ("decrease", 0, 10, None), 1.0, True),
        (("target", 0, 10, 5), ("decrease", 5, 10, None), 1.0, False),
        # two targets 2 apart: opposite unless the tolerance is at least 2
        (("target", 0, 10, 5), ("target", 0, 10, 7), 1.0, True),
        (("target", 0, 10, 5), ("target", 0, 10, 7), 2.0, False),
    ],
)
def test_opposition_rules(
    a: tuple[str, float, float, float | None],
    b: tuple[str, float, float, float | None],
    tol: float,
    expected: bool,
) -> None:
    oa = Objective("x", a[0], 1.0, a[1], a[2], a[3])  # type: ignore[arg-type]
    ob = Objective("x", b[0], 1.0, b[1], b[2], b[3])  # type: ignore[arg-type]
    assert objectives_oppose(oa, ob, tol) is expected
    assert objectives_oppose(ob, oa, tol) is expected


def test_the_default_tolerance_is_one_percent_of_the_bounds() -> None:
    # given lever [0, 200] (default tol = 2) and targets 100 and 101.5 (1.5 apart), then 103
    def pair_conflict(t2: float) -> float:
        s = load_alignment_spec(
            spec(
                [lever("x", (0, 200))],
                [
                    partner("a", obj("x", "target", 0, 200, target=100)),
                    partner("b", obj("x", "target", 0, 200, target=t2)),
                ],
            )
        )
        assert s.levers[0].tolerance == 2.0
        return float(conflict_matrix(s).total[0, 1])

    assert pair_conflict(101.5) == 0.0
    assert pair_conflict(103.0) == 1.0


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_conflict_matrices_are_symmetric_with_zero_diagonal(path: Path) -> None:
    m = conflict_matrix(load_alignment_spec(path))
    assert np.array_equal(m.total, m.total.T)
    assert np.all(np.diag(m.total) == 0)
    assert np.all((m.total >= 0) & (m.total <= 1))
    assert np.allclose(sum(m.by_lever.values()), m.total, rtol=0, atol=1e-15)


def test_example_files_exist() -> None:
    assert [p.name for p in EXAMPLES] == ["hospital.json", "school.json", "toll-road.json"]


def test_the_hospital_example_has_a_gap_and_the_others_do_not() -> None:
    results = {p.stem: align(p) for p in EXAMPLES}
    assert results["toll-road"].feasible and results["school"].feasible
    hospital = results["hospital"]
    assert not hospital.feasible
    # province [80, 120] vs operator [130, 180]: gap 10; the medical school's [90, 200] is
    # inside both ends, so the minimal relaxation is also 10, anywhere in [120, 130]
    (gap,) = [r for r in hospital.ranges if not r.feasible]
    assert (gap.lever, gap.gap, gap.tightest_pair) == (
        "availability_payment",
        10.0,
        ("operator", "province"),
    )
    assert (gap.relaxation, gap.relaxed_interval) == (10.0, (120.0, 130.0))


# --------------------------------------------------------------------------- validation


def test_every_problem_is_reported_with_its_path() -> None:
    # given a spec with many independent semantic problems
    bad = spec(
        [
            lever("x", (0, 10)),
            lever("x", (0, 5)),
            lever("y", (5, 5)),
            lever("z", (0, 1)),
        ],
        [
            partner(
                "a",
                obj("x", "increase", 2, 1),
                obj("x", "decrease", 0, 20),
                obj("w", "increase", 0, 1),
            ),
            partner(
                "a",
                obj("x", "target", 0, 10, target=12),
                {**obj("x", "increase", 0, 10), "target": 3},
            ),
            partner("b", obj("x", "increase", 0, 10, 0)),
        ],
    )
    issues = [str(i) for i in validate_alignment_spec(bad)]
    assert issues == [
        "$.levers[1].id: duplicate lever id 'x' (already used by $.levers[0])",
        "$.levers[2]: no partner has an objective on lever 'y'; add one or remove the lever",
        "$.levers[2].bounds: the minimum (5) must be less than the maximum (5)",
        "$.levers[3]: no partner has an objective on lever 'z'; add one or remove the lever",
        "$.partners[0].objectives[0].range: lo (2) must be less than hi (1)",
        "$.partners[0].objectives[1].lever: partner 'a' already has an objective on lever 'x' "
        "($.partners[0].objectives[0]); state one per lever",
        "$.partners[0].objectives[1].range: [0, 20] must lie inside the lever's bounds [0, 10]",
        "$.partners[0].objectives[2].lever: unknown lever 'w' (levers: x, y, z)",
        "$.partners[1].id: duplicate partner id 'a' (already used by $.partners[0])",
        "$.partners[1].objectives[0].target: target (12) must lie inside the range [0, 10]",
        "$.partners[1].objectives[1].lever: partner 'a' already has an objective on lever 'x' "
        "($.partners[1].objectives[0]); state one per lever",
        "$.partners[1].objectives[1].target: only allowed when direction is 'target' "
        "(direction is 'increase')",
        "$.partners[2].objectives: the weights must not all be 0 (they are normalised to sum to 1)",
    ]


def test_schema_problems_are_reported_in_plain_words() -> None:
    bad = spec(
        [{"id": "1x", "name": "", "unit": "u", "bounds": [0]}],
        [
            {
                "id": "a",
                "name": "A",
                "sector": "government",
                "objectives": [
                    {"lever": "x", "direction": "target", "weight": -1, "range": [0, 1]},
                    {"lever": "x", "direction": "up", "weight": 1, "range": [0, 1], "extra": 1},
                ],
            }
        ],
    )
    issues = [str(i) for i in validate_alignment_spec(bad)]
    assert issues == [
        "$.levers[0].bounds: must have at least 2 items",
        "$.levers[0].id: must start with a letter and contain only letters, digits, '_', '.' "
        "and '-'; got \"1x\"",
        "$.levers[0].name: must not be empty",
        "$.partners[0].objectives[0]: missing required field 'target'",
        "$.partners[0].objectives[0].weight: must be >= 0, got -1",
        "$.partners[0].objectives[1]: unknown field 'extra' (allowed: lever, direction, target, "
        "weight, range, note)",
        '$.partners[0].objectives[1].direction: must be one of "increase", "decrease", '
        '"target"; got "up"',
        '$.partners[0].sector: must be one of "public", "social", "private", "academia", '
        '"media"; got "government"',
    ]


def test_non_finite_numbers_are_rejected() -> None:
    bad = spec([lever("x", (0, math.inf))], [partner("a", obj("x", "increase", 0, 1))])
    assert [str(i) for i in validate_alignment_spec(bad)] == [
        "$.levers[0].bounds[1]: must be a finite number, got inf"
    ]


def test_load_raises_spec_error_with_every_issue() -> None:
    with pytest.raises(SpecError) as info:
        load_alignment_spec(spec([lever("x")], [partner("a", obj("y", "increase", 0, 1))]))
    assert [i.path for i in info.value.issues] == [
        "$.levers[0]",
        "$.partners[0].objectives[0].lever",
    ]


def test_the_published_schema_is_byte_identical_to_the_packaged_one() -> None:
    packaged = CHECKOUT / "src" / "mitra" / "analysis" / "schemas" / "alignment.schema.json"
    published = CHECKOUT / "docs" / "schemas" / "alignment.schema.json"
    assert packaged.read_bytes() == published.read_bytes()
    assert alignment_schema() == json.loads(published.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_validate_and_round_trip(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert validate_alignment_spec(data) == []
    loaded = load_alignment_spec(path)
    assert load_alignment_spec(loaded.to_dict()) == loaded


# --------------------------------------------------------------------------- properties

DIRECTIONS = ("increase", "decrease", "target")


@st.composite
def objective_for(draw: st.DrawFn, lid: str, common: int | None) -> dict[str, Any]:
    """An objective on a lever with bounds [0, 100]; its range contains ``common`` if given."""
    if common is None:
        lo = draw(st.integers(0, 99))
        hi = draw(st.integers(lo + 1, 100))
    else:
        lo = draw(st.integers(0, common))
        hi = draw(st.integers(common, 100))
        if lo == hi:
            lo, hi = (lo - 1, hi) if lo > 0 else (lo, hi + 1)
    direction = draw(st.sampled_from(DIRECTIONS))
    target = draw(st.integers(lo, hi)) if direction == "target" else None
    return obj(lid, direction, lo, hi, draw(st.integers(1, 5)), target)


@st.composite
def alignment_specs(
    draw: st.DrawFn, max_levers: int = 2, max_partners: int = 4, feasible: bool = True
) -> dict[str, Any]:
    """Random specs on 1..max_levers levers [0, 100] (ranges meet when ``feasible``)."""
    n_levers = draw(st.integers(1, max_levers))
    lids = [f"l{j}" for j in range(n_levers)]
    commons = [draw(st.integers(0, 100)) if feasible else None for _ in lids]
    n_partners = draw(st.integers(1, max_partners))
    partners = []
    for i in range(n_partners):
        chosen = draw(st.lists(st.sampled_from(range(n_levers)), min_size=1, unique=True))
        objectives = [draw(objective_for(lids[j], commons[j])) for j in sorted(chosen)]
        partners.append(partner(f"p{i}", *objectives))
    # every lever needs an objective: give the first partner the missing ones
    covered = {o["lever"] for p in partners for o in p["objectives"]}
    for j, lid in enumerate(lids):
        if lid not in covered:
            partners[0]["objectives"].append(draw(objective_for(lid, commons[j])))
    return spec([lever(lid, (0, 100)) for lid in lids], partners)


def _grid_points(s: AlignmentSpec, n: int) -> list[dict[str, float]]:
    axes = []
    for r in lever_ranges(s):
        assert r.intersection is not None
        axes.append(np.linspace(r.intersection[0], r.intersection[1], n).tolist())
    return [dict(zip(s.lever_ids, xs, strict=True)) for xs in itertools.product(*axes)]


def _min_satisfaction(s: AlignmentSpec, point: dict[str, float]) -> float:
    return min(partner_satisfaction(s, p, point) for p in s.partner_ids)


PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(alignment_specs())
def test_the_compromise_lies_within_every_range(data: dict[str, Any]) -> None:
    s = load_alignment_spec(data)
    c = maximin_compromise(s)
    assert c is not None
    for p in s.partners:
        for o in p.objectives:
            assert o.lo <= c.point[o.lever] <= o.hi
    assert 0.0 <= c.min_satisfaction <= 1.0
    assert c.min_satisfaction == min(c.satisfaction.values())
    assert c.binding and all(c.satisfaction[p] - c.min_satisfaction <= 1e-7 for p in c.binding)


@PROPERTY
@given(alignment_specs())
def test_no_grid_point_beats_the_maximin(data: dict[str, Any]) -> None:
    s = load_alignment_spec(data)
    c = maximin_compromise(s)
    assert c is not None
    n = 201 if len(s.levers) == 1 else 41
    best_on_grid = max(_min_satisfaction(s, point) for point in _grid_points(s, n))
    assert best_on_grid <= c.min_satisfaction + 1e-9


@PROPERTY
@given(alignment_specs(max_partners=3), st.data())
def test_adding_a_partner_never_raises_the_optimum(
    data: dict[str, Any], more: st.DataObject
) -> None:
    s = load_alignment_spec(data)
    before = maximin_compromise(s)
    assert before is not None
    lid = more.draw(st.sampled_from(s.lever_ids))
    extra = copy.deepcopy(data)
    extra["partners"].append(partner("new", more.draw(objective_for(lid, None))))
    after = maximin_compromise(load_alignment_spec(extra))
    # either the newcomer's range leaves no compromise, or the optimum cannot rise
    assert after is None or after.min_satisfaction <= before.min_satisfaction + 1e-9


@PROPERTY
@given(alignment_specs(max_levers=3, max_partners=5, feasible=False))
def test_conflicts_and_relaxations_are_consistent(data: dict[str, Any]) -> None:
    s = load_alignment_spec(data)
    m = conflict_matrix(s)
    assert np.array_equal(m.total, m.total.T)
    assert np.all(np.diag(m.total) == 0)
    assert np.all((m.total >= 0) & (m.total <= 1 + 1e-12))
    result = align(s)
    for r in result.ranges:
        o_ranges = [(o.lo, o.hi) for p in s.partners if (o := p.objective(r.lever)) is not None]

        def f(x: float, o_ranges: list[tuple[float, float]] = o_ranges) -> float:
            return math.fsum(max(0.0, lo - x, x - hi) for lo, hi in o_ranges)

        # R is the minimum of f (no grid point does better), reached on the whole interval
        assert r.relaxation >= r.gap
        assert min(f(x) for x in np.linspace(0, 100, 1001)) >= r.relaxation - 1e-9
        assert f(r.relaxed_interval[0]) == pytest.approx(r.relaxation, abs=1e-9)
        assert f(r.relaxed_interval[1]) == pytest.approx(r.relaxation, abs=1e-9)
        assert f(r.relaxed_interval[0] - 0.5) > r.relaxation
        assert f(r.relaxed_interval[1] + 0.5) > r.relaxation
    chosen = result.compromise or result.relaxed_compromise
    assert chosen is not None and chosen.relaxed is (not result.feasible)
    if chosen.relaxed:
        assert chosen.relaxations is not None
        for r in result.ranges:
            moved = math.fsum(chosen.relaxations.get(r.lever, {}).values())
            assert moved == pytest.approx(r.relaxation, abs=1e-9)
