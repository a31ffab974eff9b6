"""The funding sources catalogue: eligibility rules as data, checked on a need."""

from __future__ import annotations

from types import SimpleNamespace

from mitra.matching.funding import CATALOGUE, instruments_for


def _fits(**partnership):
    base = dict(
        form="ppp",
        development_sector="toll_road",
        stage="preparation",
        return_mechanism="user_charge",
        estimated_value=None,
        currency="IDR",
    )
    p = SimpleNamespace(**{**base, **partnership})
    need = SimpleNamespace(resource_type=partnership.pop("resource_type", "cash"))
    return {f.instrument.key: f for f in instruments_for(need=need, partnership=p)}


def test_every_instrument_cites_a_source_and_has_both_languages():
    from django.utils import translation

    for instrument in CATALOGUE:
        assert instrument.sources
        with translation.override("en"):
            assert str(instrument.name)


def test_a_toll_road_kpbu_in_preparation_may_draw_on_vgf_and_a_guarantee():
    fits = _fits()
    assert fits["vgf"].fits and fits["pii"].fits and fits["pdf"].fits
    assert not fits["zakat"].fits and not fits["hibah"].fits


def test_vgf_is_not_for_availability_payment_projects():
    fits = _fits(return_mechanism="availability_payment")
    assert not fits["vgf"].fits
    assert [c.ok for c in fits["vgf"].failed] == [False]


def test_an_operating_psp_in_education_may_draw_on_grants_zakat_and_csr():
    fits = _fits(form="psp", development_sector="education", stage="operation")
    assert fits["hibah"].fits and fits["zakat"].fits and fits["csr_forum"].fits
    assert not fits["vgf"].fits and not fits["pdf"].fits


def test_instruments_that_fit_come_first():
    ordered = list(_fits(form="psp", development_sector="education").values())
    fitting = [f.fits for f in ordered]
    assert fitting == sorted(fitting, reverse=True)


def test_every_citation_reads_in_the_readers_language() -> None:
    """A regulation keeps its own title; our words around it ("as amended", what it is about)
    are Indonesian on an Indonesian page."""
    import re

    from django.utils import translation

    from mitra.matching.funding import CATALOGUE

    english = re.compile(r"\b(as amended|on facilities|regulations|that set up)\b")
    with translation.override("id"):
        cited = [str(s.citation) for i in CATALOGUE for s in i.sources]
    assert cited and not [c for c in cited if english.search(c)]
    assert "PMK 260/PMK.011/2010, sebagaimana telah diubah" in cited
    with translation.override("en"):
        assert "PMK 260/PMK.011/2010, as amended" in [
            str(s.citation) for i in CATALOGUE for s in i.sources
        ]
