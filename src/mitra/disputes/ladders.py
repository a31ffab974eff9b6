"""Escalation ladders of the agreements Mitra knows, each rung with its deadline in days.

- ``kpbu``: the standard KPBU agreement (Perpres 38/2015 and its implementing rules, Permen
  PPN 2/2020 / Peraturan LKPP 19/2015 as amended): musyawarah mufakat, then an independent expert
  (dewan sengketa), then arbitration at BANI (UU 30/1999: an award within 180 days).
- ``concession``: a toll-road concession (PPJT) as the KPBU ladder, with a steering committee of
  BPJT and the BUJT before the expert.
- ``cooperation``: a regional cooperation agreement (PP 28/2018): musyawarah, the steering
  committee, mediation by the governor or the Minister of Home Affairs, then the court.
- ``psp``: a PSP or CSR/TJSL agreement (usually a non-binding MoU): negotiation, the steering
  committee, and mediation as the last step.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from .models import Rung

LADDERS: dict[str, dict[str, Any]] = {
    "kpbu": {
        "label": _("KPBU agreement (Perpres 38/2015, BANI arbitration)"),
        "ladder": [
            {"rung": Rung.NEGOTIATION.value, "days": 30},
            {"rung": Rung.EXPERT.value, "days": 60},
            {"rung": Rung.ARBITRATION.value, "days": 180},
        ],
    },
    "concession": {
        "label": _("Toll-road concession (PPJT, BANI arbitration)"),
        "ladder": [
            {"rung": Rung.NEGOTIATION.value, "days": 30},
            {"rung": Rung.STEERING.value, "days": 30},
            {"rung": Rung.EXPERT.value, "days": 60},
            {"rung": Rung.ARBITRATION.value, "days": 180},
        ],
    },
    "cooperation": {
        "label": _("Regional cooperation agreement (PP 28/2018, then the court)"),
        "ladder": [
            {"rung": Rung.NEGOTIATION.value, "days": 30},
            {"rung": Rung.STEERING.value, "days": 30},
            {"rung": Rung.MEDIATION.value, "days": 60},
            {"rung": Rung.COURT.value, "days": 365},
        ],
    },
    "psp": {
        "label": _("PSP or CSR (TJSL) agreement, ending in mediation"),
        "ladder": [
            {"rung": Rung.NEGOTIATION.value, "days": 14},
            {"rung": Rung.STEERING.value, "days": 30},
            {"rung": Rung.MEDIATION.value, "days": 60},
        ],
    },
}


def default_template(partnership: Any) -> str:
    """The template that fits the partnership's agreement."""
    agreement = getattr(partnership, "agreement_type", "")
    if agreement == "concession" or getattr(partnership, "development_sector", "") == "toll_road":
        return "concession" if partnership.form == "ppp" else "psp"
    if partnership.form == "ppp" or agreement == "kpbu_agreement":
        return "kpbu"
    if agreement == "cooperation":
        return "cooperation"
    return "psp"


def ladder_of(key: str) -> list[dict[str, Any]]:
    return [dict(step) for step in LADDERS[key]["ladder"]]


def rung_label(step: dict[str, Any]) -> str:
    return str(Rung(step["rung"]).label) if step.get("rung") in Rung.values else "?"
