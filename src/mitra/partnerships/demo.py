"""Demo data: realistic Indonesian partnerships, built only through the services.

Run by `mitra demo` (and by `make run` when the database is empty); never created otherwise.
Organisation and company names are fictional unless they are public institutions; every amount
is illustrative, not a figure of any real project.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction

from mitra.core.choices import Confidentiality
from mitra.organisations.models import Organisation, OrganisationRole
from mitra.organisations.services import organisation_add_user

from . import services
from .models import Partnership, PartnershipMember, Role, Stage, Visibility

DEMO_PASSWORD = "mitra-demo"

#: (username, organisation key or None, role, description) of the documented demo logins.
DEMO_LOGINS = [
    ("pemda", "jabar", OrganisationRole.ADMIN, "Pemprov Jawa Barat admin — leads the school PSP"),
    ("lsm", "pantau", OrganisationRole.ADMIN, "NGO admin — monitors resettlement on the toll road"),
    ("swasta", "agro", OrganisationRole.ADMIN, "Company admin — CSR funder and agritech partner"),
    ("kampus", "unr", OrganisationRole.ADMIN, "University admin — Triple Helix and Pentahelix"),
    ("admin", None, None, "Platform staff (Django admin)"),
]

ORGANISATIONS: dict[str, dict[str, Any]] = {
    "pu": dict(
        name="Kementerian Pekerjaan Umum",
        short_name="Kemen PU",
        sector="public",
        kind="ministry",
        province="ID-JK",
        website="https://pu.go.id",
        description_ind="Kementerian yang menjadi PJPK proyek jalan tol.",
        description_en="Ministry acting as contracting agency (PJPK) for toll roads.",
        expertise=["toll roads", "land acquisition"],
        resource_types=["land", "cash"],
    ),
    "mtp": dict(
        name="PT Marga Trans Priangan",
        short_name="MTP",
        sector="private",
        kind="project_company",
        province="ID-JB",
        description_ind="Badan Usaha Pelaksana (konsorsium) jalan tol.",
        description_en="Project company (consortium SPV) of the toll road.",
        expertise=["toll operation", "construction"],
        resource_types=["cash", "expertise"],
    ),
    "bni": dict(
        name="Bank Infrastruktur Nusantara",
        short_name="BIN",
        sector="private",
        kind="bank",
        province="ID-JK",
        expertise=["project finance"],
        resource_types=["cash"],
    ),
    "pii": dict(
        name="PT Penjaminan Infrastruktur Indonesia (Persero)",
        short_name="PT PII",
        sector="public",
        kind="soe",
        province="ID-JK",
        website="https://www.iigf.co.id",
        expertise=["government guarantee"],
        resource_types=["cash"],
    ),
    "pantau": dict(
        name="Yayasan Pemantau Pemukiman Adil",
        short_name="YPPA",
        sector="social",
        kind="ngo",
        province="ID-JB",
        description_ind="LSM pemantau pemukiman kembali dan hak warga terdampak.",
        description_en="NGO monitoring resettlement and the rights of affected people.",
        expertise=["resettlement monitoring", "community engagement"],
        resource_types=["expertise", "network"],
    ),
    "sda": dict(
        name="Pemerintah Kabupaten Sidoarjo",
        short_name="Pemkab Sidoarjo",
        sector="public",
        kind="regional_government",
        province="ID-JI",
        resource_types=["land", "cash"],
    ),
    "medika": dict(
        name="PT Medika Husada Nusantara",
        short_name="MHN",
        sector="private",
        kind="project_company",
        province="ID-JI",
        expertise=["hospital operation"],
        resource_types=["cash", "equipment", "expertise"],
    ),
    "jabar": dict(
        name="Pemerintah Provinsi Jawa Barat — Dinas Pendidikan",
        short_name="Disdik Jabar",
        sector="public",
        kind="regional_government",
        province="ID-JB",
        description_ind="Dinas pendidikan provinsi, pemimpin kemitraan sekolah.",
        description_en="Provincial education office, lead of the school partnership.",
        expertise=["school management"],
        resource_types=["facilities", "cash"],
    ),
    "cerdas": dict(
        name="Yayasan Cerdas Bangsa",
        short_name="YCB",
        sector="social",
        kind="foundation",
        province="ID-JB",
        expertise=["teacher training"],
        resource_types=["expertise", "network"],
    ),
    "agro": dict(
        name="PT Agro Digital Nusantara",
        short_name="Agrodina",
        sector="private",
        kind="company",
        province="ID-JT",
        description_ind="Perusahaan agritech; unit TJSL mendanai program pendidikan.",
        description_en="Agritech company; its CSR unit funds education programmes.",
        expertise=["agritech", "IoT sensors"],
        resource_types=["cash", "equipment", "data_ip"],
    ),
    "jateng": dict(
        name="Pemerintah Provinsi Jawa Tengah",
        short_name="Pemprov Jateng",
        sector="public",
        kind="regional_government",
        province="ID-JT",
        resource_types=["land", "network"],
    ),
    "unr": dict(
        name="Universitas Nusantara Raya",
        short_name="UNR",
        sector="academia",
        kind="university",
        province="ID-JT",
        expertise=["agronomy", "tourism studies"],
        resource_types=["expertise", "data_ip"],
    ),
    "bwi": dict(
        name="Pemerintah Kabupaten Banyuwangi",
        short_name="Pemkab Banyuwangi",
        sector="public",
        kind="regional_government",
        province="ID-JI",
        resource_types=["facilities", "network"],
    ),
    "pokdarwis": dict(
        name="Pokdarwis Desa Wisata Kemiren",
        short_name="Pokdarwis Kemiren",
        sector="social",
        kind="community",
        province="ID-JI",
        expertise=["homestay", "Osing culture"],
        resource_types=["facilities"],
    ),
    "radar": dict(
        name="Radar Nusantara Media",
        short_name="Radar",
        sector="media",
        kind="media_outlet",
        province="ID-JI",
        resource_types=["network"],
    ),
    "lestari": dict(
        name="PT Wisata Lestari Indonesia",
        short_name="Wisata Lestari",
        sector="private",
        kind="company",
        province="ID-BA",
        resource_types=["cash", "expertise"],
    ),
}


def _pdf(title: str) -> ContentFile[bytes]:
    """A tiny valid one-page PDF with the title, so demo downloads open in a viewer."""
    text = title.replace("(", "[").replace(")", "]")
    stream = f"BT /F1 14 Tf 72 760 Td ({text}) Tj 0 -20 Td (Mitra demo document) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return ContentFile(out, name=f"{title[:40].replace(' ', '-').lower()}.pdf")


def _login_for(org_key: str) -> str:
    """The documented login of an organisation, else `<key>-admin` (same password)."""
    for username, key, *_ in DEMO_LOGINS:
        if key == org_key:
            return username
    return f"{org_key}-admin"


def all_logins() -> list[tuple[str, str | None]]:
    """(username, organisation key) for every demo user: documented ones, then one per org."""
    documented = [(username, key) for username, key, *_ in DEMO_LOGINS]
    covered = {key for _, key in documented}
    return documented + [(f"{key}-admin", key) for key in ORGANISATIONS if key not in covered]


@dataclass
class Ctx:
    users: dict[str, Any]
    orgs: dict[str, Organisation]

    def admin_of(self, org_key: str) -> Any:
        return self.users[_login_for(org_key)]


def _member(p: Partnership, org: Organisation) -> PartnershipMember:
    return p.members.get(organisation=org)


def _build_partnership(ctx: Ctx, spec: dict[str, Any]) -> Partnership:
    lead_key = spec["lead"]
    actor = ctx.admin_of(lead_key)
    p = services.partnership_create(
        actor=actor,
        lead_organisation=ctx.orgs[lead_key],
        data=spec["data"],
        lead_roles=spec.get("lead_roles", []),
    )
    for org_key, roles in spec.get("members", []):
        services.member_add(
            actor=actor,
            partnership=p,
            organisation=ctx.orgs[org_key],
            roles=roles,
            joined_on=spec["data"].get("start_date"),
        )
    if spec.get("stage"):
        p.refresh_from_db()
        services.partnership_update(
            actor=actor, partnership=p, expected_version=p.version, data={"stage": spec["stage"]}
        )
    documents: dict[str, Any] = {}
    for doc in spec.get("documents", []):
        org_key = doc.pop("org")
        member = _member(p, ctx.orgs[org_key])
        key = doc.pop("key", doc["title"])
        documents[key] = services.document_create(
            actor=ctx.admin_of(org_key), member=member, data=doc, file=_pdf(doc["title"])
        )
    for need_spec in spec.get("needs", []):
        need_spec = dict(need_spec)
        commitments = need_spec.pop("commitments", [])
        need = services.need_create(actor=actor, partnership=p, data=need_spec)
        for c in commitments:
            c = dict(c)
            org_key = c.pop("org")
            deliveries = c.pop("deliveries", [])
            member = _member(p, ctx.orgs[org_key])
            org_actor = ctx.admin_of(org_key)
            commitment = services.commitment_create(
                actor=org_actor, need=need, member=member, data=c
            )
            for d in deliveries:
                d = dict(d)
                if "evidence" in d:
                    d["evidence"] = documents[d["evidence"]]
                services.delivery_create(actor=org_actor, commitment=commitment, data=d)
    for org_key, text, sdg, weight, *conf in spec.get("objectives", []):
        services.objective_create(
            actor=ctx.admin_of(org_key),
            member=_member(p, ctx.orgs[org_key]),
            data={
                "text": text,
                "sdg": sdg,
                "weight": weight,
                "confidentiality": conf[0] if conf else Confidentiality.PARTNERS,
            },
        )
    return p


D = datetime.date
M = Decimal


def partnership_specs() -> list[dict[str, Any]]:
    return [
        {
            "lead": "pu",
            "lead_roles": [Role.CONTRACTING_AGENCY],
            "data": {
                "title_ind": "KPBU Jalan Tol Bandung–Garut Selatan",
                "title_en": "Bandung–South Garut Toll Road PPP",
                "summary_ind": "Jalan tol 42 km dengan skema pengembalian investasi dari tarif tol, "
                "dukungan kelayakan (VGF) dan penjaminan PT PII.",
                "summary_en": "A 42 km toll road recovered through tolls, with viability gap "
                "funding and a PT PII guarantee.",
                "form": "ppp",
                "development_sector": "toll_road",
                "province": "ID-JB",
                "regency": "Kabupaten Garut",
                "visibility": Visibility.PUBLIC,
                "estimated_value": M("9850000000000.00"),
                "currency": "IDR",
                "sdgs": [9, 11],
                "start_date": D(2025, 3, 1),
                "end_date": D(2060, 2, 28),
            },
            "members": [
                ("mtp", [Role.PROJECT_COMPANY, Role.OPERATOR]),
                ("bni", [Role.FINANCIER]),
                ("pii", [Role.GUARANTOR]),
                ("pantau", [Role.COMMUNITY_LIAISON, Role.BENEFICIARY_REPRESENTATIVE]),
            ],
            "stage": Stage.CONSTRUCTION,
            "documents": [
                {
                    "org": "pu",
                    "key": "pks",
                    "title": "Perjanjian KPBU Jalan Tol",
                    "doc_type": "contract",
                    "revision": "1.0",
                    "confidentiality": Confidentiality.PUBLIC,
                },
                {
                    "org": "pantau",
                    "key": "resettle",
                    "title": "Laporan Pemantauan Pemukiman Kembali Q1",
                    "doc_type": "report",
                    "confidentiality": Confidentiality.PUBLIC,
                },
                {
                    "org": "mtp",
                    "key": "fm",
                    "title": "Model Keuangan BUP",
                    "doc_type": "financial_model",
                    "revision": "3.2",
                    "confidentiality": Confidentiality.OWNER,
                },
                {
                    "org": "mtp",
                    "key": "equity",
                    "title": "Bukti Setoran Ekuitas Tahap 1",
                    "doc_type": "evidence",
                    "confidentiality": Confidentiality.PARTNERS,
                },
            ],
            "needs": [
                {
                    "title": "Ekuitas BUP",
                    "resource_type": "cash",
                    "quantity": M("2955000000000.00"),
                    "currency": "IDR",
                    "due_date": D(2026, 12, 31),
                    "commitments": [
                        {
                            "org": "mtp",
                            "quantity": M("2955000000000.00"),
                            "deliveries": [
                                {
                                    "delivered_on": D(2025, 6, 30),
                                    "quantity": M("1200000000000.00"),
                                    "evidence": "equity",
                                }
                            ],
                        }
                    ],
                },
                {
                    "title": "Pinjaman senior",
                    "resource_type": "cash",
                    "quantity": M("6895000000000.00"),
                    "currency": "IDR",
                    "commitments": [
                        {
                            "org": "bni",
                            "quantity": M("5500000000000.00"),
                            "confidentiality": Confidentiality.PARTNERS,
                            "deliveries": [
                                {"delivered_on": D(2025, 9, 15), "quantity": M("1500000000000.00")}
                            ],
                        }
                    ],
                },
                {
                    "title": "Lahan untuk trase",
                    "resource_type": "land",
                    "quantity": M("310.00"),
                    "unit": "ha",
                    "commitments": [
                        {
                            "org": "pu",
                            "quantity": M("310.00"),
                            "deliveries": [
                                {"delivered_on": D(2025, 11, 1), "quantity": M("248.50")}
                            ],
                        }
                    ],
                },
                {
                    "title": "Pemantauan pemukiman kembali",
                    "resource_type": "expertise",
                    "quantity": M("480.00"),
                    "unit": "person-days",
                    "commitments": [
                        {
                            "org": "pantau",
                            "quantity": M("360.00"),
                            "confidentiality": Confidentiality.PUBLIC,
                            "deliveries": [
                                {
                                    "delivered_on": D(2026, 3, 31),
                                    "quantity": M("90.00"),
                                    "evidence": "resettle",
                                }
                            ],
                        }
                    ],
                },
            ],
            "objectives": [
                ("pu", "Jalan tol beroperasi tepat waktu dengan tarif terjangkau", 9, 90),
                ("mtp", "Equity IRR proyek minimal 12%", 8, 95, Confidentiality.OWNER),
                ("mtp", "Konstruksi selesai dalam 36 bulan", 9, 70),
                (
                    "pantau",
                    "Semua warga terdampak dimukimkan kembali dengan layak",
                    11,
                    100,
                    Confidentiality.PUBLIC,
                ),
                ("bni", "Rasio DSCR minimal 1,3", 8, 80),
            ],
        },
        {
            "lead": "sda",
            "lead_roles": [Role.CONTRACTING_AGENCY],
            "data": {
                "title_ind": "KPBU RSUD Sidoarjo Barat",
                "title_en": "West Sidoarjo Regional Hospital PPP",
                "summary_ind": "Pembangunan dan pengoperasian layanan non-klinis rumah sakit 300 tempat "
                "tidur dengan pembayaran ketersediaan layanan (AP).",
                "summary_en": "Build and run the non-clinical services of a 300-bed hospital, paid "
                "through availability payments.",
                "form": "ppp",
                "development_sector": "health",
                "province": "ID-JI",
                "regency": "Kabupaten Sidoarjo",
                "visibility": Visibility.PARTNERS,
                "estimated_value": M("1450000000000.00"),
                "currency": "IDR",
                "sdgs": [3],
                "start_date": D(2026, 1, 15),
            },
            "members": [
                ("medika", [Role.PROJECT_COMPANY, Role.OPERATOR]),
                ("bni", [Role.FINANCIER]),
            ],
            "stage": Stage.TRANSACTION,
            "needs": [
                {
                    "title": "Peralatan medis",
                    "resource_type": "equipment",
                    "quantity": M("1200.00"),
                    "unit": "units",
                    "commitments": [{"org": "medika", "quantity": M("900.00")}],
                },
                {
                    "title": "Lahan rumah sakit",
                    "resource_type": "land",
                    "quantity": M("6.50"),
                    "unit": "ha",
                    "commitments": [{"org": "sda", "quantity": M("6.50")}],
                },
            ],
            "objectives": [("sda", "Layanan rumah sakit rujukan untuk 1 juta penduduk", 3, 100)],
        },
        {
            "lead": "jabar",
            "lead_roles": [Role.FUNDER],
            "data": {
                "title_ind": "Kemitraan Sekolah Penggerak Jawa Barat",
                "title_en": "West Java Driving Schools Partnership",
                "summary_ind": "Dinas pendidikan, yayasan dan program TJSL perusahaan meningkatkan mutu "
                "60 SMP di daerah tertinggal.",
                "summary_en": "The education office, a foundation and a company's CSR programme raise "
                "the quality of 60 lower-secondary schools in lagging districts.",
                "form": "psp",
                "development_sector": "education",
                "province": "ID-JB",
                "regency": "Kabupaten Cianjur",
                "visibility": Visibility.PUBLIC,
                "estimated_value": M("42500000000.00"),
                "currency": "IDR",
                "sdgs": [4, 10, 17],
                "start_date": D(2026, 7, 1),
                "end_date": D(2029, 6, 30),
            },
            "members": [("cerdas", [Role.IMPLEMENTER]), ("agro", [Role.FUNDER])],
            "stage": Stage.OPERATION,
            "documents": [
                {
                    "org": "jabar",
                    "key": "mou",
                    "title": "Nota Kesepahaman Sekolah Penggerak",
                    "doc_type": "agreement",
                    "confidentiality": Confidentiality.PUBLIC,
                },
                {
                    "org": "cerdas",
                    "key": "training",
                    "title": "Laporan Pelatihan Guru Semester 1",
                    "doc_type": "evidence",
                    "confidentiality": Confidentiality.PARTNERS,
                },
                {
                    "org": "agro",
                    "key": "csr",
                    "title": "Anggaran TJSL Internal 2026",
                    "doc_type": "financial_model",
                    "confidentiality": Confidentiality.OWNER,
                },
            ],
            "needs": [
                {
                    "title": "Dana peningkatan sarana",
                    "resource_type": "cash",
                    "quantity": M("18000000000.00"),
                    "currency": "IDR",
                    "commitments": [
                        {
                            "org": "jabar",
                            "quantity": M("10000000000.00"),
                            "confidentiality": Confidentiality.PUBLIC,
                            "deliveries": [
                                {"delivered_on": D(2026, 8, 1), "quantity": M("4000000000.00")}
                            ],
                        },
                        {
                            "org": "agro",
                            "quantity": M("5000000000.00"),
                            "confidentiality": Confidentiality.PARTNERS,
                            "deliveries": [
                                {"delivered_on": D(2026, 9, 10), "quantity": M("1500000000.00")}
                            ],
                        },
                    ],
                },
                {
                    "title": "Pelatihan guru",
                    "resource_type": "expertise",
                    "quantity": M("1800.00"),
                    "unit": "person-days",
                    "commitments": [
                        {
                            "org": "cerdas",
                            "quantity": M("1500.00"),
                            "deliveries": [
                                {
                                    "delivered_on": D(2026, 10, 30),
                                    "quantity": M("420.00"),
                                    "evidence": "training",
                                }
                            ],
                        }
                    ],
                },
                {
                    "title": "Perangkat TIK untuk sekolah",
                    "resource_type": "equipment",
                    "quantity": M("600.00"),
                    "unit": "laptops",
                    "commitments": [
                        {
                            "org": "agro",
                            "quantity": M("250.00"),
                            "confidentiality": Confidentiality.OWNER,
                        }
                    ],
                },
            ],
            "objectives": [
                (
                    "jabar",
                    "Skor asesmen nasional naik 10 poin dalam 3 tahun",
                    4,
                    100,
                    Confidentiality.PUBLIC,
                ),
                ("cerdas", "Guru menerapkan pembelajaran aktif di setiap kelas", 4, 90),
                ("agro", "Program TJSL terukur dan terlihat di laporan keberlanjutan", 17, 70),
                ("agro", "Biaya TJSL per siswa di bawah Rp 300.000", 17, 60, Confidentiality.OWNER),
            ],
        },
        {
            "lead": "jateng",
            "lead_roles": [Role.REGULATOR],
            "data": {
                "title_ind": "Inovasi Pertanian Presisi Jawa Tengah",
                "title_en": "Central Java Precision Agriculture Innovation",
                "summary_ind": "Pemprov, perusahaan agritech dan universitas menguji sensor tanah dan "
                "layanan penasihat bagi 2.000 petani padi.",
                "summary_en": "The province, an agritech company and a university trial soil sensors "
                "and advisory services with 2,000 rice farmers.",
                "form": "triple_helix",
                "development_sector": "agriculture",
                "province": "ID-JT",
                "regency": "Kabupaten Klaten",
                "visibility": Visibility.PARTNERS,
                "estimated_value": M("7800000000.00"),
                "currency": "IDR",
                "sdgs": [2, 9],
                "start_date": D(2026, 2, 1),
            },
            "members": [
                ("agro", [Role.TECHNICAL_PARTNER, Role.FUNDER]),
                ("unr", [Role.RESEARCH_PARTNER]),
            ],
            "stage": Stage.PREPARATION,
            "needs": [
                {
                    "title": "Sensor tanah IoT",
                    "resource_type": "equipment",
                    "quantity": M("500.00"),
                    "unit": "sensors",
                    "commitments": [
                        {
                            "org": "agro",
                            "quantity": M("500.00"),
                            "deliveries": [
                                {"delivered_on": D(2026, 5, 1), "quantity": M("200.00")}
                            ],
                        }
                    ],
                },
                {
                    "title": "Riset agronomi",
                    "resource_type": "expertise",
                    "quantity": M("400.00"),
                    "unit": "person-days",
                    "commitments": [{"org": "unr", "quantity": M("300.00")}],
                },
                {
                    "title": "Data lahan dan panen",
                    "resource_type": "data_ip",
                    "quantity": M("1.00"),
                    "unit": "dataset",
                    "commitments": [{"org": "jateng", "quantity": M("1.00")}],
                },
            ],
            "objectives": [
                ("jateng", "Produktivitas padi naik 15%", 2, 100),
                ("agro", "Model bisnis layanan sensor yang layak", 9, 80),
                ("unr", "Tiga publikasi ilmiah dan data terbuka", 9, 70),
            ],
        },
        {
            "lead": "bwi",
            "lead_roles": [Role.REGULATOR],
            "data": {
                "title_ind": "Pentahelix Desa Wisata Kemiren",
                "title_en": "Kemiren Tourism Village Pentahelix",
                "summary_ind": "Pemkab, pokdarwis, universitas, media dan pelaku usaha mengembangkan "
                "desa wisata budaya Osing.",
                "summary_en": "Regency, community group, university, media and business develop an "
                "Osing cultural tourism village.",
                "form": "pentahelix",
                "development_sector": "tourism",
                "province": "ID-JI",
                "regency": "Kabupaten Banyuwangi",
                "visibility": Visibility.DRAFT,
                "estimated_value": M("3200000000.00"),
                "currency": "IDR",
                "sdgs": [8, 11],
            },
            "members": [
                ("pokdarwis", [Role.IMPLEMENTER, Role.BENEFICIARY_REPRESENTATIVE]),
                ("unr", [Role.RESEARCH_PARTNER]),
                ("radar", [Role.MEDIA_PARTNER]),
                ("lestari", [Role.FUNDER]),
            ],
            "needs": [
                {
                    "title": "Renovasi homestay",
                    "resource_type": "cash",
                    "quantity": M("1500000000.00"),
                    "currency": "IDR",
                    "commitments": [{"org": "lestari", "quantity": M("600000000.00")}],
                },
                {
                    "title": "Liputan promosi",
                    "resource_type": "network",
                    "quantity": M("24.00"),
                    "unit": "articles",
                    "commitments": [{"org": "radar", "quantity": M("12.00")}],
                },
            ],
            "objectives": [
                ("pokdarwis", "Pendapatan warga dari wisata naik dua kali lipat", 8, 100)
            ],
        },
    ]


@transaction.atomic
def load_demo() -> dict[str, Any]:
    """Create the demo organisations, users and partnerships. Returns what was created."""
    User = get_user_model()
    users: dict[str, Any] = {}
    for username, _key in all_logins():
        users[username] = User.objects.create_user(
            username=username, password=DEMO_PASSWORD, email=f"{username}@demo.mitra.invalid"
        )
    admin = users["admin"]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    orgs: dict[str, Organisation] = {}
    for key, data in ORGANISATIONS.items():
        org = Organisation(**data)
        org.full_clean()
        org._history_user = admin  # type: ignore[attr-defined]
        org.save()
        orgs[key] = org
    for username, key in all_logins():
        if key:
            organisation_add_user(
                actor=admin,
                organisation=orgs[key],
                user=users[username],
                role=OrganisationRole.ADMIN,
                system=True,
            )
    ctx = Ctx(users=users, orgs=orgs)
    partnerships = [_build_partnership(ctx, spec) for spec in partnership_specs()]
    return {"users": users, "organisations": orgs, "partnerships": partnerships}
