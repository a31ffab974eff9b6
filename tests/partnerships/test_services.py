"""Partnership services: permissions, the stage gate, concurrency and the audit trail."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from mitra.core.errors import ApplicationError, PermissionDenied, StaleEdit
from mitra.organisations.models import OrganisationRole
from mitra.partnerships import services
from mitra.partnerships.models import (
    Commitment,
    Partnership,
    PartnershipMember,
    Role,
    Stage,
    sectors_required_at,
)
from tests.conftest import make_org, make_user

pytestmark = pytest.mark.django_db


def _fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


# --- creation and codes ---------------------------------------------------------------------------


def test_create_gives_a_readable_code_and_makes_the_organisation_lead(world):
    # given the lead admin of Pemda
    actor = world.users["lead_admin"]
    # when they start a PPP
    p = services.partnership_create(
        actor=actor,
        lead_organisation=world.pemda,
        data={"title_ind": "Air Minum", "form": "ppp", "development_sector": "water"},
    )
    # then it has the next KPBU code of the year, is in planning, and Pemda leads it
    year = datetime.date.today().year
    assert p.code == f"KPBU-{year}-0002"
    assert p.stage == Stage.PLANNING
    lead = p.members.get()
    assert lead.organisation == world.pemda and lead.roles == [Role.LEAD]
    assert p.history.get().history_user == actor


def test_only_an_admin_of_the_lead_organisation_may_create(world):
    count = Partnership.objects.count()
    with pytest.raises(PermissionDenied):
        services.partnership_create(
            actor=world.users["member"],
            lead_organisation=world.company,
            data={"title_ind": "X", "form": "csr", "development_sector": "other"},
        )
    with pytest.raises(PermissionDenied):
        services.partnership_create(
            actor=world.users["lead_admin"],
            lead_organisation=world.company,
            data={"title_ind": "X", "form": "csr", "development_sector": "other"},
        )
    assert Partnership.objects.count() == count


def test_invalid_data_raises_field_errors(world):
    with pytest.raises(ValidationError) as excinfo:
        services.partnership_create(
            actor=world.users["lead_admin"],
            lead_organisation=world.pemda,
            data={
                "title_ind": "",
                "form": "nonsense",
                "development_sector": "water",
                "province": "ID-XX",
                "sdgs": [0, 18],
            },
        )
    assert set(excinfo.value.message_dict) >= {"title_ind", "form", "province", "sdgs"}


# --- the stage gate -------------------------------------------------------------------------------


def test_a_kpbu_needs_no_private_partner_before_the_agreement_is_signed(world):
    # given a KPBU led by its PJPK alone: no Badan Usaha Pelaksana exists before the tender
    actor = world.users["lead_admin"]
    p = services.partnership_create(
        actor=actor,
        lead_organisation=world.pemda,
        data={"title_ind": "RSUD", "form": "ppp", "development_sector": "health"},
    )
    # it goes through preparation and transaction with the public side only
    for version, stage in enumerate((Stage.PREPARATION, Stage.TRANSACTION), start=1):
        services.partnership_set_stage(
            actor=actor, partnership=p, expected_version=version, stage=stage
        )
    assert _fresh(p).stage == Stage.TRANSACTION
    assert services.missing_sectors(_fresh(p)) == []
    # but construction (after signing and financial close) needs the private side
    with pytest.raises(ApplicationError) as excinfo:
        services.partnership_set_stage(
            actor=actor, partnership=p, expected_version=3, stage=Stage.CONSTRUCTION
        )
    # it is refused, naming the missing sector and the stage, and nothing changed
    assert excinfo.value.extra == {"field": "stage", "missing": ["private"]}
    message = str(excinfo.value.message)
    assert ("Private" in message or "Swasta" in message) and (
        "Construction" in message or "Konstruksi" in message
    )
    assert "planning" not in message.lower() and "perencanaan" not in message.lower()
    assert _fresh(p).stage == Stage.TRANSACTION and _fresh(p).version == 3
    # and once the project company joins, the move succeeds and the stage date is set
    services.member_add(
        actor=actor, partnership=p, organisation=world.company, roles=[Role.PROJECT_COMPANY]
    )
    services.partnership_set_stage(
        actor=actor, partnership=p, expected_version=3, stage=Stage.CONSTRUCTION
    )
    assert _fresh(p).stage == Stage.CONSTRUCTION
    assert _fresh(p).stage_since == datetime.date.today()


def test_a_kpbu_needs_its_public_side_from_preparation_and_its_private_side_from_signing():
    assert sectors_required_at("ppp", Stage.PLANNING) == []
    assert sectors_required_at("ppp", Stage.PREPARATION) == [("public", "preparation")]
    assert sectors_required_at("ppp", Stage.CONSTRUCTION) == [
        ("public", "preparation"),
        ("private", "construction"),
    ]
    assert sectors_required_at("ppp", Stage.CANCELLED) == []
    # other forms agree their partners before leaving planning
    assert sectors_required_at("csr", Stage.PREPARATION) == [
        ("private", "preparation"),
        ("social", "preparation"),
    ]


def test_in_an_unsolicited_kpbu_the_pemrakarsa_stands_for_the_business_side(world):
    # given an unsolicited KPBU whose Pemrakarsa is a state-owned enterprise (public sector)
    actor = world.users["lead_admin"]
    p = services.partnership_create(
        actor=actor,
        lead_organisation=world.pemda,
        data={"title_ind": "SPAM Regional", "form": "ppp", "development_sector": "water"},
    )
    bumn = make_org("PT Air Nusantara (Persero)", "public", "soe")
    services.member_add(actor=actor, partnership=p, organisation=bumn, roles=[Role.INITIATOR])
    # while solicited, the Pemrakarsa role does not count as the private side
    assert services.missing_sectors(p, stage=Stage.CONSTRUCTION) == ["private"]
    # once the partnership is recorded as unsolicited, it does
    services.partnership_update(
        actor=actor, partnership=p, expected_version=1, data={"initiative": "unsolicited"}
    )
    assert services.missing_sectors(_fresh(p), stage=Stage.CONSTRUCTION) == []


def test_only_a_kpbu_can_be_unsolicited(world):
    actor = world.users["lead_admin"]
    with pytest.raises(ValidationError) as excinfo:
        services.partnership_update(
            actor=actor,
            partnership=world.public,
            expected_version=world.public.version,
            data={"initiative": "unsolicited"},
        )
    assert "initiative" in excinfo.value.message_dict


def test_pentahelix_needs_all_five_sectors_and_cancel_is_always_allowed(world):
    actor = world.users["lead_admin"]
    p = world.draft
    assert services.missing_sectors(p) == []  # in planning nobody is required yet
    assert services.missing_sectors(p, stage=Stage.PREPARATION) == [
        "private",
        "academia",
        "social",
        "media",
    ]
    with pytest.raises(ApplicationError):
        services.partnership_set_stage(
            actor=actor, partnership=p, expected_version=p.version, stage="preparation"
        )
    services.partnership_set_stage(
        actor=actor, partnership=p, expected_version=p.version, stage=Stage.CANCELLED
    )
    assert _fresh(p).stage == Stage.CANCELLED


def test_a_member_that_left_does_not_count_for_the_sectors(world):
    actor = world.users["lead_admin"]
    member = world.partnership.members.get(organisation=world.company)
    services.member_update(
        actor=actor,
        member=member,
        expected_version=member.version,
        data={"left_on": datetime.date.today()},
    )
    assert services.missing_sectors(world.partnership, stage=Stage.CONSTRUCTION) == ["private"]


# --- members ----------------------------------------------------------------------------------------


def test_the_last_lead_cannot_be_removed(world):
    actor = world.users["lead_admin"]
    lead = world.partnership.members.get(organisation=world.pemda)
    with pytest.raises(ApplicationError):
        services.member_update(
            actor=actor,
            member=lead,
            expected_version=lead.version,
            data={"roles": [Role.CONTRACTING_AGENCY]},
        )
    assert Role.LEAD in _fresh(lead).roles


def test_roles_are_indexed_for_filtering(world):
    actor = world.users["lead_admin"]
    member = world.partnership.members.get(organisation=world.ngo)
    services.member_update(
        actor=actor,
        member=member,
        expected_version=member.version,
        data={"roles": [Role.COMMUNITY_LIAISON, Role.MEDIA_PARTNER]},
    )
    assert sorted(member.role_rows.values_list("role", flat=True)) == [
        Role.COMMUNITY_LIAISON,
        Role.MEDIA_PARTNER,
    ]


def test_only_the_lead_admin_manages_members(world):
    for name in ("member", "outsider", "staff"):
        with pytest.raises(PermissionDenied):
            services.member_add(
                actor=world.users[name],
                partnership=world.partnership,
                organisation=world.outsider_org,
                roles=[Role.RESEARCH_PARTNER],
            )
    assert not PartnershipMember.objects.filter(organisation=world.outsider_org).exists()


# --- member items -------------------------------------------------------------------------------


def test_a_member_edits_only_its_own_commitments(world):
    # given the NGO user, a partner but not the commitment's owner
    ngo_user = world.users["ngo_user"]
    with pytest.raises(PermissionDenied):
        services.commitment_update(
            actor=ngo_user,
            commitment=world.commitment,
            expected_version=1,
            data={"quantity": Decimal("1.00")},
        )
    with pytest.raises(PermissionDenied):
        services.commitment_update(
            actor=world.users["lead_admin"],
            commitment=world.commitment,
            expected_version=1,
            data={"quantity": Decimal("1.00")},
        )
    assert _fresh(world.commitment).quantity == Decimal("200000000.00")


def test_commitment_must_be_positive(world):
    with pytest.raises(ValidationError) as excinfo:
        services.commitment_update(
            actor=world.users["member"],
            commitment=world.commitment,
            expected_version=1,
            data={"quantity": Decimal("-5.00")},
        )
    assert "quantity" in excinfo.value.message_dict


def test_cash_need_needs_a_currency_and_no_unit(world):
    with pytest.raises(ValidationError) as excinfo:
        services.need_create(
            actor=world.users["lead_admin"],
            partnership=world.partnership,
            data={
                "title": "Dana",
                "resource_type": "cash",
                "quantity": Decimal("10.00"),
                "unit": "kg",
            },
        )
    assert set(excinfo.value.message_dict) == {"currency", "unit"}


def test_a_former_member_can_no_longer_edit(world):
    actor = world.users["lead_admin"]
    member = world.partnership.members.get(organisation=world.company)
    services.member_update(
        actor=actor,
        member=member,
        expected_version=member.version,
        data={"left_on": datetime.date.today()},
    )
    with pytest.raises(PermissionDenied):
        services.objective_create(
            actor=world.users["member"], member=_fresh(member), data={"text": "x", "weight": 10}
        )


# --- concurrency and history ----------------------------------------------------------------------


def test_a_stale_edit_is_refused_and_shows_what_changed(world):
    # given two people who opened the same partnership at version 1
    actor = world.users["lead_admin"]
    colleague = make_user("colleague")
    from mitra.organisations.services import organisation_add_user

    organisation_add_user(
        actor=actor, organisation=world.pemda, user=colleague, role=OrganisationRole.ADMIN
    )
    first = _fresh(world.partnership)
    second = _fresh(world.partnership)
    version = first.version
    # when the first saves a new English title
    services.partnership_update(
        actor=colleague,
        partnership=first,
        expected_version=version,
        data={"title_en": "Renamed Toll Road"},
    )
    # then the second, saving on the old version, is refused with the change shown
    with pytest.raises(StaleEdit) as excinfo:
        services.partnership_update(
            actor=actor,
            partnership=second,
            expected_version=version,
            data={"title_en": "My other name"},
        )
    changes = excinfo.value.changes
    assert [(c["field"], c["old"], c["new"], c["who"]) for c in changes] == [
        ("title_en", "Example Toll Road", "Renamed Toll Road", "colleague")
    ]
    assert excinfo.value.current.version == version + 1
    # and nothing of the second edit was written
    stored = _fresh(world.partnership)
    assert stored.title_en == "Renamed Toll Road" and stored.version == version + 1
    # and the history holds the creation and exactly one edit, by the colleague
    records = list(world.partnership.history.order_by("history_date"))
    assert [r.history_type for r in records] == ["+", "~"]
    assert records[-1].history_user == colleague


def test_deletions_are_audited_with_the_actor(world):
    actor = world.users["member"]
    objective_id = world.objective.pk
    services.objective_delete(actor=actor, objective=world.objective)
    record = world.objective.history.model.objects.filter(id=objective_id).latest("history_date")
    assert record.history_type == "-" and record.history_user == actor


def test_commitment_cannot_point_to_a_need_of_another_partnership(world):
    other_member = world.public.members.get(organisation=world.ngo)
    with pytest.raises(ValidationError):
        services.commitment_create(
            actor=world.users["ngo_user"],
            need=world.need,
            member=other_member,
            data={"quantity": Decimal("1.00")},
        )
    assert Commitment.objects.count() == 2


def test_an_organisation_with_a_kind_from_another_sector_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        make_org("Bank Salah", "social", "bank")
    assert "kind" in excinfo.value.message_dict


def test_deleting_a_planning_partnership_deletes_and_audits_every_item(world):
    # given a partnership in planning with commitments, deliveries, objectives and documents
    actor = world.users["lead_admin"]
    p = world.partnership
    commitment_id, partnership_id = world.commitment.pk, p.pk
    # when its lead admin deletes it
    services.partnership_delete(actor=actor, partnership=p)
    # then it is gone, and every deletion is in the history with the actor
    assert not Partnership.objects.filter(pk=partnership_id).exists()
    deleted = Commitment.history.filter(id=commitment_id, history_type="-").get()
    assert deleted.history_user == actor
    record = Partnership.history.filter(id=partnership_id, history_type="-").get()
    assert record.history_user == actor


def test_a_partnership_past_planning_cannot_be_deleted(world):
    actor = world.users["lead_admin"]
    p = world.partnership
    services.partnership_set_stage(
        actor=actor, partnership=p, expected_version=p.version, stage=Stage.PREPARATION
    )
    with pytest.raises(ApplicationError):
        services.partnership_delete(actor=actor, partnership=_fresh(p))
    assert Partnership.objects.filter(pk=p.pk).exists()


def test_history_does_not_report_the_language_neutral_title_column(world):
    from django.utils import translation

    actor = world.users["lead_admin"]
    p = _fresh(world.partnership)
    with translation.override("en"):
        services.partnership_update(
            actor=actor, partnership=p, expected_version=p.version, data={"regency": "Kota Bandung"}
        )
    from mitra.partnerships.selectors import partnership_history

    (latest, *_rest) = partnership_history(user=actor, partnership=p)
    assert [c.field for c in latest.changes] == ["regency"]


def test_an_edit_without_a_version_is_refused(world):
    with pytest.raises(ApplicationError) as excinfo:
        services.commitment_update(
            actor=world.users["member"],
            commitment=world.commitment,
            expected_version=None,
            data={"notes": "x"},
        )
    assert excinfo.value.extra == {"field": "version"}
    assert _fresh(world.commitment).notes == ""


def test_evidence_may_not_be_more_confidential_than_the_commitment(world):
    # given the company's owner-only financial model and its partners-level commitment
    with pytest.raises(ValidationError) as excinfo:
        services.delivery_create(
            actor=world.users["member"],
            commitment=world.commitment,
            data={
                "delivered_on": datetime.date(2026, 2, 1),
                "quantity": Decimal("1.00"),
                "evidence": world.secret_document,
            },
        )
    assert "evidence" in excinfo.value.message_dict


def test_deleting_a_document_unlinks_its_evidence_with_an_audit_record(world):
    member = world.users["member"]
    delivery = world.delivery
    services.document_delete(actor=member, document=world.document)
    stored = _fresh(delivery)
    assert stored.evidence_id is None and stored.version == delivery.version + 1
    assert stored.history.latest("history_date").history_user == member


def test_a_former_partner_no_longer_sees_a_partners_only_partnership(world):
    from mitra.core.errors import NotFound
    from mitra.partnerships import selectors

    lead = world.users["lead_admin"]
    ngo = world.partnership.members.get(organisation=world.ngo)
    services.member_update(
        actor=lead,
        member=ngo,
        expected_version=ngo.version,
        data={"left_on": datetime.date.today()},
    )
    with pytest.raises(NotFound):
        selectors.partnership_get(user=world.users["ngo_user"], pk=world.partnership.pk)


def test_a_title_edit_is_not_blocked_by_the_sector_rule(world):
    # given a partnership past planning whose private partner has since left
    lead = world.users["lead_admin"]
    p = world.partnership
    services.partnership_set_stage(
        actor=lead, partnership=p, expected_version=p.version, stage=Stage.PREPARATION
    )
    company = p.members.get(organisation=world.company)
    services.member_update(
        actor=lead,
        member=company,
        expected_version=company.version,
        data={"left_on": datetime.date.today()},
    )
    # when the lead edits the title, it is saved (the rule guards stage and form changes)
    p = _fresh(p)
    services.partnership_update(
        actor=lead, partnership=p, expected_version=p.version, data={"title_en": "New name"}
    )
    assert _fresh(p).title_en == "New name"


@pytest.mark.django_db
def test_next_code_counts_past_9999():
    from mitra.partnerships.services import next_code

    for code in ("KPBU-2031-9999", "KPBU-2031-10000", "KPBU-2031-0002"):
        Partnership.objects.create(code=code, title=code, form="ppp", development_sector="water")
    # Text order would pick KPBU-2031-9999 and hand out 10000 again.
    assert next_code("ppp", 2031) == "KPBU-2031-10001"
    assert next_code("ppp", 2032) == "KPBU-2032-0001"
