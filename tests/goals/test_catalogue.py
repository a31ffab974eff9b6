"""The lever catalogue: every entry is usable as it stands (units, bounds, forms, sectors)."""

from __future__ import annotations

import pytest

from mitra.goals.catalogue import all_levers, lever_entry, levers_for
from mitra.goals.models import UNIT_CHOICES, Direction, LeverUnit
from mitra.partnerships.models import DevelopmentSector, PartnershipForm

ENTRIES = all_levers()


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["key"] for e in ENTRIES])
def test_each_entry_is_complete_and_valid(entry: dict) -> None:
    assert entry["name"]["id"] and entry["name"]["en"]
    assert entry["description"]["id"] and entry["description"]["en"]
    assert entry["unit"] in {code for code, _label in UNIT_CHOICES}
    assert (entry["unit"] == LeverUnit.MONEY) == bool(entry.get("currency"))
    lo, hi = entry["bounds"]
    assert lo < hi
    assert entry["direction"] in Direction.values
    assert entry["forms"] == "*" or set(entry["forms"]) <= set(PartnershipForm.values)
    assert entry["sectors"] == "*" or set(entry["sectors"]) <= set(DevelopmentSector.values)


def test_keys_are_unique_and_the_demo_forms_have_levers() -> None:
    keys = [e["key"] for e in ENTRIES]
    assert len(keys) == len(set(keys))
    assert "tariff" in [e["key"] for e in levers_for("ppp", "toll_road")]
    school = [e["key"] for e in levers_for("psp", "education")]
    assert {"school_fee", "class_size", "teacher_training_hours", "csr_years"} <= set(school)
    assert "tariff" not in school
    with pytest.raises(KeyError):
        lever_entry("nope")
