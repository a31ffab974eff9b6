"""ISO 3166-2 subdivisions (provinces) from pycountry, e.g. ID-JB for Jawa Barat.

Indonesian provinces are named as the Ministry of Home Affairs (Kemendagri) names them, which
is what people read on every government form: pycountry's names (from ISO 3166-2) misspell one
province and use older or shortened names for two others (``OFFICIAL_NAMES``). Those and other
names in use still read as the same province when imported (``subdivision_code``).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import pycountry

#: Official names where ISO 3166-2 (as pycountry ships it) differs; the other 35 provinces'
#: ISO names are their official names. Jakarta keeps "DKI" until the capital formally moves
#: (UU 2/2024 then makes it "Daerah Khusus Jakarta").
OFFICIAL_NAMES: dict[str, str] = {
    "ID-JK": "DKI Jakarta",  # ISO: "Jakarta Raya"
    "ID-YO": "DI Yogyakarta",  # ISO: "Yogyakarta"
    "ID-PE": "Papua Pegunungan",  # ISO (pycountry): "Papua Pengunungan", a misspelling
}

#: Other names in use for a province (long forms, former names, ISO names, common misspellings):
#: accepted when reading data, never shown.
OTHER_NAMES: dict[str, tuple[str, ...]] = {
    "ID-JK": (
        "Jakarta Raya",
        "Daerah Khusus Ibukota Jakarta",
        "Daerah Khusus Ibu Kota Jakarta",
        "Daerah Khusus Jakarta",
        "DK Jakarta",
        "Jakarta",
    ),
    "ID-YO": ("Yogyakarta", "Daerah Istimewa Yogyakarta", "DIY", "Jogjakarta"),
    "ID-PE": ("Papua Pengunungan", "Pegunungan Papua"),
    "ID-AC": ("Nanggroe Aceh Darussalam", "NAD", "Daerah Istimewa Aceh"),
    "ID-BB": ("Bangka Belitung", "Babel"),
    "ID-KR": ("Kepri",),
    "ID-NB": ("NTB",),
    "ID-NT": ("NTT",),
    "ID-PB": ("Irian Jaya Barat",),
    "ID-PA": ("Irian Jaya",),
}


@cache
def subdivisions(country: str) -> dict[str, str]:
    """First-level administrative subdivisions of a country: {code: name}, sorted by name.

    ISO 3166-2:ID groups the provinces under "geographical units" (Jawa, Sumatera, ...) that
    are not administrations, so those are skipped and their children count as first level.
    """
    found = pycountry.subdivisions.get(country_code=country.upper()) or []
    geographic = {s.code for s in found if s.type == "Geographical unit"}
    top = [
        s
        for s in found
        if s.code not in geographic
        and (not getattr(s, "parent_code", None) or s.parent_code in geographic)
    ]
    named = ((s.code, OFFICIAL_NAMES.get(s.code, s.name)) for s in top)
    return dict(sorted(named, key=lambda item: item[1]))


def subdivision_name(code: str) -> str:
    if not code:
        return ""
    country = code.split("-", 1)[0]
    return subdivisions(country).get(code, code)


def province_choices() -> list[tuple[str, str]]:
    """Indonesian provinces for select inputs (other countries are validated, not listed)."""
    return list(subdivisions("ID").items())


def _key(text: str) -> str:
    """Case-, accent- and punctuation-insensitive form of a name."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


@cache
def _names(country: str) -> dict[str, str]:
    codes = subdivisions(country)
    names: dict[str, str] = {}
    for code in codes:
        names[_key(code)] = code
    for code, name in codes.items():
        names[_key(name)] = code
    for s in pycountry.subdivisions.get(country_code=country.upper()) or []:
        if s.code in codes:
            names.setdefault(_key(s.name), s.code)
    for code, others in OTHER_NAMES.items():
        if code in codes:
            for other in others:
                names.setdefault(_key(other), code)
    return names


def subdivision_code(text: str, country: str = "ID") -> str | None:
    """The code of a first-level subdivision given its code, official name or another name in
    use ("Jakarta Raya", "Daerah Istimewa Yogyakarta", "Papua Pengunungan"); None if unknown."""
    names = _names(country.upper())
    key = _key(text)
    # "Provinsi Jawa Barat" and "Prov. Jawa Barat" read as "Jawa Barat".
    for prefix in ("provinsi ", "prov "):
        if key.startswith(prefix) and key[len(prefix) :] in names:
            return names[key[len(prefix) :]]
    return names.get(key)
