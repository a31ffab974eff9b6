"""The risk-register templates: every packaged template is valid, cites real sources, maps onto
the risk-model spec, and the validator words each kind of mistake with its JSON path.

Pure Python: no Django, no database.
"""

from __future__ import annotations

import copy
import csv
import doctest
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from mitra.risks import catalogue
from mitra.risks.catalogue import (
    CATEGORIES,
    MITRA_CATEGORIES,
    OCDS_CATEGORIES,
    load_template,
    template_keys,
    templates_for,
    validate_template,
)

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
THAI_CSV = SHARED / "data" / "th-ppp-risk-factors" / "risk_factors.csv"
OCDS_CATEGORY_CSV = (
    SHARED
    / "data"
    / "ocds"
    / "ppp"
    / "ocds_riskAllocation_extension"
    / "codelists"
    / "riskCategory.csv"
)
#: The in-repo copy of the risk-model spec comes first (a fresh clone has no shared/).
SPEC_CANDIDATES = (
    ROOT / "src" / "mitra" / "analysis" / "schemas" / "risk-model.schema.json",
    SHARED / "specs" / "risk-model.schema.json",
)

EXPECTED_KEYS = {"toll-road", "hospital", "water-spam", "school-psp", "triple-helix-research"}
KEYS = template_keys()


def risk_model_schema() -> dict[str, Any]:
    for path in SPEC_CANDIDATES:
        if path.is_file():
            loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
            return loaded
    pytest.skip("no risk-model.schema.json: neither the in-repo copy nor shared/specs/ exists")


def need_shared(path: Path) -> Path:
    if not path.is_file():
        pytest.skip(f"{path} is absent (shared/ is not part of a fresh clone)")
    return path


# --------------------------------------------------------------------------- the templates


def test_at_least_the_five_templates_are_packaged() -> None:
    # given / when
    keys = set(template_keys())

    # then
    assert keys >= EXPECTED_KEYS
    assert "template.schema" not in keys


@pytest.mark.parametrize("key", KEYS)
def test_every_template_is_valid(key: str) -> None:
    # given
    path = Path(catalogue.__file__).with_name(f"{key}.json")
    data = json.loads(path.read_text(encoding="utf-8"))

    # when
    errors = validate_template(data)

    # then
    assert errors == []
    assert data["key"] == key
    assert load_template(key) == data


@pytest.mark.parametrize("key", KEYS)
def test_every_template_has_ten_to_sixteen_risks(key: str) -> None:
    risks = load_template(key)["risks"]

    assert 10 <= len(risks) <= 16


@pytest.mark.parametrize("key", KEYS)
def test_allocation_shares_sum_to_one_and_name_declared_parties(key: str) -> None:
    template = load_template(key)
    parties = set(template["parties"])

    for risk in template["risks"]:
        assert abs(sum(risk["allocation"].values()) - 1.0) <= 1e-9, risk["id"]
        assert set(risk["allocation"]) <= parties, risk["id"]
        assert risk["controlled_by"] in parties, risk["id"]
        assert {m["owner"] for m in risk["mitigations"]} <= parties, risk["id"]


@pytest.mark.parametrize("key", KEYS)
def test_description_says_the_numbers_are_indicative_in_both_languages(key: str) -> None:
    description = load_template(key)["description"]

    assert "indikatif" in description["id"]
    assert "indicative" in description["en"]


@pytest.mark.parametrize("key", KEYS)
def test_each_risk_with_an_ocds_category_cites_it(key: str) -> None:
    for risk in load_template(key)["risks"]:
        if risk["category"] in OCDS_CATEGORIES:
            assert f"ocds:{risk['category']}" in risk["references"], risk["id"]


@pytest.mark.parametrize("key", KEYS)
def test_thai_references_exist_in_the_shared_taxonomy(key: str) -> None:
    # given
    with need_shared(THAI_CSV).open(encoding="utf-8", newline="") as f:
        known = {row["risk_factor_id"] for row in csv.DictReader(f)}
    assert len(known) > 100  # the file really is the taxonomy

    # when
    cited = {
        ref.removeprefix("th:")
        for risk in load_template(key)["risks"]
        for ref in risk["references"]
        if ref.startswith("th:")
    }

    # then
    assert cited, "a template should cite at least one Thai risk factor"
    assert cited - known == set()


def test_categories_are_the_ocds_codelist_plus_mitras_own() -> None:
    with need_shared(OCDS_CATEGORY_CSV).open(encoding="utf-8", newline="") as f:
        codes = [row["Code"] for row in csv.DictReader(f)]

    assert list(OCDS_CATEGORIES) == [c for c in codes if c != "all"]
    assert CATEGORIES == OCDS_CATEGORIES + MITRA_CATEGORIES


