"""The reader's time zone: WIB, WITA or WIT from their organisation's province.

Times are stored in UTC (``USE_TZ``) and shown in the reader's zone with its abbreviation
(``4 Des 2026 14.05 WIB``). Indonesia has three zones (Peraturan Presiden 41/1987): WIB
(Asia/Jakarta, UTC+7) for Sumatera, Jawa, West and Central Kalimantan; WITA (Asia/Makassar,
UTC+8) for Bali, Nusa Tenggara, South, East and North Kalimantan and Sulawesi; WIT
(Asia/Jayapura, UTC+9) for Maluku and Papua. The reader's zone comes from the province of their
first organisation; WIB when there is none (anonymous readers, platform staff); for an
organisation outside Indonesia, its country's zone when the country has one, else UTC.
"""

from __future__ import annotations

import zoneinfo
from functools import cache
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

WIB = "Asia/Jakarta"
WITA = "Asia/Makassar"
WIT = "Asia/Jayapura"
DEFAULT_ZONE = WIB

#: ISO 3166-2:ID province → IANA zone, all 38 provinces.
PROVINCE_ZONES: dict[str, str] = {
    # WIB: Sumatera, Jawa, Kalimantan Barat and Tengah
    "ID-AC": WIB,  # Aceh
    "ID-SU": WIB,  # Sumatera Utara
    "ID-SB": WIB,  # Sumatera Barat
    "ID-RI": WIB,  # Riau
    "ID-KR": WIB,  # Kepulauan Riau
    "ID-JA": WIB,  # Jambi
    "ID-BE": WIB,  # Bengkulu
    "ID-SS": WIB,  # Sumatera Selatan
    "ID-BB": WIB,  # Kepulauan Bangka Belitung
    "ID-LA": WIB,  # Lampung
    "ID-BT": WIB,  # Banten
    "ID-JK": WIB,  # Jakarta
    "ID-JB": WIB,  # Jawa Barat
    "ID-JT": WIB,  # Jawa Tengah
    "ID-YO": WIB,  # Yogyakarta
    "ID-JI": WIB,  # Jawa Timur
    "ID-KB": WIB,  # Kalimantan Barat (Asia/Pontianak in the tz database, also WIB)
    "ID-KT": WIB,  # Kalimantan Tengah
    # WITA: Bali, Nusa Tenggara, Kalimantan Selatan, Timur and Utara, Sulawesi
    "ID-BA": WITA,  # Bali
    "ID-NB": WITA,  # Nusa Tenggara Barat
    "ID-NT": WITA,  # Nusa Tenggara Timur
    "ID-KS": WITA,  # Kalimantan Selatan
    "ID-KI": WITA,  # Kalimantan Timur
    "ID-KU": WITA,  # Kalimantan Utara
    "ID-SA": WITA,  # Sulawesi Utara
    "ID-GO": WITA,  # Gorontalo
    "ID-ST": WITA,  # Sulawesi Tengah
    "ID-SR": WITA,  # Sulawesi Barat
    "ID-SN": WITA,  # Sulawesi Selatan
    "ID-SG": WITA,  # Sulawesi Tenggara
    # WIT: Maluku and Papua
    "ID-MA": WIT,  # Maluku
    "ID-MU": WIT,  # Maluku Utara
    "ID-PA": WIT,  # Papua
    "ID-PB": WIT,  # Papua Barat
    "ID-PD": WIT,  # Papua Barat Daya
    "ID-PE": WIT,  # Papua Pegunungan
    "ID-PS": WIT,  # Papua Selatan
    "ID-PT": WIT,  # Papua Tengah
}


@cache
def _country_zone(country: str) -> str:
    """The zone of a country that has only one (Babel's CLDR data), else UTC."""
    from babel.core import get_global

    zones = get_global("territory_zones").get(country.upper(), [])
    return zones[0] if len(zones) == 1 else "UTC"


def zone_name(country: str | None, province: str | None) -> str:
    """The IANA zone for an organisation's country and province."""
    country = (str(country or "") or "ID").upper()
    if country == "ID":
        return PROVINCE_ZONES.get((province or "").upper(), DEFAULT_ZONE)
    return _country_zone(country)


def user_zone_name(user: Any) -> str:
    """The zone of a user: their first organisation's (by the time they joined it); WIB else."""
    if user is None or not getattr(user, "is_authenticated", False):
        return DEFAULT_ZONE
    membership = (
        user.org_memberships.select_related("organisation").order_by("created_at", "pk").first()
    )
    if membership is None:
        return DEFAULT_ZONE
    org = membership.organisation
    return zone_name(str(org.country), org.province)


#: The session key holding the reader's zone, set when they sign in (no query per request).
SESSION_KEY = "mitra_time_zone"


def remember_zone(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """``user_logged_in`` receiver: keeps the user's zone in their session."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = user_zone_name(user)


def request_zone_name(request: HttpRequest) -> str:
    """The zone of the reader of a request (from the session; computed once if absent)."""
    user = getattr(request, "user", None)
    if user is None or not getattr(user, "is_authenticated", False):
        return DEFAULT_ZONE
    session = getattr(request, "session", None)
    name = session.get(SESSION_KEY) if session is not None else None
    if not name or not isinstance(name, str):
        name = user_zone_name(user)
        if session is not None:
            session[SESSION_KEY] = name
    return str(name)


def activate_for(request: HttpRequest) -> None:
    try:
        zone = zoneinfo.ZoneInfo(request_zone_name(request))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo(DEFAULT_ZONE)
    timezone.activate(zone)
