"""Existing data onto the KPBU model: retired development sectors, free-text units, KPS- codes.

Runs forwards only in meaning: the old sector codes and units are gone from the code lists, so
going back leaves the new values in place (a no-op), which the old code reads as unknown.
"""

from django.conf import settings
from django.db import migrations

#: Words in a title that tell a former "sanitation" partnership's kind.
WASTEWATER_WORDS = ("limbah", "sewer", "wastewater", "waste water", "spald", "ipal", "tinja")
ENERGY_RENEWABLE_WORDS = ("surya", "solar", "angin", "wind", "panas bumi", "geothermal", "biomass")
ENERGY_CONSERVATION_WORDS = ("penerangan", "street light", "lighting", "konservasi energi", "pju")

UNIT_ALIASES = {
    "person-day": "person-days",
    "person days": "person-days",
    "hari-orang": "person-days",
    "orang-hari": "person-days",
    "oh": "person-days",
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
UNITS = {
    "person-days",
    "person-months",
    "people",
    "households",
    "hours",
    "sessions",
    "months",
    "ha",
    "m2",
    "m3",
    "litres",
    "km",
    "kg",
    "tonnes",
    "MWh",
    "units",
    "packages",
    "vehicles",
    "buildings",
    "beds",
    "datasets",
    "articles",
}


def _sector(old: str, title: str, form: str) -> str:
    text = title.lower()
    if old == "sanitation":
        return "wastewater_central" if any(w in text for w in WASTEWATER_WORDS) else "solid_waste"
    if old == "energy":
        if any(w in text for w in ENERGY_CONSERVATION_WORDS):
            return "energy_conservation"
        if any(w in text for w in ENERGY_RENEWABLE_WORDS):
            return "oil_gas_renewables"
        return "electricity"
    if old in ("social_services", "poverty"):
        return "social_protection"
    if old == "education" and form == "ppp":
        return "education_facility"
    return old


def forwards(apps, schema_editor):
    Partnership = apps.get_model("partnerships", "Partnership")
    Need = apps.get_model("partnerships", "Need")
    retired = ("sanitation", "energy", "social_services", "poverty", "education")
    for p in Partnership.objects.filter(development_sector__in=retired).only(
        "id", "title", "form", "development_sector"
    ):
        new = _sector(p.development_sector, p.title, p.form)
        if new != p.development_sector:
            Partnership.objects.filter(pk=p.pk).update(development_sector=new)
    # The OCID of a native partnership is derived from its code: a renamed partnership keeps
    # the one it was published under (an OCID never changes), stored explicitly.
    prefix = getattr(settings, "MITRA_OCID_PREFIX", "ocds-mitra00")
    for p in Partnership.objects.filter(code__startswith="KPS-").only("id", "code", "ocid"):
        Partnership.objects.filter(pk=p.pk).update(
            code="KPSos-" + p.code[len("KPS-") :], ocid=p.ocid or f"{prefix}-{p.code}"
        )
    for need in Need.objects.exclude(unit="").exclude(unit__in=UNITS).only("id", "unit"):
        key = need.unit.strip()
        code = next((u for u in UNITS if u.lower() == key.lower()), None)
        code = code or UNIT_ALIASES.get(key.lower(), "units")
        Need.objects.filter(pk=need.pk).update(unit=code)


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0004_kpbu_model")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