@pytest.mark.parametrize("key", KEYS)
def test_each_impact_is_a_distribution_of_the_risk_model_spec(key: str) -> None:
    # given
    spec = risk_model_schema()
    validator = Draft202012Validator({"$defs": spec["$defs"], "$ref": "#/$defs/distribution"})

    # when
    problems = {
        risk["id"]: [e.message for e in validator.iter_errors(risk["quantitative"]["impact"])]
        for risk in load_template(key)["risks"]
    }

    # then
    assert {rid: msgs for rid, msgs in problems.items() if msgs} == {}


def spec_from(template: dict[str, Any], construction: int = 3, horizon: int = 30) -> dict:
    """A risk-model spec built from a template, with its years resolved on a parametric base."""
    years = {
        "construction": list(range(1, construction + 1)),
        "operation": list(range(construction + 1, horizon + 1)),
        "first_operation_year": [construction + 1],
        "last_year": [horizon],
        "all": list(range(1, horizon + 1)),
    }
    return {
        "spec_version": "1.0",
        "name": template["name"]["en"],
        "currency": "IDR",
        "amount_unit": 1_000_000_000,
        "discount_rate": 0.08,
        "horizon_years": horizon,
        "base_cash_flows": {
            "mode": "parametric",
            "construction_years": construction,
            "capex_total": 3000,
            "opex_per_year": 60,
            "revenue_per_year": 400,
        },
        "parties": {key: party["name"]["en"] for key, party in template["parties"].items()},
        "risks": [
            {
                "id": risk["id"],
                "name": risk["title"]["en"],
                "probability": risk["quantitative"]["probability"],
                "impact": risk["quantitative"]["impact"],
                "basis": risk["quantitative"]["basis"],
                "applies_to": risk["quantitative"]["applies_to"],
                "unit_value": risk["quantitative"].get("unit_value", 1),
                "years": years[risk["quantitative"]["years"]],
                "allocation": risk["allocation"],
            }
            for risk in template["risks"]
        ],
    }


@pytest.mark.parametrize("key", KEYS)
def test_a_template_applied_to_a_timeline_is_a_valid_risk_model_spec(key: str) -> None:
    # given
    validator = Draft202012Validator(risk_model_schema())

    # when
    errors = [
        f"{e.json_path}: {e.message}" for e in validator.iter_errors(spec_from(load_template(key)))
    ]

    # then
    assert errors == []


# --------------------------------------------------------------------------- finding templates


def test_templates_for_a_toll_road_ppp_puts_the_toll_road_first() -> None:
    keys = [t["key"] for t in templates_for("ppp", "toll_road")]

    assert keys[0] == "toll-road"
    assert {"hospital", "water-spam"} <= set(keys[1:])
    assert "school-psp" not in keys


def test_templates_for_a_school_psp_include_school_psp() -> None:
    keys = [t["key"] for t in templates_for("psp", "education")]

    assert keys[0] == "school-psp"
    assert "toll-road" not in keys


def test_templates_for_a_triple_helix_offer_the_research_template_whatever_the_sector() -> None:
    assert [t["key"] for t in templates_for("triple_helix", "tourism")] == ["triple-helix-research"]


def test_templates_for_without_a_sector_are_sorted_by_key() -> None:
    keys = [t["key"] for t in templates_for("ppp")]

    assert keys == sorted(keys)
    assert {"toll-road", "hospital", "water-spam"} <= set(keys)


def test_templates_for_rejects_unknown_codes() -> None:
    with pytest.raises(ValueError, match="unknown partnership form 'kpbu'"):
        templates_for("kpbu", None)
    with pytest.raises(ValueError, match="unknown development sector 'roads'"):
        templates_for("ppp", "roads")


def test_unknown_template_key_is_a_lookup_error() -> None:
    with pytest.raises(KeyError, match="unknown risk template 'airport'"):
        load_template("airport")
    with pytest.raises(LookupError):
        load_template("template.schema")


def test_load_template_returns_a_fresh_copy() -> None:
    # given
    first = load_template("toll-road")

    # when
    first["risks"].clear()

    # then
    assert len(load_template("toll-road")["risks"]) == 16


# --------------------------------------------------------------------------- broken templates


@pytest.fixture
def template() -> dict[str, Any]:
    return copy.deepcopy(load_template("toll-road"))


def test_a_broken_template_gives_each_message_with_its_path(template: dict[str, Any]) -> None:
    # given: shares 0.6 + 0.3, an unknown party, a text without English
    template["risks"][0]["allocation"] = {"pjpk": 0.6, "bup": 0.3}
    template["risks"][1]["allocation"] = {"pjpk": 0.5, "lenders": 0.5}
    del template["risks"][2]["title"]["en"]

    # when
    errors = validate_template(template)

    # then
    assert errors == [
        "$.risks[2].title: 'en' is a required property",
        "$.risks[0].allocation: shares sum to 0.9, not 1 (tolerance 1e-09)",
        "$.risks[1].allocation.lenders: unknown party 'lenders'"
        " (declared parties: bup, community, guarantor, pjpk)",
    ]


