"""The finance model on the partnership's History tab: figure by figure for those who may see the
model, without the figures for the other partners; and the demo's models."""

from __future__ import annotations

import pytest

from mitra.finance import services
from mitra.finance.history import finance_history
from mitra.partnerships.models import Partnership

pytestmark = pytest.mark.django_db


def _fresh(fw):
    return Partnership.objects.get(pk=fw.partnership.pk)


def _changes(entries):
    return [(c.label, c.old, c.new) for e in entries for c in e.changes]


def test_edits_show_figure_by_figure_to_those_who_see_the_model(fw, hospital):
    model = services.model_save(
        actor=fw.company_admin,
        partnership=fw.partnership,
        spec=hospital,
        expected_version=None,
        owner=fw.company_member,
        shared_with=[fw.pemda_member],
    )
    changed = {**hospital, "debt": {**hospital["debt"], "rate": 0.095}}
    services.model_save(
        actor=fw.company_admin,
        partnership=fw.partnership,
        spec=changed,
        expected_version=model.version,
    )
    owner_view = _changes(finance_history(fw.company_admin, _fresh(fw)))
    assert ("debt.rate", "0.1", "0.095") in owner_view
    lead_view = _changes(finance_history(fw.user("lead_admin"), _fresh(fw)))
    assert ("debt.rate", "0.1", "0.095") in lead_view  # named in shared_with
    ngo_view = finance_history(fw.user("ngo_user"), _fresh(fw))
    assert len(ngo_view) >= 2  # the edits are there ...
    flat = repr(_changes(ngo_view))
    assert "0.095" not in flat and "debt.rate" not in flat  # ... without the figures
    assert hospital["name"] not in repr([e.object_label for e in ngo_view])
    assert finance_history(fw.user("outsider"), _fresh(fw)) == []


def test_the_history_tab_lists_finance_edits(fw, hospital):
    from django.test import Client

    services.model_save(
        actor=fw.user("lead_admin"),
        partnership=fw.partnership,
        spec=hospital,
        expected_version=None,
    )
    client = Client()
    client.force_login(fw.user("member"))
    response = client.get(f"/en/partnerships/{fw.partnership.pk}/history/")
    assert response.status_code == 200
    assert "Finance model" in response.content.decode()


def test_the_demo_gives_the_toll_road_its_companys_model(fw):
    from mitra.analysis import validate_model
    from mitra.finance import demo, selectors

    demo.load({"partnerships": [fw.partnership]})
    model = selectors.stored_model(_fresh(fw))
    assert model is not None
    assert validate_model(model.spec) == []
    assert model.owner == fw.company_member
    assert fw.pemda_member in model.shared_with.all()
    assert selectors.can_see_model(user=fw.user("lead_admin"), partnership=_fresh(fw))
    assert not selectors.can_see_model(user=fw.user("ngo_user"), partnership=_fresh(fw))


def test_the_demo_hospital_spec_is_valid():
    from mitra.analysis import validate_model
    from mitra.finance import demo

    assert validate_model(demo.hospital_spec(2025)) == []
    assert validate_model(demo.toll_road_spec(2024)) == []
