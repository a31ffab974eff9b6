"""Who sees what of a finance model: the owner and the partners it names see it all, every other
partner the government-side figures only, the public nothing unless it is published."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from mitra.finance import selectors, services
from mitra.partnerships.models import Visibility

pytestmark = pytest.mark.django_db


@pytest.fixture
def private(fw, hospital):
    """The company's model, shared with the lead partner (pemda) only."""
    return services.model_save(
        actor=fw.company_admin,
        partnership=fw.partnership,
        spec=hospital,
        expected_version=None,
        owner=fw.company_member,
        shared_with=[fw.pemda_member],
    )


def _fresh(fw):
    from mitra.partnerships.models import Partnership

    return Partnership.objects.get(pk=fw.partnership.pk)


@pytest.mark.parametrize(
    ("name", "sees_model", "sees_government"),
    [
        ("company_admin", True, True),  # the owner's administrator
        ("member", True, True),  # the owner's staff user
        ("lead_admin", True, True),  # named in shared_with
        ("ngo_user", False, True),  # another partner: government-side figures only
        ("staff", False, True),  # platform staff: not a private party's model
        ("outsider", False, False),
        ("anonymous", False, False),
    ],
)
def test_visibility_of_a_private_model(fw, private, name, sees_model, sees_government):
    user = fw.user(name)
    partnership = _fresh(fw)
    assert selectors.can_see_model(user=user, partnership=partnership) is sees_model
    assert (selectors.finance_model(user=user, partnership=partnership) is not None) is sees_model
    assert (selectors.finance_result(user=user, partnership=partnership) is not None) is sees_model
    payments = selectors.government_payments(user=user, partnership=partnership)
    assert (payments is not None) is sees_government


def test_government_payments_are_the_cores_government_flows(fw, private, hospital):
    from mitra.analysis import load_model, run_model

    payments = selectors.government_payments(user=fw.user("ngo_user"), partnership=_fresh(fw))
    result = run_model(load_model(hospital))
    assert payments["years"] == result.years.tolist()
    assert payments["flows"]["availability_payment"] == pytest.approx(
        result.government_flows["availability_payment"].tolist()
    )
    assert payments["flows"]["land"][0] == 25
    assert payments["net"] == pytest.approx(result.government_net.tolist())
    assert payments["guarantee"]["cap"] == 160
    # nothing private: no equity, debt or IRR figures in what every partner sees
    assert not {"equity_irr", "per_year", "summary", "debt"} & set(payments)


def test_nothing_public_unless_published(fw, private, hospital):
    anonymous = AnonymousUser()
    partnership = _fresh(fw)
    partnership.visibility = Visibility.PUBLIC
    partnership.save()
    assert selectors.finance_model(user=anonymous, partnership=_fresh(fw)) is None
    assert selectors.government_payments(user=anonymous, partnership=_fresh(fw)) is None
    services.model_save(
        actor=fw.company_admin,
        partnership=fw.partnership,
        spec=hospital,
        expected_version=private.version,
        published=True,
    )
    assert selectors.finance_model(user=anonymous, partnership=_fresh(fw)) is not None
    assert selectors.government_payments(user=anonymous, partnership=_fresh(fw)) is not None


def test_published_on_a_partners_only_partnership_stays_private(fw, private, hospital):
    services.model_save(
        actor=fw.company_admin,
        partnership=fw.partnership,
        spec=hospital,
        expected_version=private.version,
        published=True,
    )
    assert selectors.finance_model(user=AnonymousUser(), partnership=_fresh(fw)) is None
    assert selectors.finance_model(user=fw.user("outsider"), partnership=_fresh(fw)) is None


def test_the_governments_model_is_seen_by_every_partner(fw, hospital):
    services.model_save(
        actor=fw.user("lead_admin"),
        partnership=fw.partnership,
        spec=hospital,
        expected_version=None,
    )
    for name in ("lead_admin", "member", "ngo_user", "staff"):
        assert selectors.can_see_model(user=fw.user(name), partnership=_fresh(fw))
    for name in ("outsider", "anonymous"):
        assert not selectors.can_see_model(user=fw.user(name), partnership=_fresh(fw))


def test_internal_spec_is_a_copy_without_checks(fw, private, hospital):
    spec = selectors.internal_spec(_fresh(fw))
    assert spec == hospital
    spec["name"] = "changed"
    assert selectors.internal_spec(_fresh(fw))["name"] == hospital["name"]


def test_results_are_cached_by_spec(fw, private, hospital):
    first = selectors.run_spec(hospital)
    assert selectors.run_spec(dict(hospital)) is first
    assert selectors.run_spec(dict(hospital, name="other")) is not first
