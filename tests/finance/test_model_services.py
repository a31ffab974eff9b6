"""Writes on the finance model: permission, the core's validation (JSON paths), versions."""

from __future__ import annotations

import pytest

from mitra.core.errors import ApplicationError, PermissionDenied, StaleEdit
from mitra.finance import services
from mitra.finance.models import FinanceModel

pytestmark = pytest.mark.django_db


def test_the_lead_enters_the_governments_model(fw, hospital):
    model = services.model_save(
        actor=fw.user("lead_admin"),
        partnership=fw.partnership,
        spec=hospital,
        expected_version=None,
    )
    assert model.owner is None and model.version == 1
    assert FinanceModel.objects.get(partnership=fw.partnership).spec == hospital
    assert model.history.count() == 1


def test_a_staff_user_of_a_partner_may_not_enter_a_model(fw, hospital):
    for name in ("member", "ngo_user", "outsider"):
        with pytest.raises(PermissionDenied):
            services.model_save(
                actor=fw.user(name),
                partnership=fw.partnership,
                spec=hospital,
                expected_version=None,
            )
    assert not FinanceModel.objects.exists()


def test_the_company_owns_its_model_and_the_lead_may_not_change_it(fw, hospital):
    model = services.model_save(
        actor=fw.company_admin,
        partnership=fw.partnership,
        spec=hospital,
        expected_version=None,
        owner=fw.company_member,
        shared_with=[fw.pemda_member],
    )
    assert model.owner == fw.company_member
    assert list(model.shared_with.all()) == [fw.pemda_member]
    with pytest.raises(PermissionDenied):
        services.model_save(
            actor=fw.user("lead_admin"),
            partnership=fw.partnership,
            spec=hospital,
            expected_version=model.version,
        )


def test_the_lead_may_not_create_a_model_in_the_companys_name(fw, hospital):
    with pytest.raises(PermissionDenied):
        services.model_save(
            actor=fw.user("lead_admin"),
            partnership=fw.partnership,
            spec=hospital,
            expected_version=None,
            owner=fw.company_member,
        )


def test_an_invalid_spec_is_refused_with_json_paths_and_nothing_changes(fw, hospital):
    bad = dict(hospital, capex=[100], debt=dict(hospital["debt"], tenor_years=40))
    with pytest.raises(services.InvalidSpec) as caught:
        services.model_save(
            actor=fw.user("lead_admin"), partnership=fw.partnership, spec=bad, expected_version=None
        )
    paths = {i["path"] for i in caught.value.issues}
    assert "$.capex" in paths
    assert "$.debt.tenor_years" in paths
    assert caught.value.status == 422
    assert not FinanceModel.objects.exists()


def test_a_stale_edit_is_refused(fw, hospital):
    lead = fw.user("lead_admin")
    first = services.model_save(
        actor=lead, partnership=fw.partnership, spec=hospital, expected_version=None
    )
    changed = dict(hospital, name="Second")
    services.model_save(actor=lead, partnership=fw.partnership, spec=changed, expected_version=1)
    with pytest.raises(StaleEdit):
        services.model_save(
            actor=lead, partnership=fw.partnership, spec=hospital, expected_version=first.version
        )
    assert FinanceModel.objects.get().spec["name"] == "Second"
    with pytest.raises(ApplicationError):  # an edit must say which version it was made on
        services.model_save(
            actor=lead, partnership=fw.partnership, spec=hospital, expected_version=None
        )


def test_sharing_only_with_current_partners(fw, hospital):
    from django.core.exceptions import ValidationError

    from mitra.partnerships.models import PartnershipMember

    other = PartnershipMember.objects.exclude(partnership=fw.partnership).first()
    with pytest.raises(ValidationError):
        services.model_save(
            actor=fw.company_admin,
            partnership=fw.partnership,
            spec=hospital,
            expected_version=None,
            owner=fw.company_member,
            shared_with=[other],
        )
    assert not FinanceModel.objects.exists()


def test_delete_by_an_editor_only(fw, hospital):
    model = services.model_save(
        actor=fw.user("lead_admin"),
        partnership=fw.partnership,
        spec=hospital,
        expected_version=None,
    )
    with pytest.raises(PermissionDenied):
        services.model_delete(
            actor=fw.user("member"), partnership=fw.partnership, expected_version=model.version
        )
    services.model_delete(
        actor=fw.user("lead_admin"), partnership=fw.partnership, expected_version=model.version
    )
    assert not FinanceModel.objects.exists()
