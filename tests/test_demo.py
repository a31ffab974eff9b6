"""`mitra demo`: partnerships an Indonesian practitioner finds plausible, the documented logins,
and only on demand."""

from __future__ import annotations

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Sum
from django.utils import timezone

from mitra.core.choices import Unit
from mitra.organisations.models import ResourceType
from mitra.partnerships.demo import (
    ORGANISATIONS,
    TOLL_CAPEX,
    TOLL_DEBT,
    TOLL_EQUITY,
    TOLL_SHARES,
    TOLL_VGF,
    month_from,
    partnership_specs,
    years_after,
)
from mitra.partnerships.models import (
    STAGE_ORDER,
    Commitment,
    Delivery,
    Document,
    Need,
    Objective,
    Partnership,
    Role,
)
from mitra.partnerships.selectors import partnership_list
from mitra.partnerships.services import missing_sectors

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo() -> str:
    out = StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def _members(p: Partnership) -> dict[str, object]:
    return {m.organisation.name: m for m in p.members.select_related("organisation")}


def _roles(p: Partnership) -> set[str]:
    return {r for m in p.members.all() for r in m.roles}


def _doc_types(p: Partnership) -> set[str]:
    return set(p.documents.values_list("doc_type", flat=True))


def test_demo_loads_the_eight_partnerships_and_logins(demo):
    # given an empty database, when the demo is loaded
    # then every form is there, with public, partners-only and draft ones
    forms = sorted(Partnership.objects.values_list("form", flat=True))
    assert forms == ["csr", "csr", "pentahelix", "ppp", "ppp", "ppp", "psp", "triple_helix"]
    visibilities = set(Partnership.objects.values_list("visibility", flat=True))
    assert visibilities == {"public", "partners", "draft"}
    assert Partnership.objects.published().count() == 4
    assert Commitment.objects.count() >= 30 and Delivery.objects.count() >= 25
    assert Objective.objects.exists() and Document.objects.count() >= 30
    # and the documented logins work with the documented password, as do the per-organisation
    # ones the README and the tests use
    for username in ("pemda", "lsm", "swasta", "kampus", "admin", "pu-admin", "mtp-admin"):
        assert authenticate(username=username, password="mitra-demo") is not None, username
    assert get_user_model().objects.get(username="admin").is_staff
    assert "pemda" in demo and "mitra-demo" in demo and "mtp-admin" in demo


def test_pemda_leads_the_school_psp(demo):
    pemda = get_user_model().objects.get(username="pemda")
    led = partnership_list(user=pemda, filters={"my_role": "lead"})
    assert [p.form for p in led] == ["psp"]
    school = led[0]
    assert "Sekolah Penggerak (Driving Schools)" in school.title_en
    assert {"mou", "swakelola_contract"} <= _doc_types(school)


def test_pu_and_mtp_logins_keep_their_meaning(demo):
    toll = Partnership.objects.get(development_sector="toll_road")
    pu = get_user_model().objects.get(username="pu-admin")
    mtp = get_user_model().objects.get(username="mtp-admin")
    assert [p.pk for p in partnership_list(user=pu, filters={"my_role": "lead"})] == [toll.pk]
    bujt = toll.members.get(organisation__memberships__user=mtp)
    assert bujt.roles == [Role.PROJECT_COMPANY]
    lead = toll.members.get(organisation__memberships__user=pu)
    assert lead.roles == [Role.LEAD, Role.CONTRACTING_AGENCY]


def test_toll_road_is_a_ppjt_with_its_whole_cast(demo):
    toll = Partnership.objects.get(development_sector="toll_road")
    assert (toll.form, toll.stage, toll.agreement_type) == ("ppp", "construction", "concession")
    assert (toll.return_mechanism, toll.concession_years, toll.listing_status) == (
        "user_charge",
        40,
        "ppp_book",
    )
    assert set(toll.government_support) == {"vgf", "guarantee", "land"}
    members = _members(toll)
    assert members["Kementerian Pekerjaan Umum"].roles == ["lead", "contracting_agency"]
    assert "regulator" in members["Badan Pengatur Jalan Tol"].roles
    assert members["PT Penjaminan Infrastruktur Indonesia (Persero)"].roles == ["guarantor"]
    assert {
        "project_company",
        "sponsor",
        "epc_contractor",
        "financier",
        "guarantor",
        "vgf_provider",
        "independent_engineer",
        "independent_monitor",
        "community_liaison",
    } <= _roles(toll)
    # an NGO monitors resettlement: the lsm login's organisation
    lsm = get_user_model().objects.get(username="lsm")
    ngo = toll.members.get(organisation__memberships__user=lsm)
    assert ngo.organisation.sector == "social" and "independent_monitor" in ngo.roles
    # PT PII's guarantee and recourse agreements, Kemenkeu's VGF approval
    assert {
        "kpbu_agreement",
        "guarantee_agreement",
        "recourse_agreement",
        "vgf_approval",
        "location_decree",
        "environmental",
        "loan_agreement",
    } <= _doc_types(toll)
    owners = {d.doc_type: d.owner.organisation.short_name for d in toll.documents.all()}
    assert owners["guarantee_agreement"] == owners["recourse_agreement"] == "PT PII"
    assert owners["vgf_approval"] == "Kemenkeu (DJPPR)"


