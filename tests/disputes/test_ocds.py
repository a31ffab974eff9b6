"""Contract amendments are published as OCDS contracts[].amendments (public ones only)."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from mitra.core.errors import PermissionDenied
from mitra.disclosure import jsonio
from mitra.disclosure import services as disclosure_services
from mitra.disclosure.validation import validate_package
from mitra.disputes import services
from mitra.partnerships.models import Partnership, Stage, Visibility
from tests.disclosure.conftest import _shared

pytestmark = pytest.mark.django_db


@pytest.fixture
def ocds_dir() -> Path:
    return _shared("data", "ocds")


def _amend(world, **extra):
    return services.amendment_create(
        actor=world.users["lead_admin"],
        partnership=world.partnership,
        data={
            "date": datetime.date(2026, 5, 4),
            "amends": "PPJT, Pasal 12",
            "rationale": "Lahan terlambat",
            "description": "Masa konstruksi +6 bulan",
            "document": world.document,
            **extra,
        },
    )


def _contract(world) -> dict:
    Partnership.objects.filter(pk=world.partnership.pk).update(
        stage=Stage.CONSTRUCTION, visibility=Visibility.PUBLIC
    )
    package = jsonio.loads(
        jsonio.dumps(disclosure_services.ocds_release_package_for(code=world.partnership.code))
    )
    [release] = package["releases"]
    [contract] = release["contracts"]
    return contract


def test_public_amendments_are_exported(world):
    first = _amend(world)
    _amend(world, amends="Secret side letter", public=False)
    contract = _contract(world)
    assert contract["amendments"] == [
        {
            "id": f"amendment-{first.pk}",
            "date": "2026-05-04T00:00:00+07:00",
            "rationale": "Lahan terlambat",
            "description": "PPJT, Pasal 12: Masa konstruksi +6 bulan",
        }
    ]


def test_no_amendment_no_key(world):
    assert "amendments" not in _contract(world)


def test_only_partners_record_amendments(world):
    with pytest.raises(PermissionDenied):
        services.amendment_create(
            actor=world.users["outsider"], partnership=world.partnership, data={}
        )


def test_the_export_with_amendments_validates(world, ocds_dir):
    _amend(world)
    Partnership.objects.filter(pk=world.partnership.pk).update(
        stage=Stage.CONSTRUCTION, visibility=Visibility.PUBLIC
    )
    package = disclosure_services.ocds_release_package_for(code=world.partnership.code)
    result = validate_package(jsonio.loads(jsonio.dumps(package)), ocds_dir)
    assert result.errors == [], result.errors[:5]
    assert not [w for w in result.warnings if ".amendments" in w.path and w.kind != "codelist"]