def test_controlled_by_and_mitigation_owners_must_be_parties(template: dict[str, Any]) -> None:
    template["risks"][3]["controlled_by"] = "contractor"
    template["risks"][3]["mitigations"][0]["owner"] = "bank"

    errors = validate_template(template)

    assert errors == [
        "$.risks[3].controlled_by: unknown party 'contractor'"
        " (declared parties: bup, community, guarantor, pjpk)",
        "$.risks[3].mitigations[0].owner: unknown party 'bank'"
        " (declared parties: bup, community, guarantor, pjpk)",
    ]


def test_duplicate_risk_ids_are_reported(template: dict[str, Any]) -> None:
    template["risks"][5]["id"] = template["risks"][1]["id"]

    assert validate_template(template) == [
        "$.risks[5].id: duplicate risk id 'T02' (first used at $.risks[1].id)"
    ]


def test_references_must_be_well_formed_and_cite_declared_sources(
    template: dict[str, Any],
) -> None:
    # given
    template["risks"][0]["references"] = [
        "landAvailability",  # no prefix
        "wiki:land",  # not a source of this template
        "ocds:land",  # not an OCDS code
        "th:1-2",  # not a Thai risk_factor_id
        "th:R01-01",  # fine
    ]

    # when
    errors = validate_template(template)

    # then
    assert [e for e in errors if "references[0]" in e] == [
        "$.risks[0].references[0]: malformed reference 'landAvailability' (expected 'prefix:value')"
    ]
    assert (
        "$.risks[0].references[1]: reference 'wiki:land' cites 'wiki',"
        " which is not a key of 'sources'"
    ) in errors
    assert "$.risks[0].references[2]: 'land' is not an OCDS-for-PPPs risk category code" in errors
    assert "$.risks[0].references[3]: '1-2' is not a Thai risk_factor_id such as 'R01-02'" in errors
    assert not any("references[4]" in e for e in errors)


def test_texts_need_both_languages_and_no_blanks(template: dict[str, Any]) -> None:
    del template["name"]["id"]
    template["parties"]["bup"]["name"]["en"] = "   "
    template["risks"][4]["mitigations"][0]["action"] = {"id": "Sesuatu"}

    errors = validate_template(template)

    assert "$.name: 'id' is a required property" in errors
    assert "$.parties.bup.name.en: must not be blank" in errors
    assert "$.risks[4].mitigations[0].action: 'en' is a required property" in errors


def test_distribution_errors_name_the_parameter(template: dict[str, Any]) -> None:
    quantitative = template["risks"][0]["quantitative"]
    quantitative["impact"] = {"type": "pert", "min": 0.2, "mode": 0.1, "max": 0.3}
    template["risks"][1]["quantitative"]["impact"] = {"type": "lognormal", "mean": 0.1}
    template["risks"][2]["quantitative"]["impact"] = {"type": "beta", "a": 1}

    errors = validate_template(template)

    assert (
        "$.risks[0].quantitative.impact: needs min <= mode <= max and min < max, got 0.2, 0.1, 0.3"
    ) in errors
    assert "$.risks[1].quantitative.impact: 'sd' is a required property" in errors
    assert any(
        e.startswith("$.risks[2].quantitative.impact.type: 'beta' is not one of") for e in errors
    )


def test_a_relative_risk_on_a_line_item_that_is_zero_in_its_years_is_refused(
    template: dict[str, Any],
) -> None:
    template["risks"][0]["quantitative"]["years"] = "operation"  # capex in operation years

    assert validate_template(template) == [
        "$.risks[0].quantitative: a relative impact on capex in the operation years hits a base"
        " line item that is zero there; choose other years or another line item"
    ]


def test_schema_errors_have_paths(template: dict[str, Any]) -> None:
    template["forms"] = ["kpbu"]
    template["risks"][0]["likelihood"] = 7
    template["risks"][0]["category"] = "demand"

    errors = validate_template(template)

    assert any(e.startswith("$.forms[0]: 'kpbu' is not one of") for e in errors)
    assert "$.risks[0].likelihood: 7 is greater than the maximum of 5" in errors
    assert any(e.startswith("$.risks[0].category: 'demand' is not one of") for e in errors)


def test_messages_follow_document_order(template: dict[str, Any]) -> None:
    template["risks"][10]["likelihood"] = 0
    template["risks"][2]["likelihood"] = 0

    assert validate_template(template) == [
        "$.risks[2].likelihood: 0 is less than the minimum of 1",
        "$.risks[10].likelihood: 0 is less than the minimum of 1",
    ]


def test_not_an_object_at_all() -> None:
    assert validate_template([]) == ["$: [] is not of type 'object'"]


def test_docstring_examples() -> None:
    result = doctest.testmod(catalogue)

    assert result.attempted > 0
    assert result.failed == 0
