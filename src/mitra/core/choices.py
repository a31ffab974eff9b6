"""Code lists shared across apps: currencies (ISO 4217), SDGs, confidentiality."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Currency(models.TextChoices):
    """ISO 4217 currencies Mitra accepts for amounts. Extend here; never convert silently."""

    IDR = "IDR", _("Indonesian rupiah (IDR)")
    USD = "USD", _("US dollar (USD)")
    EUR = "EUR", _("Euro (EUR)")
    JPY = "JPY", _("Japanese yen (JPY)")
    SGD = "SGD", _("Singapore dollar (SGD)")
    AUD = "AUD", _("Australian dollar (AUD)")
    CNY = "CNY", _("Chinese yuan (CNY)")


class Confidentiality(models.TextChoices):
    #: Anyone, including anonymous visitors of a public partnership.
    PUBLIC = "public", _("Public")
    #: Users of every member organisation of the partnership.
    PARTNERS = "partners", _("All partners")
    #: Only users of the organisation that owns the record.
    OWNER = "owner", _("Owning organisation only")


class SDG(models.IntegerChoices):
    """The 17 UN Sustainable Development Goals."""

    NO_POVERTY = 1, _("1 · No poverty")
    ZERO_HUNGER = 2, _("2 · Zero hunger")
    HEALTH = 3, _("3 · Good health and well-being")
    EDUCATION = 4, _("4 · Quality education")
    GENDER = 5, _("5 · Gender equality")
    WATER = 6, _("6 · Clean water and sanitation")
    ENERGY = 7, _("7 · Affordable and clean energy")
    WORK = 8, _("8 · Decent work and economic growth")
    INDUSTRY = 9, _("9 · Industry, innovation and infrastructure")
    INEQUALITY = 10, _("10 · Reduced inequalities")
    CITIES = 11, _("11 · Sustainable cities and communities")
    CONSUMPTION = 12, _("12 · Responsible consumption and production")
    CLIMATE = 13, _("13 · Climate action")
    LIFE_WATER = 14, _("14 · Life below water")
    LIFE_LAND = 15, _("15 · Life on land")
    PEACE = 16, _("16 · Peace, justice and strong institutions")
    PARTNERSHIPS = 17, _("17 · Partnerships for the goals")


class Unit(models.TextChoices):
    """Units in which non-cash needs, commitments and deliveries are counted (shown in the
    reader's language; the code is what exports and the API carry)."""

    PERSON_DAYS = "person-days", _("person-days (PD)")
    PERSON_MONTHS = "person-months", _("person-months (PM)")
    PEOPLE = "people", _("people")
    HOUSEHOLDS = "households", _("households")
    HOURS = "hours", _("hours")
    SESSIONS = "sessions", _("sessions")
    MONTHS = "months", _("months")
    HECTARES = "ha", _("hectares (ha)")
    SQUARE_METRES = "m2", _("square metres (m²)")
    CUBIC_METRES = "m3", _("cubic metres (m³)")
    LITRES = "litres", _("litres")
    KILOMETRES = "km", _("kilometres (km)")
    KILOGRAMS = "kg", _("kilograms (kg)")
    TONNES = "tonnes", _("tonnes")
    MWH = "MWh", _("megawatt-hours (MWh)")
    UNITS = "units", _("units")
    PACKAGES = "packages", _("packages")
    VEHICLES = "vehicles", _("vehicles")
    BUILDINGS = "buildings", _("buildings")
    BEDS = "beds", _("hospital beds")
    DATASETS = "datasets", _("datasets")
    ARTICLES = "articles", _("articles")


#: Free-text units written before the code list, and the code they now are.
UNIT_ALIASES: dict[str, str] = {
    "person-day": "person-days",
    "person days": "person-days",
    "hari-orang": "person-days",
    "orang-hari": "person-days",
    "oh": "person-days",
    "pd": "person-days",
    "hectare": "ha",
    "hectares": "ha",
    "hektar": "ha",
    "m²": "m2",
    "m³": "m3",
    "unit": "units",
    "u": "units",
    "laptops": "units",
    "sensors": "units",
    "pupils": "people",
    "students": "people",
    "persons": "people",
    "orang": "people",
    "dataset": "datasets",
    "article": "articles",
    "paket": "packages",
}


def unit_code(text: str) -> str:
    """The code of a unit written as a code, an alias or a label in either language; ""
    when it is none of them."""
    key = (text or "").strip()
    if key in Unit.values:
        return key
    lowered = key.lower()
    for code in Unit.values:
        if code.lower() == lowered:
            return code
    return UNIT_ALIASES.get(lowered, "")


def unit_label(code: str) -> str:
    """A unit code in the reader's language ("person-days" → "orang-hari (OH)"); a currency
    code or an unknown unit as it is."""
    return str(Unit(code).label) if code in Unit.values else (code or "")
