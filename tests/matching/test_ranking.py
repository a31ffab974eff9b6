"""The ranking core with known answers (no database)."""

from __future__ import annotations

import pytest

from mitra.matching import ranking
from mitra.matching.ranking import Candidate, Membership, NeedQuery, PastCommitment


def need(**kw):
    base = dict(
        need_id=1,
        partnership_id=10,
        resource_type="expertise",
        development_sector="education",
        form="psp",
        province="ID-JB",
        text="",
        measure="person-days",
        is_cash=False,
        gap=100.0,
    )
    return NeedQuery(**{**base, **kw})


def past(**kw):
    base = dict(
        need_id=99,
        partnership_id=20,
        resource_type="expertise",
        development_sector="health",
        form="csr",
        fulfilment=1.0,
        outstanding=0.0,
        measure="person-days",
    )
    return PastCommitment(**{**base, **kw})


def test_an_indonesian_need_meets_an_english_profile():
    scores, shared = ranking.text_similarity(
        "Pelatihan guru SMP di Cianjur",
        ["Teacher training for lower-secondary schools", "Toll road construction and bridges"],
    )
    assert scores[0] > 0.15 and scores[1] < 0.05
    assert shared[0] == ["teacher", "train"]


@pytest.mark.parametrize(
    ("word", "stem"),
    [("pelatihan", "train"), ("mendanai", "fund"), ("trainings", "train"), ("sekolah", "school"),
     ("pembangunan", "build"), ("air", "water")],
)  # fmt: skip
def test_stems(word, stem):
    assert ranking.stem(word) == stem


def test_the_score_is_the_weighted_sum_of_known_parts():
    a = Candidate(
        1,
        "A",
        province="ID-JB",
        resource_types=frozenset({"expertise"}),
        history=(past(development_sector="education"),),
    )
    b = Candidate(2, "B", province="ID-JT")
    (first, second) = ranking.rank(need(), [b, a])
    assert first.organisation_id == 1
    # resource 1, track (1 − 0.5¹) × (0.4 + 0.6 × 1) = 0.5, region 1, capacity 1 (nothing open)
    assert first.parts == {
        "resource": 1.0, "track_record": 0.5, "text": 0.0, "sector": 0.0, "region": 1.0,
        "form": 0.0, "capacity": 1.0,
    }  # fmt: skip
    assert first.score == pytest.approx(0.25 + 0.2 * 0.5 + 0.1 + 0.1)
    assert second.score == pytest.approx(0.1)  # B: only capacity
    codes = [r.code for r in first.reasons]
    assert codes == ["resource", "track", "region", "free"]
    assert first.reasons[1].params == {"n": 1, "pct": 100}


def test_fulfilment_weighs_the_track_record():
    good = Candidate(1, "Good", history=(past(), past(need_id=98)))
    poor = Candidate(2, "Poor", history=(past(fulfilment=0.25), past(need_id=98, fulfilment=0.25)))
    ranked = ranking.rank(need(), [poor, good])
    assert [m.organisation_id for m in ranked] == [1, 2]
    # two commitments in another sector count as one: (1 − 0.5¹) × (0.4 + 0.6 × fulfilment)
    assert ranked[0].parts["track_record"] == pytest.approx(0.5)
    assert ranked[1].parts["track_record"] == pytest.approx(0.5 * 0.55, abs=1e-3)


def test_commitments_in_the_needs_sector_count_more():
    same = Candidate(1, "Same", history=(past(development_sector="education"),))
    other = Candidate(2, "Other", history=(past(),))
    ranked = ranking.rank(need(), [other, same])
    assert [m.organisation_id for m in ranked] == [1, 2]
    assert ranked[1].parts["track_record"] == pytest.approx(1 - 0.5**0.5, abs=1e-3)


def test_commitments_to_the_need_itself_are_held_out():
    held = Candidate(1, "Held", history=(past(need_id=1, partnership_id=10),))
    (match,) = ranking.rank(need(), [held])
    assert match.parts["track_record"] == 0.0


def test_the_whole_partnership_can_be_held_out():
    c = Candidate(
        1,
        "Member",
        history=(past(need_id=2, partnership_id=10, development_sector="education"),),
        memberships=(Membership(10, "psp", "education", "ID-JB"),),
    )
    (kept,) = ranking.rank(need(), [c])
    (held,) = ranking.rank(need(), [c], exclude_partnership=True)
    assert kept.parts["sector"] == kept.parts["form"] == 1.0
    assert held.parts["sector"] == held.parts["form"] == held.parts["track_record"] == 0.0


@pytest.mark.parametrize(
    ("outstanding", "gap", "part", "level"),
    [(30.0, 50.0, 1.0, "ample"), (30.0, 100.0, 0.6, "some"), (30.0, 200.0, 0.3, "little"),
     (120.0, 50.0, 0.0, "none")],
)  # fmt: skip
def test_stated_capacity_counts_in_coarse_steps(outstanding, gap, part, level):
    c = Candidate(
        1,
        "Funder",
        capacity=100.0,
        capacity_currency="IDR",
        history=(past(resource_type="cash", measure="IDR", outstanding=outstanding),),
    )
    q = need(resource_type="cash", measure="IDR", is_cash=True, gap=gap)
    (match,) = ranking.rank(q, [c])
    assert match.parts["capacity"] == part
    assert ranking.Reason("capacity", {"level": level}) in match.reasons


def test_without_stated_capacity_unfinished_pledges_count():
    busy = Candidate(
        1, "Busy", history=tuple(past(need_id=i, outstanding=5.0) for i in range(3, 6))
    )
    (match,) = ranking.rank(need(), [busy])
    assert match.parts["capacity"] == 0.3
    assert ranking.Reason("busy", {"n": 3}) in match.reasons


def test_reasons_carry_no_amounts():
    c = Candidate(
        1,
        "Funder",
        capacity=987654321.0,
        capacity_currency="IDR",
        resource_types=frozenset({"cash"}),
        history=(past(resource_type="cash", measure="IDR", outstanding=123456789.0),),
    )
    (match,) = ranking.rank(need(resource_type="cash", measure="IDR", is_cash=True), [c])
    flat = repr([r.params for r in match.reasons])
    assert "987" not in flat and "123" not in flat


def test_precision_at_five():
    assert ranking.precision_at([1, 2, 3, 4, 5, 6], {2, 6}) == 0.2
    assert ranking.precision_at([7], {7}, k=5) == 0.2