def test_toll_road_sources_of_funds_equal_its_uses(demo):
    toll = Partnership.objects.get(development_sector="toll_road")
    cash = toll.needs.filter(resource_type=ResourceType.CASH)
    # uses: the capital cost is the estimated value; sources: equity + debt + VGF, all committed
    assert TOLL_EQUITY + TOLL_DEBT + TOLL_VGF == TOLL_CAPEX == toll.estimated_value
    assert cash.aggregate(total=Sum("quantity"))["total"] == toll.estimated_value
    committed = Commitment.objects.filter(need__in=cash).aggregate(total=Sum("quantity"))
    assert committed["total"] == toll.estimated_value
    assert Decimal(9) * 10**12 <= toll.estimated_value <= Decimal(12) * 10**12
    # the VGF is a need committed in full, publicly, by Kemenkeu as VGF provider
    vgf = toll.needs.get(title__contains="Dukungan Kelayakan")
    (commitment,) = vgf.commitments.all()
    assert commitment.member.roles == [Role.VGF_PROVIDER]
    assert commitment.quantity == vgf.quantity == TOLL_VGF
    assert commitment.confidentiality == "public"
    # equity: the sponsors' shares add up to 100% and each commits its share of the equity
    sponsors = toll.members.filter(role_rows__role=Role.SPONSOR)
    assert sum(s.equity_share for s in sponsors) == 100
    assert {s.organisation.name for s in sponsors} == {
        ORGANISATIONS[k]["name"] for k in TOLL_SHARES
    }
    equity = toll.needs.get(title__startswith="Ekuitas")
    for c in equity.commitments.select_related("member"):
        assert c.quantity == TOLL_EQUITY * c.member.equity_share / 100
    # debt: lenders only
    debt = toll.needs.get(title__startswith="Pinjaman")
    assert {tuple(c.member.roles) for c in debt.commitments.all()} == {(Role.FINANCIER,)}


def test_street_lighting_kpbu_is_in_early_preparation_without_a_private_partner(demo):
    pju = Partnership.objects.get(development_sector="urban_facilities")
    assert (pju.form, pju.stage, pju.visibility) == ("ppp", "preparation", "public")
    assert (pju.return_mechanism, pju.listing_status) == ("availability_payment", "drk")
    assert not pju.members.filter(organisation__sector="private").exists()
    assert missing_sectors(pju) == []  # the stage gate lets a KPBU prepare without its BUP
    kinds = {m.organisation.kind: m.roles for m in pju.members.select_related("organisation")}
    assert kinds["ppp_unit"] == [Role.PPP_UNIT]
    assert Role.PREPARATION_AGENCY in _roles(pju)
    assert {"preliminary_study", "public_consultation", "obc"} <= _doc_types(pju)
    assert pju.documents.get(doc_type="obc").confidentiality == "partners"  # still a draft


def test_hospital_kpbu_needs_what_a_hospital_needs(demo):
    rsud = Partnership.objects.get(development_sector="health", form="ppp")
    assert rsud.return_mechanism == "availability_payment"
    assert "dprd_approval" in _doc_types(rsud)
    units = set(rsud.needs.exclude(resource_type="cash").values_list("unit", flat=True))
    assert {"units", "beds", "person-days", "ha"} == units
    titles = " ".join(rsud.needs.values_list("title", flat=True)).lower()
    assert "alat kesehatan" in titles and "tempat tidur" in titles and "pelatihan" in titles
    assert "laptop" not in titles
    assert Decimal(300) * 10**9 <= rsud.estimated_value <= Decimal(800) * 10**9


