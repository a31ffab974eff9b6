"""ISO 3166-2 subdivisions (provinces) from pycountry, e.g. ID-JB for Jawa Barat."""

from __future__ import annotations

from functools import cache

import pycountry


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
    return dict(sorted(((s.code, s.name) for s in top), key=lambda item: item[1]))


def subdivision_name(code: str) -> str:
    if not code:
        return ""
    country = code.split("-", 1)[0]
    return subdivisions(country).get(code, code)


def province_choices() -> list[tuple[str, str]]:
    """Indonesian provinces for select inputs (other countries are validated, not listed)."""
    return list(subdivisions("ID").items())
