"""Demo data of matching: matching profiles for a few organisations, and one open offer: PT Pupuk
Tani Makmur (Persero), whose TJSL programme funds education, offers Rp 2 M towards the Sekolah
Penggerak partnership's school facilities fund, which the partners (Dinas Pendidikan Jawa Barat,
Yayasan Cerdas Bangsa, PT Agro Digital Nusantara) have not yet covered. Logins (password
``mitra-demo``): ``ptm-admin`` made the offer; ``pemda`` (the coordinator) accepts or declines it.

The base demo has no partnership coordinated by an NGO; the browser journey
(``tests/browser/test_matching_journey.py``) shows one. Adding one here would change the eight
partnerships ``tests/test_demo.py`` counts. Illustrative amounts.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import translation

from . import services

PROFILES: dict[str, dict[str, Any]] = {
    "agro": {
        "capabilities_ind": "Unit CSR kami mendanai program gizi balita, sekolah dan petani; "
        "kami menyediakan sensor IoT, perangkat TIK dan data pertanian.",
        "capabilities_en": "Our CSR unit funds child nutrition, schools and farmers; we provide "
        "IoT sensors, ICT equipment and farm data.",
        "regions": ["ID-JT", "ID-JB", "ID-YO"],
        "development_sectors": ["health", "education", "agriculture"],
        "forms": ["csr", "psp", "triple_helix"],
        "annual_capacity": Decimal("6000000000.00"),
        "capacity_currency": "IDR",
    },
    "ptm": {
        "capabilities_ind": "Program TJSL BUMN: pendampingan petani, pupuk, dana bergulir UMKM, "
        "bantuan gizi, beasiswa dan perbaikan sarana sekolah.",
        "capabilities_en": "BUMN TJSL programme: farmer extension, fertiliser, revolving funds "
        "for small businesses, nutrition aid, scholarships and school repairs.",
        "nationwide": True,
        "development_sectors": ["agriculture", "social_protection", "health", "education"],
        "forms": ["csr", "pspp"],
    },
    "cerdas": {
        "capabilities_ind": "Pelatihan guru dan kepala sekolah, pendampingan pembelajaran aktif.",
        "capabilities_en": "Training of teachers and head teachers, coaching in active learning.",
        "regions": ["ID-JB", "ID-BT"],
        "development_sectors": ["education"],
        "forms": ["psp"],
    },
    "unr": {
        "capabilities_ind": "Riset agronomi dan pariwisata, pelatihan, data dan survei lapangan.",
        "capabilities_en": "Agronomy and tourism research, training, data and field surveys.",
        "regions": ["ID-JT", "ID-YO"],
        "development_sectors": ["agriculture", "tourism", "education"],
        "forms": ["triple_helix", "pentahelix"],
    },
    "lensa": {
        "capabilities_ind": "Liputan, kampanye publik dan promosi program sosial.",
        "capabilities_en": "News coverage, public campaigns and promotion of social programmes.",
        "regions": ["ID-JI", "ID-JT"],
        "development_sectors": ["tourism", "health", "education"],
        "forms": ["pentahelix"],
    },
    "smi": {
        "capabilities_ind": "Pembiayaan infrastruktur dan penyiapan proyek KPBU.",
        "capabilities_en": "Infrastructure financing and KPBU project preparation.",
        "nationwide": True,
        "development_sectors": ["toll_road", "health", "water", "electricity"],
        "forms": ["ppp"],
    },
}


def _admin(created: dict[str, Any], key: str) -> Any:
    org = created["organisations"][key]
    return org.memberships.filter(role="admin").select_related("user").order_by("id").first().user


def load(created: dict[str, Any]) -> None:
    """Profiles, then PT Pupuk Tani Makmur's open offer on the school PSP's facilities fund."""
    orgs = created["organisations"]
    school = next(
        (
            p
            for p in created["partnerships"]
            if p.form == "psp" and p.development_sector == "education"
        ),
        None,
    )
    if school is None or "ptm" not in orgs:
        return
    with translation.override("id"), transaction.atomic():
        for key, data in PROFILES.items():
            if key in orgs:
                services.profile_update(
                    actor=_admin(created, key),
                    organisation=orgs[key],
                    data=data,
                    expected_version=None,
                )
        need = school.needs.filter(resource_type="cash").order_by("id").first()
        if need is None or not services.is_open(need):
            return
        services.offer_create(
            actor=_admin(created, "ptm"),
            need=need,
            organisation=orgs["ptm"],
            data={
                "quantity": Decimal("2000000000.00"),
                "terms": "Disalurkan dari anggaran TJSL 2027 dalam dua termin; laporan penggunaan "
                "dana dan foto sarana tiap semester.",
                "message": "Program TJSL kami mendukung pendidikan di daerah tertinggal; kami ingin "
                "ikut mendanai perbaikan ruang kelas dan sanitasi sekolah.",
            },
        )
