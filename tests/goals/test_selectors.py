"""Reads: a confidential objective is invisible to the other partners (page, spec, export,
history) yet counted in the computation."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.utils import translation

from mitra.core.errors import PermissionDenied
from mitra.goals import selectors, services
from mitra.goals.history import goals_history
from mitra.goals.models import Lever, LeverObjective
from mitra.goals.report import report_get
from mitra.goals.tabs import _rows
from tests.conftest import World

from .conftest import objective_data

pytestmark = pytest.mark.django_db
D = Decimal


def _objective(world: World, user: str, lever: Lever, org: object) -> selectors.ObjectiveView:
    goals = selectors.goals_get(user=world.users[user], partnership=world.partnership)
    view = next(lv for lv in goals.levers if lv.lever.pk == lever.pk)
    return next(o for o in view.objectives if o.member.organisation_id == org.pk)  # type: ignore[attr-defined]


def test_other_partners_see_that_a_hidden_constraint_exists_never_its_values(
    world: World, tariff: Lever
) -> None:
    seen = _objective(world, "ngo_user", tariff, world.company)
    assert seen.hidden is True
    assert (seen.direction, seen.preferred, seen.acceptable_min, seen.acceptable_max) == (
        None,
        None,
        None,
        None,
    )
    assert (seen.walk_away, seen.weight, seen.note) == (None, None, "")


def test_its_owner_and_only_its_owner_sees_the_values(world: World, tariff: Lever) -> None:
    own = _objective(world, "member", tariff, world.company)
    assert (own.hidden, own.acceptable_min, own.walk_away) == (False, D("48200"), D("46000"))
    assert _objective(world, "staff", tariff, world.company).hidden is True
    assert _objective(world, "lead_admin", tariff, world.company).hidden is True


def test_outsiders_read_no_goals(world: World, tariff: Lever) -> None:
    with pytest.raises(PermissionDenied):
        selectors.goals_get(user=world.users["outsider"], partnership=world.partnership)


def test_the_spec_holds_what_the_reader_may_see(world: World, tariff: Lever) -> None:
    ngo_spec = selectors.alignment_spec(user=world.users["ngo_user"], partnership=world.partnership)
    own_spec = selectors.alignment_spec(user=world.users["member"], partnership=world.partnership)
    assert ngo_spec is not None and own_spec is not None
    assert [p["name"] for p in ngo_spec["partners"]] == ["Pemda Jawa Barat", "Yayasan Contoh"]
    assert "48200" not in json.dumps(ngo_spec) and "60000.0" not in json.dumps(ngo_spec)
    company = next(p for p in own_spec["partners"] if p["name"] == "PT Contoh Infrastruktur")
    assert company["objectives"] == [
        {
            "lever": tariff.key,
            "direction": "increase",
            "weight": 70,
            "range": [48200.0, 60000.0],
            "note": "equity IRR 12%",
        }
    ]
    pemda = ngo_spec["partners"][0]["objectives"][0]
    assert (pemda["direction"], pemda["target"], pemda["range"]) == (
        "target",
        44000.0,
        [40000.0, 47000.0],
    )


def test_a_hidden_constraint_counts_in_the_computation(world: World, tariff: Lever) -> None:
    # given: without the company, pemda and the NGO meet on [40,000, 45,000]
    visible = selectors.alignment_result(
        user=world.users["ngo_user"], partnership=world.partnership
    )
    counted = selectors.alignment_result(
        user=world.users["ngo_user"], partnership=world.partnership, counted=True
    )
    assert visible is not None and counted is not None
    assert visible.feasible is True
    # then: with the company's hidden range the tariff has no common value
    assert counted.feasible is False
    assert counted.ranges[0].gap == pytest.approx(3200.0)  # NGO's 45,000 to company's 48,200


def test_the_page_tells_others_the_ranges_do_not_meet_without_the_numbers(
    world: World, tariff: Lever
) -> None:
    with translation.override("en"):
        report = report_get(user=world.users["ngo_user"], partnership=world.partnership)
    item = report.levers[0]
    assert item.feasible is False
    assert "do not meet" in item.sentence
    assert str(world.company) in item.sentence
    text = " ".join([item.sentence, item.detail, *(m.text for m in report.moves)])
    assert "48,200" not in text and "3,200" not in text and "60,000" not in text
    assert "between IDR 40,000 and IDR 45,000" in item.detail  # the ranges it can see
    svg = item.chart.svg if item.chart else ""
    assert "48200" not in svg and "48,200" not in svg
    assert report.hidden_count == 1
    assert any("hidden constraint" in m.text for m in report.moves)


def test_its_owner_reads_the_gap_in_money_in_its_language(world: World, tariff: Lever) -> None:
    with translation.override("id"):
        report = report_get(user=world.users["member"], partnership=world.partnership)
    # (the words follow the compiled catalogue; the amount follows the locale in any case)
    assert "Rp 3.200" in report.levers[0].sentence
    with translation.override("en"):
        report = report_get(user=world.users["member"], partnership=world.partnership)
    assert report.levers[0].sentence == (
        f"{world.company} and {world.ngo} cannot both be satisfied on Toll tariff per "
        "trip: the gap is IDR 3,200."
    )
    moves = [m.text for m in report.moves]
    assert any("walk-away" in text for text in moves)


def test_the_compromise_and_conflicts_when_the_ranges_meet(world: World, tariff: Lever) -> None:
    # given the company widens its hidden range down to 44,000
    own = LeverObjective.objects.get(lever=tariff, member__organisation=world.company)
    services.objective_set(
        actor=world.users["member"],
        lever=tariff,
        member=own.member,
        data=objective_data(
            direction="increase",
            preferred=D("52000"),
            acceptable_min=D("44000"),
            acceptable_max=D("60000"),
            confidentiality="owner",
            weight=70,
        ),
        expected_version=own.version,
    )
    with translation.override("en"):
        report = report_get(user=world.users["lead_admin"], partnership=world.partnership)
    assert report.result is not None and report.result.feasible
    assert report.moves == []
    assert [text for _lever, text in report.compromise_rows] == ["IDR 44,615"]
    assert report.conflict_chart is not None and report.satisfaction_chart is not None
    assert "pull hardest" in report.conflict_sentence


@translation.override("en")  # the labels compared are the English ones
def test_the_download_leaves_hidden_figures_out(world: World, tariff: Lever, rf: object) -> None:
    request = rf.get("/")  # type: ignore[attr-defined]
    request.user = world.users["ngo_user"]
    rows = _rows(request, world.partnership)
    hidden = next(o for _lever, o in rows if o.member.organisation_id == world.company.pk)
    from mitra.goals.exports import OBJECTIVE_COLUMNS

    values = [str(c.value((tariff, hidden))) for c in OBJECTIVE_COLUMNS]
    assert "48200" not in " ".join(values) and "equity" not in " ".join(values)
    assert values[4] == "hidden constraint"


@translation.override("en")  # the labels compared are the English ones
def test_the_history_hides_the_figures_of_a_hidden_objective(world: World, tariff: Lever) -> None:
    entries = goals_history(world.users["ngo_user"], world.partnership)
    hidden = [e for e in entries if "hidden constraint" in e.object_label]
    assert len(hidden) == 1
    assert {c.field for c in hidden[0].changes} <= {"lever", "member", "confidentiality"}
    shown = goals_history(world.users["member"], world.partnership)
    own = next(e for e in shown if "PT Contoh" in e.object_label)
    assert "acceptable_min" in {c.field for c in own.changes}
    assert goals_history(world.users["outsider"], world.partnership) == []
