"""The risk register's writes: spec round trip, shares, confidentiality, templates, simulation."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from mitra.analysis import read_spec_file, simulate
from mitra.core.errors import ApplicationError, PermissionDenied, StaleEdit
from mitra.jobs.runner import job_execute
from mitra.risks import selectors, services, simulations, spec_files, templating
from mitra.risks.models import Risk, RiskParty, Simulation

CHECKOUT = Path(__file__).resolve().parents[2]
EXAMPLES = CHECKOUT / "examples" / "risk"


def _quantity(**extra):
    return {
        "probability": 0.4,
        "impact": {"type": "pert", "min": 0.02, "mode": 0.05, "max": 0.2},
        "basis": "relative",
        "applies_to": "capex",
        "years": [1, 2],
        **extra,
    }


def _data(code="R1", **extra):
    return {
        "code": code,
        "category": "construction",
        "title_ind": "Pembengkakan biaya konstruksi",
        "title_en": "Construction cost overrun",
        "phase": "construction",
        "likelihood": 4,
        "impact_level": 4,
        **extra,
    }


def _three_way(world, parties):
    return {
        parties[world.pemda.pk]: (Decimal("0.3"), "Land and permits"),
        parties[world.company.pk]: (Decimal("0.6"), "Builds it"),
        parties[world.ngo.pk]: (Decimal("0.1"), "Community works"),
    }


@pytest.mark.parametrize("name", ["toll-road", "hospital"])
def test_import_then_export_gives_the_same_spec(world, name):
    # given an example spec, as mitra simulate reads it
    spec = read_spec_file(EXAMPLES / f"{name}.json")
    # when the lead imports it and anyone who sees every input exports it
    spec_files.register_replace(
        actor=world.users["lead_admin"], partnership=world.partnership, spec=spec
    )
    exported = selectors.register_spec_for(
        user=world.users["member"], partnership=world.partnership
    )
    # then it is the same file (as JSON), and it runs to the same numbers
    assert json.loads(json.dumps(exported)) == spec
    a = simulate(exported, iterations=2000, seed=5).to_dict()
    b = simulate(spec, iterations=2000, seed=5).to_dict()
    a.pop("timing"), b.pop("timing")
    assert a == b


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda s: s["risks"][1]["impact"].update(min="a lot"), "$.risks[1].impact.min"),
        (
            lambda s: s["risks"][0].update(allocation={"public": 0.5, "private": 0.4}),
            "$.risks[0].allocation",
        ),
    ],
)
def test_an_invalid_spec_changes_nothing_and_names_each_problem(world, register, change, path):
    spec = read_spec_file(EXAMPLES / "toll-road.json")
    change(spec)
    before = list(RiskParty.objects.values_list("pk", "key"))
    with pytest.raises(ApplicationError) as caught:
        spec_files.register_replace(
            actor=world.users["lead_admin"], partnership=world.partnership, spec=spec
        )
    assert path in [issue["path"] for issue in caught.value.extra["issues"]]
    assert not Risk.objects.exists()
    assert list(RiskParty.objects.values_list("pk", "key")) == before


def test_only_the_lead_replaces_the_register(world):
    spec = read_spec_file(EXAMPLES / "toll-road.json")
    with pytest.raises(PermissionDenied):
        spec_files.register_replace(
            actor=world.users["member"], partnership=world.partnership, spec=spec
        )


def test_a_risk_allocated_to_three_partners(world, register):
    risk = services.risk_create(
        actor=world.users["member"],
        partnership=world.partnership,
        data=_data(),
        quantity=_quantity(),
        allocation=_three_way(world, register),
    )
    shares = {a.party.member.organisation_id: a.share for a in risk.allocations.all()}
    assert shares == {
        world.pemda.pk: Decimal("0.3"),
        world.company.pk: Decimal("0.6"),
        world.ngo.pk: Decimal("0.1"),
    }
    assert risk.history.count() == 1 and risk.history.first().history_user == world.users["member"]


@pytest.mark.parametrize("shares", [("0.3", "0.6", "0.05"), ("0.5", "0.6", "0")])
def test_shares_must_add_up_to_100_percent(world, register, shares):
    allocation = {
        register[world.pemda.pk]: (Decimal(shares[0]), ""),
        register[world.company.pk]: (Decimal(shares[1]), ""),
        register[world.ngo.pk]: (Decimal(shares[2]), ""),
    }
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.risk_create(
            actor=world.users["member"],
            partnership=world.partnership,
            data=_data(),
            quantity=_quantity(),
            allocation=allocation,
        )
    assert "allocation" in caught.value.message_dict
    assert "must add up to exactly 100%" in caught.value.message_dict["allocation"][0]
    assert not Risk.objects.exists()


@pytest.mark.parametrize(
    ("figures", "field"),
    [
        ({"probability": 1.5}, "probability"),
        ({"years": [9]}, "years"),  # the horizon is 5 years
        ({"impact": {"type": "pert", "min": 0.3, "mode": 0.1, "max": 0.2}}, "impact_type"),
        ({"impact": {"type": "normal", "mean": 0.1, "sd": -1}}, "impact_sd"),
    ],
)
def test_figures_the_spec_refuses_become_field_errors(world, register, figures, field):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.risk_create(
            actor=world.users["member"],
            partnership=world.partnership,
            data=_data(),
            quantity=_quantity(**figures),
            allocation=_three_way(world, register),
        )
    assert field in caught.value.message_dict


def test_stale_edits_are_refused(world, register):
    risk = services.risk_create(
        actor=world.users["member"],
        partnership=world.partnership,
        data=_data(),
        quantity=_quantity(),
        allocation=_three_way(world, register),
    )
    version = risk.version
    services.risk_update(
        actor=world.users["lead_admin"],
        risk=risk,
        data={"likelihood": 2},
        quantity=None,
        allocation=None,
        expected_version=version,
    )
    with pytest.raises(StaleEdit):
        services.risk_update(
            actor=world.users["member"],
            risk=Risk.objects.get(pk=risk.pk),
            data={"likelihood": 5},
            quantity=None,
            allocation=None,
            expected_version=version,
        )
    assert Risk.objects.get(pk=risk.pk).likelihood == 2


def test_confidential_cost_figures_are_shown_only_to_their_owner(world, register):
    company_member = register[world.company.pk].member
    services.risk_create(
        actor=world.users["member"],
        partnership=world.partnership,
        data=_data(cost_confidential_to=company_member),
        quantity=_quantity(),
        allocation=_three_way(world, register),
    )
    own = selectors.register_get(user=world.users["member"], partnership=world.partnership)
    other = selectors.register_get(user=world.users["lead_admin"], partnership=world.partnership)
    assert own.risks[0].quantity["impact"]["mode"] == 0.05
    assert "impact" not in other.risks[0].quantity and other.risks[0].cost_hidden
    assert other.risks[0].quantity["probability"] == 0.4  # the rest stays visible
    with pytest.raises(PermissionDenied):
        selectors.register_spec_for(user=world.users["lead_admin"], partnership=world.partnership)
    risk = Risk.objects.get()
    with pytest.raises(PermissionDenied):
        services.risk_update(
            actor=world.users["lead_admin"],
            risk=risk,
            data={},
            quantity=_quantity(),
            allocation=None,
            expected_version=risk.version,
        )


def test_only_a_partner_may_keep_its_own_figures_confidential(world, register):
    with pytest.raises(ValidationError):
        services.risk_create(
            actor=world.users["lead_admin"],
            partnership=world.partnership,
            data=_data(cost_confidential_to=register[world.company.pk].member),
            quantity=_quantity(),
            allocation=_three_way(world, register),
        )


def test_outsiders_neither_read_nor_write(world, register):
    with pytest.raises(PermissionDenied):
        selectors.register_get(user=world.users["outsider"], partnership=world.partnership)
    with pytest.raises(PermissionDenied):
        services.risk_create(
            actor=world.users["outsider"],
            partnership=world.partnership,
            data=_data(),
            quantity=_quantity(),
            allocation=_three_way(world, register),
        )


def test_the_simulation_job_gives_what_mitra_simulate_gives(
    world, register, django_capture_on_commit_callbacks
):
    services.risk_create(
        actor=world.users["member"],
        partnership=world.partnership,
        data=_data(),
        quantity=_quantity(),
        allocation=_three_way(world, register),
    )
    with django_capture_on_commit_callbacks(execute=False):
        simulation = simulations.simulation_start(
            actor=world.users["ngo_user"], partnership=world.partnership, iterations=5000, seed=11
        )
    job_execute(str(simulation.job_id))
    simulation = Simulation.objects.get(pk=simulation.pk)
    spec = selectors.register_spec_for(user=world.users["member"], partnership=world.partnership)
    expected = simulate(spec, iterations=5000, seed=11).to_dict()
    got = dict(simulation.result)
    got.pop("timing"), expected.pop("timing")
    assert got == json.loads(json.dumps(expected))
    assert simulation.inputs_hash == selectors.current_inputs_hash(world.partnership)


def test_a_risk_without_figures_blocks_the_run_with_a_clear_message(world, register):
    services.risk_create(
        actor=world.users["member"],
        partnership=world.partnership,
        data=_data(),
        quantity=None,
        allocation=_three_way(world, register),
    )
    with translation.override("en"), pytest.raises(ApplicationError) as caught:
        simulations.simulation_start(
            actor=world.users["member"], partnership=world.partnership, iterations=100, seed=1
        )
    assert "R1" in str(caught.value) and "no figures" in str(caught.value)


def test_a_template_starts_the_register_with_partners_as_parties(world):
    risks = templating.template_apply(
        actor=world.users["lead_admin"], partnership=world.partnership, key="toll-road"
    )
    assert len(risks) >= 10
    parties = {p.key: p for p in RiskParty.objects.filter(partnership=world.partnership)}
    linked = {p.member.organisation_id for p in parties.values() if p.member}
    assert {world.pemda.pk, world.company.pk, world.ngo.pk} <= linked
    for risk in risks:
        total = sum(a.share for a in risk.allocations.all())
        assert total == 1
    # applying it again adds nothing; the register is a valid spec
    again = templating.template_apply(
        actor=world.users["lead_admin"], partnership=world.partnership, key="toll-road"
    )
    assert again == []
    from mitra.analysis import validate_spec

    spec = selectors.register_spec_for(user=world.users["member"], partnership=world.partnership)
    assert validate_spec(spec) == []


def test_register_changes_show_on_the_history_tab_without_others_confidential_figures(
    world, register
):
    from mitra.partnerships.selectors import partnership_history

    company_member = register[world.company.pk].member
    risk = services.risk_create(
        actor=world.users["member"],
        partnership=world.partnership,
        data=_data(cost_confidential_to=company_member),
        quantity=_quantity(),
        allocation=_three_way(world, register),
    )
    services.risk_update(
        actor=world.users["member"],
        risk=risk,
        data={},
        quantity=_quantity(probability=0.5),
        allocation=None,
        expected_version=risk.version,
    )

    def risk_entries(user):
        return [
            e
            for e in partnership_history(user=user, partnership=world.partnership)
            if e.object_type in ("Risiko", "Risk")
        ]

    own = risk_entries(world.users["member"])
    other = risk_entries(world.users["lead_admin"])
    assert len(own) == len(other) == 2
    assert any(c.field == "quantity" for e in own for c in e.changes)
    assert not any(c.field == "quantity" for e in other for c in e.changes)
    assert other[0].who  # who and when stay visible
    allocations = [
        e
        for e in partnership_history(user=world.users["lead_admin"], partnership=world.partnership)
        if "→" in e.object_label and e.object_label.startswith("R1")
    ]
    assert len(allocations) == 3


def test_a_result_goes_stale_when_a_number_changes_not_a_word_or_the_language(world, register):
    risk = services.risk_create(
        actor=world.users["member"],
        partnership=world.partnership,
        data=_data(),
        quantity=_quantity(),
        allocation=_three_way(world, register),
    )
    with translation.override("en"):
        before = selectors.current_inputs_hash(world.partnership)
    with translation.override("id"):
        assert selectors.current_inputs_hash(world.partnership) == before
    risk = services.risk_update(
        actor=world.users["member"],
        risk=risk,
        data={"title_en": "Cost overrun, renamed"},
        quantity=None,
        allocation=None,
        expected_version=risk.version,
    )
    assert selectors.current_inputs_hash(world.partnership) == before
    services.risk_update(
        actor=world.users["member"],
        risk=risk,
        data={},
        quantity=_quantity(probability=0.41),
        allocation=None,
        expected_version=risk.version,
    )
    assert selectors.current_inputs_hash(world.partnership) != before


def test_a_cli_valid_file_the_register_cannot_hold_is_refused_with_json_paths(world, register):
    spec = read_spec_file(EXAMPLES / "toll-road.json")
    spec["currency"] = "GBP"  # valid ISO 4217, not one Mitra keeps amounts in
    spec["risks"][2]["name"] = "x" * 400
    with pytest.raises(ApplicationError) as caught:
        spec_files.register_replace(
            actor=world.users["lead_admin"], partnership=world.partnership, spec=spec
        )
    assert caught.value.extra["issues"][0]["path"] == "$.currency"
    spec["currency"] = "IDR"
    with pytest.raises(ApplicationError) as caught:
        spec_files.register_replace(
            actor=world.users["lead_admin"], partnership=world.partnership, spec=spec
        )
    assert caught.value.extra["issues"][0]["path"] == "$.risks[2].name"
    assert not Risk.objects.exists()


def test_deleting_a_risk_audits_its_allocations_mitigations_and_correlations(world, register):
    spec = read_spec_file(EXAMPLES / "toll-road.json")
    spec_files.register_replace(
        actor=world.users["lead_admin"], partnership=world.partnership, spec=spec
    )
    pair = world.partnership.risk_correlations.first()
    risk = pair.first
    risk_id = risk.pk
    services.mitigation_create(
        actor=world.users["member"], risk=risk, data={"action_ind": "Asuransi"}
    )
    services.risk_delete(actor=world.users["lead_admin"], risk=risk)
    from mitra.risks.models import Mitigation, RiskCorrelation

    assert Mitigation.history.filter(history_type="-").count() == 1
    assert RiskCorrelation.history.filter(history_type="-", id=pair.pk).count() == 1
    assert (
        Risk.history.filter(history_type="-", id=risk_id).get().history_user
        == world.users["lead_admin"]
    )


def test_correlations_are_checked_as_the_simulation_would(world, register):
    allocation = _three_way(world, register)
    risks = [
        services.risk_create(
            actor=world.users["member"],
            partnership=world.partnership,
            data=_data(code=code),
            quantity=_quantity(),
            allocation=allocation,
        )
        for code in ("R1", "R2", "R3")
    ]
    member = world.users["member"]
    p = world.partnership
    services.correlation_create(
        actor=member, partnership=p, first=risks[0], second=risks[1], rho=Decimal("0.6")
    )
    services.correlation_create(
        actor=member, partnership=p, first=risks[1], second=risks[2], rho=Decimal("0.6")
    )
    # R1 and R3 both move with R2; saying they move against each other is no valid matrix
    with pytest.raises(ValidationError) as caught:
        services.correlation_create(
            actor=member, partnership=p, first=risks[0], second=risks[2], rho=Decimal("-0.9")
        )
    assert "rho" in caught.value.message_dict
    with pytest.raises(ValidationError):  # the same pair twice, in either order
        services.correlation_create(
            actor=member, partnership=p, first=risks[1], second=risks[0], rho=Decimal("0.1")
        )
    spec = selectors.register_spec_for(user=member, partnership=p)
    assert spec["correlations"] == [
        {"risks": ["R1", "R2"], "rho": 0.6},
        {"risks": ["R2", "R3"], "rho": 0.6},
    ]
    with pytest.raises(PermissionDenied):
        services.correlation_create(
            actor=world.users["outsider"],
            partnership=p,
            first=risks[0],
            second=risks[2],
            rho=Decimal("0.1"),
        )