def test_csr_programmes_a_bumn_tjsl_and_a_foundation_with_a_regional_grant(demo):
    tjsl, nutrition = Partnership.objects.filter(form="csr").order_by("created_at")
    # the BUMN registered on the business side funds the TJSL programme: MoU, then PKS
    bumn = tjsl.members.get(role_rows__role=Role.LEAD).organisation
    assert (bumn.kind, bumn.sector) == ("soe", "private")
    assert "(Persero)" in bumn.name
    assert {"mou", "cooperation_agreement"} <= _doc_types(tjsl)
    # the foundation implements; a provincial grant (NPHD) with its accountability report (LPJ)
    implementer = nutrition.members.get(role_rows__role=Role.IMPLEMENTER).organisation
    assert (implementer.kind, implementer.sector) == ("foundation", "social")
    assert {"grant_agreement", "accountability_report"} <= _doc_types(nutrition)
    grant = nutrition.documents.get(doc_type="grant_agreement")
    assert grant.owner.organisation.sector == "public"
    for p in (tjsl, nutrition):
        assert Decimal(2) * 10**9 <= p.estimated_value <= Decimal(10) * 10**9, p.title


def test_every_non_cash_need_has_a_unit_of_the_code_list(demo):
    for need in Need.objects.all():
        if need.resource_type == ResourceType.CASH:
            assert (need.currency, need.unit) == ("IDR", ""), need.title
        else:
            assert need.unit in Unit.values, (need.title, need.unit)


def test_dates_are_consistent(demo):
    today = timezone.localdate()
    for p in Partnership.objects.prefetch_related("members"):
        members = list(p.members.all())
        lead = next(m for m in members if m.is_lead)
        # the lead starts the partnership; nobody joins before it, or after the stage began
        assert p.stage_since is not None and p.stage_since <= today, p.title
        assert all(lead.joined_on <= m.joined_on <= p.stage_since for m in members), p.title
        if p.start_date:
            assert lead.joined_on == p.start_date, p.title
        if p.end_date:
            assert p.end_date > today, p.title
        # a KPBU's business side joins at signing, before construction
        if p.form == "ppp" and STAGE_ORDER.index(p.stage) >= STAGE_ORDER.index("construction"):
            bup = next(m for m in members if Role.PROJECT_COMPANY in m.roles)
            assert bup.joined_on < p.stage_since, p.title
    for d in Delivery.objects.select_related("commitment__member"):
        # delivered in the past, by a partner that had joined
        assert d.commitment.member.joined_on <= d.delivered_on <= today, d
    for need in Need.objects.all():
        delivered = Delivery.objects.filter(commitment__need=need).aggregate(t=Sum("quantity"))
        # what is still owed is due ahead, not already overdue
        if (delivered["t"] or 0) < need.quantity:
            assert need.due_date is not None and need.due_date > today, need.title


def test_dates_follow_the_day_the_demo_is_loaded():
    # the same relative dates whatever the day: what is due lies ahead
    for today in (datetime.date(2026, 12, 4), datetime.date(2031, 1, 31)):
        toll = partnership_specs(today)[0]
        assert toll["data"]["start_date"] == month_from(today, -54)
        stage, since = toll["stage"]
        assert stage == "construction" and since < today
        assert toll["data"]["end_date"] == years_after(month_from(today, -24), 40)
    assert month_from(datetime.date(2026, 12, 4), 1, 31) == datetime.date(2027, 1, 28)
    assert month_from(datetime.date(2026, 1, 15), -1) == datetime.date(2025, 12, 1)
    assert years_after(datetime.date(2024, 2, 1), 40) == datetime.date(2064, 1, 31)


def test_the_stage_gate_holds_for_every_demo_partnership(demo):
    for p in Partnership.objects.all():
        assert missing_sectors(p) == [], p.title


def test_demo_refuses_a_database_with_data_and_if_empty_is_a_no_op(demo):
    count = Partnership.objects.count()
    with pytest.raises(CommandError):
        call_command("demo", stdout=StringIO())
    out = StringIO()
    call_command("demo", "--if-empty", stdout=out)
    assert Partnership.objects.count() == count
    assert "already has data" in out.getvalue()


def test_no_demo_data_without_the_command():
    assert not get_user_model().objects.filter(username="pemda").exists()
    assert not Partnership.objects.exists()


def test_demo_people_have_names_and_the_history_names_them(demo):
    from django.contrib.auth import get_user_model

    from mitra.partnerships.selectors import partnership_history

    users = get_user_model().objects.all()
    assert users.exists() and not users.filter(first_name="").exists()
    names = {(u.first_name, u.last_name) for u in users}
    assert len(names) == users.count()  # distinct people
    pu_admin = users.get(username="pu-admin")
    toll = Partnership.objects.get(title_ind__startswith="KPBU Jalan Tol")
    entries = partnership_history(user=pu_admin, partnership=toll)
    whos = {str(getattr(e, "who", "")) for e in entries}
    assert any(f"{pu_admin.first_name} {pu_admin.last_name} (" in who for who in whos), whos
