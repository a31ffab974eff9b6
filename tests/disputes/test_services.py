"""Disputes and grievances: permissions, the ladder and its deadlines, confidentiality, audit."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from mitra.core.errors import ApplicationError, NotFound, PermissionDenied, StaleEdit
from mitra.disputes import ladders, selectors, services
from mitra.disputes.models import Dispute, DisputeStatus, Grievance, GrievanceStatus
from mitra.notifications.models import Activity, Notification

from .conftest import members

pytestmark = pytest.mark.django_db


def test_a_dispute_starts_on_the_first_rung_of_the_partnerships_ladder(world, dispute):
    # The world's PPP is a toll road: the concession ladder (PPJT, ending at BANI).
    assert dispute.ladder == ladders.ladder_of("concession")
    assert dispute.rung == 0 and dispute.status == DisputeStatus.OPEN
    assert dispute.deadline == dispute.rung_started_at + datetime.timedelta(days=30)
    assert dispute.history.count() == 1
    assert dispute.history.first().history_user == world.users["member"]
    # The lead's admin (pemda is a party) is told.
    assert Notification.objects.filter(
        kind="disputes.raised", recipient=world.users["lead_admin"]
    ).exists()


def test_only_partners_raise_disputes(world):
    for name in ("outsider", "staff", "anonymous"):
        with pytest.raises(PermissionDenied):
            services.dispute_create(
                actor=world.actor(name),
                partnership=world.partnership,
                data={"title": "x", "dispute_type": "procedure"},
            )


def test_a_dispute_needs_a_known_type_and_parties_of_the_partnership(world):
    with pytest.raises(ValidationError) as exc:
        services.dispute_create(
            actor=world.users["member"],
            partnership=world.partnership,
            data={"title": "x", "dispute_type": "weather"},
        )
    assert "dispute_type" in exc.value.message_dict
    other = world.public.members.first()
    with pytest.raises(ValidationError) as exc:
        services.dispute_create(
            actor=world.users["member"],
            partnership=world.partnership,
            data={"title": "x", "dispute_type": "procedure", "parties": [other.pk]},
        )
    assert "parties" in exc.value.message_dict


def test_confidential_disputes_are_seen_by_their_parties_only(world, dispute, secret):
    def titles(name):
        return {d.title for d in selectors.visible_disputes(world.actor(name), world.partnership)}

    assert titles("member") == {"Late land", "Secret payment quarrel"}
    assert titles("ngo_user") == {"Late land", "Secret payment quarrel"}
    # The lead and platform staff are not parties: they do not see it.
    assert titles("lead_admin") == {"Late land"}
    assert titles("staff") == {"Late land"}
    assert titles("outsider") == set() and titles("anonymous") == set()
    with pytest.raises(NotFound):
        selectors.dispute_get(user=world.users["lead_admin"], pk=secret.pk)
    # No trace on the partnership's feed, and the lead is not told.
    assert not Activity.objects.filter(params__dispute="Secret payment quarrel").exists()
    assert not Notification.objects.filter(
        params__dispute="Secret payment quarrel", recipient=world.users["lead_admin"]
    ).exists()


def test_confidential_disputes_stay_out_of_the_history_of_others(world, secret):
    from mitra.disputes.history import disputes_history

    def labels(name):
        return {e.object_label for e in disputes_history(world.actor(name), world.partnership)}

    assert "Secret payment quarrel" in labels("member")
    assert "Secret payment quarrel" not in labels("lead_admin")
    assert "Secret payment quarrel" not in labels("staff")


def test_escalate_goes_one_rung_up_and_refuses_a_stale_version(world, dispute):
    lead = world.users["lead_admin"]
    version = dispute.version
    up = services.dispute_escalate(
        actor=lead, dispute=dispute, reason="No agreement", expected_version=version
    )
    assert up.rung == 1 and up.current["rung"] == "steering"
    assert up.steps[-1]["reason"] == "No agreement" and not up.steps[-1]["on_deadline"]
    with pytest.raises(StaleEdit):
        services.dispute_escalate(
            actor=lead, dispute=Dispute.objects.get(pk=dispute.pk), expected_version=version
        )
    again = services.dispute_escalate(
        actor=lead, dispute=Dispute.objects.get(pk=dispute.pk), expected_version=up.version
    )
    assert again.current["rung"] == "expert"
    again = services.dispute_escalate(actor=lead, dispute=again, expected_version=again.version)
    assert again.current["rung"] == "arbitration"
    with pytest.raises(ApplicationError):
        services.dispute_escalate(actor=lead, dispute=again, expected_version=again.version)


def test_outsiders_and_non_parties_cannot_act_on_a_confidential_dispute(world, secret):
    with pytest.raises(PermissionDenied):
        services.dispute_escalate(
            actor=world.users["lead_admin"], dispute=secret, expected_version=secret.version
        )
    with pytest.raises(PermissionDenied):
        services.dispute_resolve(
            actor=world.users["outsider"],
            dispute=secret,
            outcome="x",
            expected_version=secret.version,
        )


def test_resolve_needs_an_outcome(world, dispute):
    with pytest.raises(ValidationError) as exc:
        services.dispute_resolve(
            actor=world.users["member"], dispute=dispute, outcome=" ", expected_version=1
        )
    assert "outcome" in exc.value.message_dict
    done = services.dispute_resolve(
        actor=world.users["member"],
        dispute=dispute,
        outcome="Six more months of construction",
        lessons="Hand over land before signing",
        expected_version=dispute.version,
    )
    assert done.status == DisputeStatus.RESOLVED and done.resolved_at is not None
    with pytest.raises(ApplicationError):
        services.dispute_escalate(
            actor=world.users["member"], dispute=done, expected_version=done.version
        )


def test_the_job_escalates_on_deadline_once_and_tells_the_parties(world, dispute):
    assert services.escalate_overdue()["escalated"] == []
    later = dispute.rung_started_at + datetime.timedelta(days=30, minutes=1)
    done = services.escalate_overdue(now=later)
    assert [d.pk for d in done["escalated"]] == [dispute.pk]
    d = Dispute.objects.get(pk=dispute.pk)
    assert d.rung == 1 and d.steps[-1]["on_deadline"] is True and d.rung_started_at == later
    assert d.version == dispute.version + 1
    assert Notification.objects.filter(
        kind="disputes.escalated_on_deadline", recipient=world.users["member"]
    ).exists()
    # Idempotent: the same moment again changes nothing.
    assert services.escalate_overdue(now=later)["escalated"] == []
    assert Dispute.objects.get(pk=dispute.pk).rung == 1
    # Through the steering committee (30 days) and the expert (60) to the last rung (BANI),
    # then overdue is flagged once.
    t2 = later + datetime.timedelta(days=31)
    services.escalate_overdue(now=t2)
    t2 += datetime.timedelta(days=61)
    services.escalate_overdue(now=t2)
    t3 = t2 + datetime.timedelta(days=181)
    assert [x.pk for x in services.escalate_overdue(now=t3)["overdue"]] == [dispute.pk]
    assert services.escalate_overdue(now=t3 + datetime.timedelta(days=1))["overdue"] == []
    assert Dispute.objects.get(pk=dispute.pk).current["rung"] == "arbitration"


def test_settings_change_the_ladder_of_new_disputes(world):
    lead = world.users["lead_admin"]
    with pytest.raises(PermissionDenied):
        services.settings_save(
            actor=world.users["member"],
            partnership=world.partnership,
            data={"ladder_template": "psp"},
            expected_version=None,
        )
    saved = services.settings_save(
        actor=lead,
        partnership=world.partnership,
        data={"ladder_template": "psp", "acknowledge_days": 3},
        expected_version=None,
    )
    assert [s["rung"] for s in saved.ladder] == ["negotiation", "steering", "mediation"]
    with pytest.raises(StaleEdit):
        services.settings_save(
            actor=lead,
            partnership=world.partnership,
            data={"ladder_template": "kpbu"},
            expected_version=saved.version + 5,
        )
    with pytest.raises(ValidationError):
        services.settings_save(
            actor=lead,
            partnership=world.partnership,
            data={"ladder": [{"rung": "duel", "days": 3}]},
            expected_version=saved.version,
        )


# --------------------------------------------------------------------------- grievances


def _file(world, **extra):
    return services.grievance_file(
        partnership=world.public,
        data={"description": "Dust on our fields", "contact": "0812", **extra},
    )


def test_a_grievance_is_filed_without_an_account_with_a_reference(world):
    g = _file(world, desa="Sukamaju")
    assert g.reference.startswith(f"GRV-{timezone.localdate().year}-") and len(g.reference) == 17
    assert g.status == GrievanceStatus.RECEIVED
    assert g.acknowledge_by - g.created_at > datetime.timedelta(days=6, hours=23)
    # The designated partner (by default the lead, pemda) is told; the contact is not in it.
    note = Notification.objects.get(kind="disputes.grievance_filed")
    assert note.recipient == world.users["lead_admin"] and "0812" not in str(note.params)
    other = _file(world)
    assert other.reference != g.reference


def test_grievances_only_on_published_partnerships(world):
    with pytest.raises(PermissionDenied):
        services.grievance_file(partnership=world.partnership, data={"description": "x"})


def test_the_public_status_shows_status_and_response_only(world):
    g = _file(world, name="Ibu Sari")
    shown = selectors.grievance_public(g.reference.lower())
    assert shown["status"] == "received"
    text = str(shown)
    assert "Ibu Sari" not in text and "0812" not in text and "Dust" not in text


def test_the_designated_partner_acknowledges(world):
    g = _file(world)
    with pytest.raises(PermissionDenied):
        services.grievance_acknowledge(
            actor=world.users["ngo_user"], grievance=g, expected_version=g.version
        )
    lead_public = world.public.members.get(organisation=world.ngo)
    services.settings_save(
        actor=world.users["lead_admin"],
        partnership=world.public,
        data={"ladder_template": "psp", "designated_member": lead_public},
        expected_version=None,
    )
    g = Grievance.objects.get(pk=g.pk)
    done = services.grievance_acknowledge(
        actor=world.users["ngo_user"],
        grievance=g,
        public_response="We will water the road twice a day.",
        expected_version=g.version,
    )
    assert done.status == GrievanceStatus.ACKNOWLEDGED and done.acknowledged_at
    assert selectors.grievance_public(g.reference)["public_response"].startswith("We will")


def test_late_acknowledgements_are_flagged_once(world):
    g = _file(world)
    later = g.acknowledge_by + datetime.timedelta(minutes=1)
    assert [x.pk for x in services.escalate_overdue(now=later)["grievances"]] == [g.pk]
    assert services.escalate_overdue(now=later)["grievances"] == []
    assert Notification.objects.filter(kind="disputes.grievance_overdue").count() == 1


def test_a_grievance_becomes_a_dispute_of_type_grievance(world):
    g = _file(world, name="Ibu Sari", desa="Sukamaju")
    dispute = services.grievance_to_dispute(actor=world.users["lead_admin"], grievance=g)
    assert dispute.dispute_type == "grievance" and dispute.grievance == g
    assert dispute.other_parties == "Ibu Sari (Sukamaju)"
    assert Grievance.objects.get(pk=g.pk).status == GrievanceStatus.IN_PROGRESS
    assert services.grievance_to_dispute(actor=world.users["lead_admin"], grievance=g) == dispute
    services.dispute_resolve(
        actor=world.users["lead_admin"],
        dispute=dispute,
        outcome="Road watered",
        expected_version=dispute.version,
    )
    assert Grievance.objects.get(pk=g.pk).status == GrievanceStatus.CLOSED


def test_parties_other_than_partners_are_kept(world, dispute):
    assert dispute.other_parties == "Warga Desa Sukamaju"
    assert {m.pk for m in dispute.parties.all()} == {
        members(world)["pemda"].pk,
        members(world)["company"].pk,
    }


def test_the_history_names_the_linked_event_and_its_stress_scenario(world):
    from django.utils import translation

    from mitra.disputes.history import disputes_history
    from mitra.disputes.models import EventLink
    from mitra.finance.appraisal_models import StressScenario

    event = services.event_create(
        actor=world.users["lead_admin"],
        data={"kind": "election", "title": "Pilkada 2029", "date": datetime.date(2029, 11, 27)},
        partnerships=[world.partnership],
    )
    scenario = StressScenario.objects.create(
        partnership=world.partnership, name="Tariff freeze", shocks=[]
    )
    link = EventLink.objects.get(event=event, partnership=world.partnership)
    link.scenario = scenario
    link.save()
    with translation.override("en"):
        entries = disputes_history(world.users["lead_admin"], world.partnership)
    linked = [e for e in entries if e.object_label == "Pilkada 2029"]
    assert linked, [e.object_label for e in entries]
    changes = [(c.field, c.new) for e in linked for c in e.changes]
    assert ("scenario", "Tariff freeze") in changes
