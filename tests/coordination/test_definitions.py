"""The lifecycle files: every one loads, every form has one, and bad files are refused."""

from __future__ import annotations

import json
from typing import Any

import pytest

from mitra.coordination import definitions
from mitra.coordination.definitions import LifecycleError, parse
from mitra.partnerships.models import STAGE_ORDER, DocumentType, PartnershipForm


def test_every_file_loads_and_every_form_has_a_lifecycle() -> None:
    files = {p.stem for p in definitions.DIRECTORY.glob("*.json")}
    assert files == set(definitions.lifecycle_keys())
    for form in PartnershipForm.values:
        assert definitions.FORM_FILES[form] in files
    for key in files:
        lifecycle = definitions.load(key)
        assert lifecycle.stages[-1].stage == "closed"
        for stage in lifecycle.stages:
            for step in stage.steps:
                assert step.label.en and step.label.id and step.source
                assert all(d in DocumentType.values for d in step.documents)


def test_a_kpbu_has_its_regulated_steps_and_financial_close_deadline() -> None:
    kpbu = definitions.load("ppp")
    assert kpbu.stage_codes() == list(STAGE_ORDER)
    assert [s.key for s in kpbu.stage_of("planning").steps] == [
        "kpbu.preliminary_study",
        "kpbu.public_consultation",
        "kpbu.listing",
    ]
    close = kpbu.steps["kpbu.financial_close"]
    assert close.deadline is not None
    assert (close.deadline.after, close.deadline.months, close.deadline.extendable) == (
        "kpbu.signing",
        12,
        True,
    )
    assert "Perpres 38/2015" in close.deadline.source
    unsolicited = definitions.load("ppp_unsolicited")
    assert unsolicited.steps["kpbu_u.proposal"].sign_offs[0].role == "initiator"


def test_a_csr_programme_skips_the_kpbu_stages() -> None:
    csr = definitions.load("csr")
    assert csr.stage_codes() == ["planning", "preparation", "operation", "closed"]
    assert csr.next_stage("preparation") == "operation"
    assert csr.previous_stage("operation") == "preparation"
    assert set(csr.steps["csr.agreement"].documents_any) == {
        "cooperation_agreement",
        "grant_agreement",
        "swakelola_contract",
    }


def _raw(key: str = "ppp") -> Any:
    return json.loads((definitions.DIRECTORY / f"{key}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["stages"][0]["steps"][0].update(label={"en": "x"}), "English and Indonesian"),
        (lambda d: d["stages"][0]["steps"][0].update(sign_offs=[{"role": "boss"}]), "unknown role"),
        (lambda d: d["stages"][0]["steps"][0].update(documents=["memo"]), "unknown document"),
        (lambda d: d["stages"][0]["steps"][0].pop("source"), "legal basis"),
        (lambda d: d["stages"].reverse(), "go forward"),
        (lambda d: d["stages"].pop(), "last stage"),
        (
            lambda d: d["stages"][0]["steps"][0].update(
                deadline={"after": "nowhere", "months": 12, "source": "x"}
            ),
            "deadline",
        ),
    ],
)
def test_a_bad_file_is_refused_with_what_is_wrong(change: Any, message: str) -> None:
    data = _raw()
    change(data)
    with pytest.raises(LifecycleError, match=message):
        parse(data, "ppp")
