"""Demo data: Indonesian partnerships a practitioner finds plausible, built only through the
services.

Run by `mitra demo` (and by `make run` when the database is empty); never created otherwise.
Company, foundation and project names are fictional; public institutions (Kementerian PU and
BPJT, Kementerian Keuangan, PT PII, PT SMI, provincial and regency governments) are real bodies
acting in fictional projects. Every amount is illustrative, not a figure of any real project.

The eight partnerships:

- a toll road KPBU under a PPJT in construction: the Minister of Public Works through BPJT as
  PJPK, a toll road company (BUJT) owned by three sponsors, two lenders, Dukungan Kelayakan
  (VGF) from Kemenkeu, a PT PII guarantee, an independent engineer and an NGO monitoring
  resettlement;
- a regency street-lighting (PJU) KPBU in early preparation: Simpul KPBU, Badan Penyiapan, no
  private partner yet;
- a regional hospital (RSUD) KPBU paid by availability payments, in construction;
- the Sekolah Penggerak public–social partnership, a BUMN's TJSL programme, a company's CSR
  programme with a foundation co-funded by a regional grant (NPHD), a Triple Helix and a
  Pentahelix.

Dates are relative to the day the demo is loaded (`month(-17)` is the first day of the month
17 months earlier), so that what is due lies ahead and what was delivered lies behind, whenever
the demo is loaded. A partner joins before the stage that needs it starts, the lead first;
deliveries come after the delivering partner joined.
"""

from __future__ import annotations

import datetime
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

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
    (
        "swasta",
        "agro",
        OrganisationRole.ADMIN,
        "Company admin — CSR funder, leads a nutrition CSR programme",
    ),
    ("kampus", "unr", OrganisationRole.ADMIN, "University admin — Triple Helix and Pentahelix"),
    ("admin", None, None, "Platform staff (Django admin)"),
]

ORGANISATIONS: dict[str, dict[str, Any]] = {
    # --- the toll road KPBU ----------------------------------------------------------------------
    "pu": dict(
        name="Kementerian Pekerjaan Umum",
        short_name="Kementerian PU",
        sector="public",
        kind="ministry",
        province="ID-JK",
        website="https://pu.go.id",
        description_ind="Menteri PU adalah PJPK jalan tol; BPJT menyiapkan, melelang dan "
        "menandatangani PPJT atas namanya.",
        description_en="The Minister of Public Works is the contracting agency (PJPK) of toll "
        "roads; BPJT prepares, tenders and signs the concession (PPJT) on the Minister's behalf.",
        expertise=["toll roads", "land acquisition"],
        resource_types=["land", "cash"],
    ),
    "bpjt": dict(
        name="Badan Pengatur Jalan Tol",
        short_name="BPJT",
        sector="public",
        kind="national_agency",
        province="ID-JK",
        website="https://bpjt.pu.go.id",
        description_ind="Mengatur jalan tol, melelang pengusahaan dan mengawasi BUJT.",
        description_en="Regulates toll roads, tenders concessions and supervises toll road "
        "companies (BUJT).",
        expertise=["toll road regulation", "tariff setting"],
        resource_types=["expertise"],
    ),
    "mtp": dict(
        name="PT Mandalawangi Tol Priangan",
        short_name="MTP",
        sector="private",
        kind="project_company",
        province="ID-JB",
        description_ind="Badan Usaha Jalan Tol (BUJT) pemegang PPJT ruas Bandung–Garut Selatan, "
        "didirikan oleh konsorsium pemenang lelang.",
        description_en="Toll road company (BUJT) holding the Bandung–South Garut concession, set "
        "up by the winning consortium.",
        expertise=["toll operation", "project finance"],
        resource_types=["cash", "expertise"],
    ),
    "grk": dict(
        name="PT Galih Rekayasa Konstruksi",
        short_name="Galih Rekayasa",
        sector="private",
        kind="company",
        province="ID-JK",
        description_ind="Kontraktor jalan dan jembatan; pemegang saham dan kontraktor EPC BUJT.",
        description_en="Road and bridge contractor; shareholder and EPC contractor of the BUJT.",
        expertise=["road construction", "bridges", "tunnels"],
        resource_types=["cash", "equipment", "expertise"],
    ),
    "sii": dict(
        name="PT Sangkuriang Infrastruktur Investama",
        short_name="Sangkuriang Investama",
        sector="private",
        kind="company",
        province="ID-JB",
        description_ind="Perusahaan investasi infrastruktur; pemegang saham BUJT.",
        description_en="Infrastructure investment company; shareholder of the BUJT.",
        expertise=["infrastructure investment"],
        resource_types=["cash"],
    ),
    "ppr": dict(
        name="PT Prasarana Priangan (Perseroda)",
        short_name="Prasarana Priangan",
        sector="private",
        kind="regional_soe",
        province="ID-JB",
        description_ind="BUMD infrastruktur; pemegang saham minoritas BUJT.",
        description_en="Regional infrastructure enterprise (BUMD); minority shareholder of the "
        "BUJT.",
        expertise=["regional infrastructure"],
        resource_types=["cash"],
    ),
    "arunika": dict(
        name="PT Bank Arunika Indonesia",
        short_name="Bank Arunika",
        sector="private",
        kind="bank",
        province="ID-JK",
        description_ind="Bank umum; arranger kredit sindikasi proyek infrastruktur.",
        description_en="Commercial bank; arranger of syndicated infrastructure loans.",
        expertise=["project finance", "syndicated loans"],
        resource_types=["cash"],
    ),
    "smi": dict(
        name="PT Sarana Multi Infrastruktur (Persero)",
        short_name="PT SMI",
        sector="public",
        kind="soe",
        province="ID-JK",
        website="https://ptsmi.co.id",
        description_ind="BUMN pembiayaan infrastruktur; mengelola fasilitas penyiapan proyek "
        "(PDF) Kementerian Keuangan.",
        description_en="State-owned infrastructure financier; runs the Ministry of Finance's "
        "project development facility (PDF).",
        expertise=["project finance", "project preparation"],
        resource_types=["cash", "expertise"],
    ),
    "pii": dict(
        name="PT Penjaminan Infrastruktur Indonesia (Persero)",
        short_name="PT PII",
        sector="public",
        kind="soe",
        province="ID-JK",
        website="https://www.iigf.co.id",
        description_ind="BUMN penjaminan infrastruktur: menjamin kewajiban finansial PJPK dalam "
        "Perjanjian KPBU.",
        description_en="State-owned infrastructure guarantee fund: guarantees the contracting "
        "agency's financial obligations under KPBU agreements.",
        expertise=["government guarantee"],
        resource_types=["cash"],
    ),
    "kemenkeu": dict(
        name="Kementerian Keuangan — Direktorat Jenderal Pengelolaan Pembiayaan dan Risiko",
        short_name="Kemenkeu (DJPPR)",
        sector="public",
        kind="ministry",
        province="ID-JK",
        website="https://www.djppr.kemenkeu.go.id",
        description_ind="Memberikan Dukungan Kelayakan (VGF) dan mengelola dukungan pemerintah "
        "untuk KPBU.",
        description_en="Grants viability gap funding (Dukungan Kelayakan) and manages "
        "government support for KPBU.",
        expertise=["viability gap funding", "fiscal risk"],
        resource_types=["cash"],
    ),
    "saujana": dict(
        name="PT Saujana Konsultan Rekayasa",
        short_name="Saujana Konsultan",
        sector="private",
        kind="company",
        province="ID-JB",
        description_ind="Konsultan teknik; konsultan independen (independent engineer) proyek "
        "jalan tol.",
        description_en="Engineering consultancy; independent engineer of toll road projects.",
        expertise=["construction supervision", "independent engineer"],
        resource_types=["expertise"],
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
    # --- the street-lighting KPBU ----------------------------------------------------------------
    "lotim": dict(
        name="Pemerintah Kabupaten Lombok Timur",
        short_name="Pemkab Lombok Timur",
        sector="public",
        kind="regional_government",
        province="ID-NB",
        resource_types=["cash", "data_ip"],
    ),
    "simpul": dict(
        name="Simpul KPBU Bappeda Kabupaten Lombok Timur",
        short_name="Simpul KPBU Lotim",
        sector="public",
        kind="ppp_unit",
        province="ID-NB",
        description_ind="Simpul KPBU di Bappeda: merencanakan proyek KPBU daerah dan "
        "mengoordinasikan penyiapannya.",
        description_en="The regency's PPP unit in its planning agency (Bappeda): plans regional "
        "KPBU projects and coordinates their preparation.",
        expertise=["KPBU planning", "public consultation"],
        resource_types=["expertise", "network"],
    ),
    # --- the hospital KPBU -----------------------------------------------------------------------
    "sda": dict(
        name="Pemerintah Kabupaten Sidoarjo",
        short_name="Pemkab Sidoarjo",
        sector="public",
        kind="regional_government",
        province="ID-JI",
        resource_types=["land", "cash", "expertise"],
    ),
    "lssb": dict(
        name="PT Layanan Sehat Sidoarjo Barat",
        short_name="LSSB",
        sector="private",
        kind="project_company",
        province="ID-JI",
        description_ind="Badan Usaha Pelaksana KPBU RSUD: membangun, melengkapi alat kesehatan "
        "dan memelihara gedung; layanan klinis tetap oleh RSUD.",
        description_en="Project company of the hospital KPBU: builds, equips and maintains the "
        "hospital; clinical services stay with the regional hospital (RSUD).",
        expertise=["hospital construction", "medical equipment", "facility management"],
        resource_types=["cash", "equipment", "expertise"],
    ),
    # --- Sekolah Penggerak PSP -------------------------------------------------------------------
    "jabar": dict(
        name="Pemerintah Provinsi Jawa Barat — Dinas Pendidikan",
        short_name="Disdik Jabar",
        sector="public",
        kind="regional_agency",
        province="ID-JB",
        description_ind="Dinas pendidikan provinsi, koordinator kemitraan sekolah.",
        description_en="Provincial education office, coordinator of the school partnership.",
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
        description_ind="Perusahaan agritech; unit CSR-nya mendanai program pendidikan dan gizi.",
        description_en="Agritech company; its CSR unit funds education and nutrition programmes.",
        expertise=["agritech", "IoT sensors"],
        resource_types=["cash", "equipment", "data_ip"],
    ),
    # --- Triple Helix, CSR with a foundation -----------------------------------------------------
    "jateng": dict(
        name="Pemerintah Provinsi Jawa Tengah",
        short_name="Pemprov Jateng",
        sector="public",
        kind="regional_government",
        province="ID-JT",
        resource_types=["land", "network", "cash"],
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
    "gizi": dict(
        name="Yayasan Gizi Anak Nusantara",
        short_name="YGAN",
        sector="social",
        kind="foundation",
        province="ID-JT",
        description_ind="Yayasan pendamping gizi ibu dan balita serta kader posyandu.",
        description_en="Foundation supporting mothers' and toddlers' nutrition and community "
        "health volunteers (kader posyandu).",
        expertise=["nutrition", "community health"],
        resource_types=["expertise", "network"],
    ),
    # --- BUMN TJSL -------------------------------------------------------------------------------
    "ptm": dict(
        name="PT Pupuk Tani Makmur (Persero)",
        short_name="Pupuk Tani Makmur",
        sector="private",
        kind="soe",
        province="ID-JK",
        description_ind="BUMN pupuk; program TJSL-nya mendampingi petani pangan.",
        description_en="State-owned fertiliser company; its TJSL (CSR) programme supports food "
        "crop farmers.",
        expertise=["fertiliser", "farmer extension"],
        resource_types=["cash", "equipment", "expertise"],
    ),
    "distan": dict(
        name="Dinas Pertanian Kabupaten Sumbawa",
        short_name="Distan Sumbawa",
        sector="public",
        kind="regional_agency",
        province="ID-NB",
        expertise=["agricultural extension"],
        resource_types=["expertise", "data_ip"],
    ),
    "koperasi": dict(
        name="Koperasi Tani Samawa Sejahtera",
        short_name="KTSS",
        sector="social",
        kind="cooperative",
        province="ID-NB",
        description_ind="Koperasi petani jagung di Kabupaten Sumbawa.",
        description_en="Maize farmers' cooperative in Sumbawa regency.",
        expertise=["maize farming", "farmer groups"],
        resource_types=["land", "network"],
    ),
    # --- Pentahelix ------------------------------------------------------------------------------
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
    "lensa": dict(
        name="Lensa Blambangan Media",
        short_name="Lensa Blambangan",
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


def _ascii(text: str) -> str:
    """Text a PDF base font can show: accents dropped, other non-ASCII characters as '-'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c if ord(c) < 128 else "-" for c in decomposed if not unicodedata.combining(c))


def _pdf(title: str) -> ContentFile[bytes]:
    """A tiny valid one-page PDF with the title, so demo downloads open in a viewer."""
    text = _ascii(title).replace("\\", "/").replace("(", "[").replace(")", "]")
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
    return ContentFile(out, name=f"{slugify(_ascii(title))[:60] or 'document'}.pdf")


#: Fictional, common Indonesian names for the demo people (history names the person).
_FIRST_NAMES = (
    "Rina", "Bayu", "Sari", "Agus", "Wulan", "Hendra", "Nur", "Yusuf", "Maya", "Dimas",
    "Fitri", "Teguh", "Lina", "Eko", "Ratna", "Arif", "Indah", "Fajar", "Putri", "Joko",
)  # fmt: skip
_LAST_NAMES = (
    "Wulandari", "Setiawan", "Kusuma", "Prasetyo", "Handayani", "Gunawan", "Aisyah", "Hidayat",
    "Kartika", "Saputra", "Rahayu", "Wibowo", "Marlina", "Nugroho", "Permata", "Hakim",
    "Pratiwi", "Ramadhan", "Maharani", "Susilo", "Anggraini",
)  # fmt: skip


def _demo_name(number: int) -> tuple[str, str]:
    """A distinct (first, last) name for the number-th demo user."""
    return _FIRST_NAMES[number % len(_FIRST_NAMES)], _LAST_NAMES[number % len(_LAST_NAMES)]


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
    data = dict(spec["data"])
    joined = spec["lead_joined"]
    data.setdefault("stage_since", joined)  # in planning from the day the lead started it
    p = services.partnership_create(
        actor=actor,
        lead_organisation=ctx.orgs[lead_key],
        data=data,
        lead_roles=spec.get("lead_roles", []),
    )
    lead = _member(p, ctx.orgs[lead_key])
    services.member_update(
        actor=actor, member=lead, data={"joined_on": joined}, expected_version=lead.version
    )
    for m in spec.get("members", []):
        services.member_add(
            actor=actor,
            partnership=p,
            organisation=ctx.orgs[m["org"]],
            roles=m["roles"],
            joined_on=m["joined"],
            equity_share=m.get("equity_share"),
        )
    if spec.get("stage"):
        stage, since = spec["stage"]
        p.refresh_from_db()
        services.partnership_set_stage(
            actor=actor, partnership=p, stage=stage, since=since, expected_version=p.version
        )
    documents: dict[str, Any] = {}
    for doc in spec.get("documents", []):
        doc = dict(doc)
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


M = Decimal
PUBLIC, PARTNERS, OWNER = Confidentiality.PUBLIC, Confidentiality.PARTNERS, Confidentiality.OWNER


def month_from(base: datetime.date, offset: int, day: int = 1) -> datetime.date:
    """The `day` of the month `offset` months after `base`'s month (negative: before)."""
    index = base.year * 12 + base.month - 1 + offset
    return datetime.date(index // 12, index % 12 + 1, min(day, 28))


def years_after(date: datetime.date, years: int) -> datetime.date:
    """The day before the same date `years` later: the last day of a period of `years` years."""
    return date.replace(year=date.year + years) - datetime.timedelta(days=1)


def _member_spec(
    org: str, roles: list[str], joined: datetime.date, equity_share: Decimal | None = None
) -> dict[str, Any]:
    spec: dict[str, Any] = {"org": org, "roles": roles, "joined": joined}
    if equity_share is not None:
        spec["equity_share"] = equity_share
    return spec


# --- the toll road's figures -----------------------------------------------------------------
# Uses: the capital cost (construction, land-related works borne by the BUJT, design,
# supervision, financing costs during construction) is the estimated value, Rp 10,8 T; the
# land itself is acquired by the state (LMAN) and counted in hectares, not in this cost.
# Sources: Dukungan Kelayakan (VGF) from Kemenkeu, Rp 1,8 T (16,7% of the cost, under the 49%
# cap); the remaining Rp 9,0 T is financed 30:70, equity Rp 2,7 T from the sponsors in
# proportion to their shares (40/35/25%) and senior debt Rp 6,3 T from two lenders (2/3 and
# 1/3). 1,8 + 2,7 + 6,3 = 10,8: sources equal uses.
TOLL_CAPEX = M("10800000000000.00")
TOLL_VGF = M("1800000000000.00")
TOLL_EQUITY = M("2700000000000.00")
TOLL_DEBT = M("6300000000000.00")
TOLL_SHARES = {"grk": M("40.00"), "sii": M("35.00"), "ppr": M("25.00")}


def _equity(key: str) -> Decimal:
    return (TOLL_EQUITY * TOLL_SHARES[key] / 100).quantize(M("0.01"))


def toll_road_spec(m: Any) -> dict[str, Any]:
    """The toll road KPBU: PPJT signed 24 months ago, financial close 18, construction 17."""
    prepared, resettlement, vgf_approved = m(-54), m(-40), m(-30)
    signed, financial_close, construction = m(-24), m(-18), m(-17)
    return {
        "lead": "pu",
        "lead_roles": [Role.CONTRACTING_AGENCY],
        "lead_joined": prepared,
        "data": {
            "title_ind": "KPBU Jalan Tol Bandung–Garut Selatan",
            "title_en": "Bandung–South Garut Toll Road PPP",
            "summary_ind": "Jalan tol 48 km dengan pengembalian investasi dari tarif tol "
            "berdasarkan Perjanjian Pengusahaan Jalan Tol (PPJT) 40 tahun, Dukungan Kelayakan "
            "(VGF) dari Kementerian Keuangan dan penjaminan PT PII. Tanah diadakan pemerintah.",
            "summary_en": "A 48 km toll road repaid from tolls under a 40-year toll road "
            "concession (PPJT), with viability gap funding from the Ministry of Finance and a "
            "PT PII guarantee. The land is acquired by the government.",
            "form": "ppp",
            "development_sector": "toll_road",
            "province": "ID-JB",
            "regency": "Kabupaten Bandung, Kabupaten Garut",
            "visibility": Visibility.PUBLIC,
            "estimated_value": TOLL_CAPEX,
            "currency": "IDR",
            "sdgs": [9, 11],
            "start_date": prepared,
            "end_date": years_after(signed, 40),
            "initiative": "solicited",
            "return_mechanism": "user_charge",
            "government_support": ["vgf", "guarantee", "land"],
            "concession_years": 40,
            "listing_status": "ppp_book",
            "agreement_type": "concession",
        },
        "members": [
            _member_spec("bpjt", [Role.REGULATOR, Role.PROCUREMENT_COMMITTEE], prepared),
            _member_spec(
                "pantau", [Role.COMMUNITY_LIAISON, Role.INDEPENDENT_MONITOR], resettlement
            ),
            _member_spec("kemenkeu", [Role.VGF_PROVIDER], vgf_approved),
            _member_spec("mtp", [Role.PROJECT_COMPANY], signed),
            *(
                _member_spec(key, roles, signed, TOLL_SHARES[key])
                for key, roles in (
                    ("grk", [Role.SPONSOR, Role.EPC_CONTRACTOR]),
                    ("sii", [Role.SPONSOR]),
                    ("ppr", [Role.SPONSOR]),
                )
            ),
            _member_spec("pii", [Role.GUARANTOR], signed),
            _member_spec("arunika", [Role.FINANCIER], financial_close),
            _member_spec("smi", [Role.FINANCIER], financial_close),
            _member_spec("saujana", [Role.INDEPENDENT_ENGINEER], financial_close),
        ],
        "stage": (Stage.CONSTRUCTION, construction),
        "documents": [
            {
                "org": "pu",
                "key": "ppjt",
                "title": "Perjanjian Pengusahaan Jalan Tol (PPJT) Bandung–Garut Selatan",
                "doc_type": "kpbu_agreement",
                "revision": "1.0",
                "confidentiality": PUBLIC,
            },
            {
                "org": "pu",
                "title": "Penetapan Lokasi Jalan Tol Bandung–Garut Selatan",
                "doc_type": "location_decree",
                "confidentiality": PUBLIC,
            },
            {
                "org": "pu",
                "title": "AMDAL dan LARAP Jalan Tol Bandung–Garut Selatan",
                "doc_type": "environmental",
                "revision": "2.1",
                "confidentiality": PUBLIC,
            },
            {
                "org": "pu",
                "title": "Prastudi Kelayakan Akhir (FBC) Jalan Tol Bandung–Garut Selatan",
                "doc_type": "fbc",
                "revision": "3.0",
                "confidentiality": PARTNERS,
            },
            {
                "org": "kemenkeu",
                "title": "Persetujuan Menteri Keuangan atas Dukungan Kelayakan (VGF)",
                "doc_type": "vgf_approval",
                "confidentiality": PUBLIC,
            },
            {
                "org": "kemenkeu",
                "key": "vgf1",
                "title": "Berita Acara Pencairan Dukungan Kelayakan Tahap 1",
                "doc_type": "evidence",
                "confidentiality": PUBLIC,
            },
            {
                "org": "pii",
                "title": "Perjanjian Penjaminan Infrastruktur Jalan Tol Bandung–Garut Selatan",
                "doc_type": "guarantee_agreement",
                "confidentiality": PUBLIC,
            },
            {
                "org": "pii",
                "title": "Perjanjian Regres PT PII dan Kementerian PU",
                "doc_type": "recourse_agreement",
                "confidentiality": PARTNERS,
            },
            {
                "org": "arunika",
                "title": "Perjanjian Kredit Sindikasi BUJT",
                "doc_type": "loan_agreement",
                "confidentiality": PARTNERS,
            },
            {
                "org": "mtp",
                "title": "Model Keuangan BUJT",
                "doc_type": "financial_model",
                "revision": "3.2",
                "confidentiality": OWNER,
            },
            {
                "org": "mtp",
                "key": "equity1",
                "title": "Bukti Setoran Modal Disetor Tahap 1",
                "doc_type": "evidence",
                "confidentiality": PARTNERS,
            },
            {
                "org": "mtp",
                "key": "equity2",
                "title": "Bukti Setoran Modal Disetor Tahap 2",
                "doc_type": "evidence",
                "confidentiality": PARTNERS,
            },
            {
                "org": "pantau",
                "key": "resettle",
                "title": "Laporan Pemantauan Pemukiman Kembali Semester 1",
                "doc_type": "report",
                "confidentiality": PUBLIC,
            },
            {
                "org": "saujana",
                "key": "ie",
                "title": "Laporan Konsultan Independen: Kemajuan Konstruksi",
                "doc_type": "report",
                "confidentiality": PARTNERS,
            },
        ],
        "needs": [
            {
                "title": "Ekuitas BUJT (modal disetor sponsor)",
                "title_en": "BUJT equity (sponsors' paid-in capital)",
                "resource_type": "cash",
                "quantity": TOLL_EQUITY,
                "currency": "IDR",
                "due_date": m(10),
                "commitments": [
                    {
                        "org": "grk",
                        "quantity": _equity("grk"),
                        "deliveries": [
                            {
                                "delivered_on": m(-18, 20),
                                "quantity": M("540000000000.00"),
                                "evidence": "equity1",
                            },
                            {
                                "delivered_on": m(-6, 15),
                                "quantity": M("270000000000.00"),
                                "evidence": "equity2",
                            },
                        ],
                    },
                    {
                        "org": "sii",
                        "quantity": _equity("sii"),
                        "deliveries": [
                            {
                                "delivered_on": m(-18, 20),
                                "quantity": M("472500000000.00"),
                                "evidence": "equity1",
                            },
                            {
                                "delivered_on": m(-6, 15),
                                "quantity": M("236250000000.00"),
                                "evidence": "equity2",
                            },
                        ],
                    },
                    {
                        "org": "ppr",
                        "quantity": _equity("ppr"),
                        "deliveries": [
                            {
                                "delivered_on": m(-18, 20),
                                "quantity": M("337500000000.00"),
                                "evidence": "equity1",
                            }
                        ],
                    },
                ],
            },
            {
                "title": "Pinjaman senior sindikasi",
                "title_en": "Syndicated senior loan",
                "resource_type": "cash",
                "quantity": TOLL_DEBT,
                "currency": "IDR",
                "due_date": m(14),
                "commitments": [
                    {
                        "org": "arunika",
                        "quantity": M("4200000000000.00"),
                        "deliveries": [
                            {"delivered_on": m(-12, 10), "quantity": M("1050000000000.00")},
                            {"delivered_on": m(-4, 10), "quantity": M("840000000000.00")},
                        ],
                    },
                    {
                        "org": "smi",
                        "quantity": M("2100000000000.00"),
                        "deliveries": [
                            {"delivered_on": m(-12, 10), "quantity": M("525000000000.00")},
                            {"delivered_on": m(-4, 10), "quantity": M("420000000000.00")},
                        ],
                    },
                ],
            },
            {
                "title": "Dukungan Kelayakan (VGF)",
                "title_en": "Viability gap funding (VGF)",
                "description": "Dibayarkan bertahap sesuai kemajuan konstruksi yang disertifikasi "
                "konsultan independen.",
                "resource_type": "cash",
                "quantity": TOLL_VGF,
                "currency": "IDR",
                "due_date": m(16),
                "commitments": [
                    {
                        "org": "kemenkeu",
                        "quantity": TOLL_VGF,
                        "confidentiality": PUBLIC,
                        "deliveries": [
                            {
                                "delivered_on": m(-3, 25),
                                "quantity": M("450000000000.00"),
                                "evidence": "vgf1",
                            }
                        ],
                    }
                ],
            },
            {
                "title": "Lahan untuk trase",
                "title_en": "Land for the alignment",
                "resource_type": "land",
                "quantity": M("310.00"),
                "unit": "ha",
                "due_date": m(4),
                "commitments": [
                    {
                        "org": "pu",
                        "quantity": M("310.00"),
                        "confidentiality": PUBLIC,
                        "deliveries": [
                            {"delivered_on": m(-26, 15), "quantity": M("180.00")},
                            {"delivered_on": m(-14, 15), "quantity": M("68.50")},
                        ],
                    }
                ],
            },
            {
                "title": "Pemantauan pemukiman kembali dan pemulihan mata pencaharian",
                "title_en": "Monitoring of resettlement and livelihood restoration",
                "resource_type": "expertise",
                "quantity": M("480.00"),
                "unit": "person-days",
                "due_date": m(18),
                "commitments": [
                    {
                        "org": "pantau",
                        "quantity": M("360.00"),
                        "confidentiality": PUBLIC,
                        "deliveries": [
                            {"delivered_on": m(-30, 28), "quantity": M("90.00")},
                            {
                                "delivered_on": m(-5, 28),
                                "quantity": M("120.00"),
                                "evidence": "resettle",
                            },
                        ],
                    }
                ],
            },
            {
                "title": "Pengawasan konsultan independen",
                "title_en": "Independent engineer's supervision",
                "resource_type": "expertise",
                "quantity": M("4400.00"),
                "unit": "person-days",
                "due_date": m(18),
                "commitments": [
                    {
                        "org": "saujana",
                        "quantity": M("4400.00"),
                        "deliveries": [
                            {"delivered_on": m(-1, 28), "quantity": M("1850.00"), "evidence": "ie"}
                        ],
                    }
                ],
            },
        ],
        "objectives": [
            ("pu", "Jalan tol beroperasi tepat waktu dengan tarif awal terjangkau", 9, 90, PUBLIC),
            ("bpjt", "BUJT memenuhi Standar Pelayanan Minimal jalan tol", 9, 80),
            (
                "kemenkeu",
                "Dukungan Kelayakan dicairkan sesuai kemajuan fisik yang tersertifikasi",
                17,
                80,
            ),
            ("mtp", "Equity IRR proyek minimal 12%", 8, 95, OWNER),
            ("mtp", "Konstruksi selesai dalam 36 bulan", 9, 70),
            ("grk", "Pekerjaan EPC tanpa kecelakaan kerja fatal", 8, 75),
            ("pii", "Tidak ada klaim penjaminan: PJPK memenuhi kewajibannya tepat waktu", 17, 70),
            ("arunika", "Rasio DSCR minimal 1,3", 8, 80),
            (
                "pantau",
                "Semua warga terdampak dimukimkan kembali dengan layak",
                11,
                100,
                PUBLIC,
            ),
        ],
    }


def street_lighting_spec(m: Any) -> dict[str, Any]:
    """A regency street-lighting KPBU in early preparation: no Badan Usaha yet."""
    started, pdf_assigned, preparation = m(-10), m(-7), m(-6)
    return {
        "lead": "lotim",
        "lead_roles": [Role.CONTRACTING_AGENCY],
        "lead_joined": started,
        "data": {
            "title_ind": "KPBU Penerangan Jalan Umum (PJU) Kabupaten Lombok Timur",
            "title_en": "East Lombok Regency Street Lighting PPP",
            "summary_ind": "Penggantian dan pengelolaan 28.000 titik lampu PJU menjadi LED cerdas "
            "dengan pembayaran ketersediaan layanan (AP) selama 15 tahun; prastudi kelayakan "
            "(OBC) sedang disusun.",
            "summary_en": "Replacing and running 28,000 street lights as smart LED lighting, paid "
            "through availability payments over 15 years; the outline business case (OBC) is "
            "being prepared.",
            "form": "ppp",
            "development_sector": "urban_facilities",
            "province": "ID-NB",
            "regency": "Kabupaten Lombok Timur",
            "visibility": Visibility.PUBLIC,
            "estimated_value": M("312000000000.00"),
            "currency": "IDR",
            "sdgs": [7, 11],
            "start_date": started,
            "initiative": "solicited",
            "return_mechanism": "availability_payment",
            "concession_years": 15,
            "listing_status": "drk",
            "agreement_type": "kpbu_agreement",
        },
        "members": [
            _member_spec("simpul", [Role.PPP_UNIT], started),
            _member_spec("smi", [Role.PREPARATION_AGENCY], pdf_assigned),
        ],
        "stage": (Stage.PREPARATION, preparation),
        "documents": [
            {
                "org": "lotim",
                "title": "Studi Pendahuluan KPBU PJU Kabupaten Lombok Timur",
                "doc_type": "preliminary_study",
                "confidentiality": PUBLIC,
            },
            {
                "org": "simpul",
                "key": "consultation",
                "title": "Berita Acara Konsultasi Publik KPBU PJU",
                "doc_type": "public_consultation",
                "confidentiality": PUBLIC,
            },
            {
                "org": "smi",
                "title": "Prastudi Kelayakan (OBC) KPBU PJU — draf",
                "doc_type": "obc",
                "revision": "0.4",
                "confidentiality": PARTNERS,
            },
        ],
        "needs": [
            {
                "title": "Penyiapan proyek: OBC, FBC dan pendampingan transaksi",
                "title_en": "Project preparation: OBC, FBC and transaction support",
                "resource_type": "expertise",
                "quantity": M("920.00"),
                "unit": "person-days",
                "due_date": m(11),
                "commitments": [
                    {
                        "org": "smi",
                        "quantity": M("920.00"),
                        "deliveries": [{"delivered_on": m(-1, 28), "quantity": M("310.00")}],
                    }
                ],
            },
            {
                "title": "Data inventarisasi titik PJU dan tagihan listrik",
                "title_en": "Street-light inventory and electricity bills",
                "resource_type": "data_ip",
                "quantity": M("1.00"),
                "unit": "datasets",
                "due_date": m(-5),
                "commitments": [
                    {
                        "org": "lotim",
                        "quantity": M("1.00"),
                        "deliveries": [{"delivered_on": m(-5, 20), "quantity": M("1.00")}],
                    }
                ],
            },
            {
                "title": "Konsultasi publik dan penjajakan minat pasar",
                "title_en": "Public consultation and market sounding",
                "resource_type": "network",
                "quantity": M("4.00"),
                "unit": "sessions",
                "due_date": m(5),
                "commitments": [
                    {
                        "org": "simpul",
                        "quantity": M("4.00"),
                        "confidentiality": PUBLIC,
                        "deliveries": [
                            {
                                "delivered_on": m(-8, 12),
                                "quantity": M("1.00"),
                                "evidence": "consultation",
                            }
                        ],
                    }
                ],
            },
            {
                "title": "Anggaran Simpul KPBU dan Tim KPBU",
                "title_en": "Budget of the PPP unit and the KPBU team",
                "resource_type": "cash",
                "quantity": M("850000000.00"),
                "currency": "IDR",
                "due_date": m(12),
                "commitments": [
                    {
                        "org": "lotim",
                        "quantity": M("850000000.00"),
                        "confidentiality": PUBLIC,
                        "deliveries": [{"delivered_on": m(-3, 5), "quantity": M("300000000.00")}],
                    }
                ],
            },
        ],
        "objectives": [
            (
                "lotim",
                "Seluruh ruas jalan kabupaten terang dan tagihan listrik PJU turun 40%",
                7,
                100,
                PUBLIC,
            ),
            ("simpul", "Proyek masuk tahap transaksi dalam 12 bulan", 17, 80),
            ("smi", "OBC dan FBC memenuhi standar penilaian Bappenas dan Kemenkeu", 17, 70),
        ],
    }


def hospital_spec(m: Any) -> dict[str, Any]:
    """A regional hospital KPBU paid by availability payments, nine months into construction."""
    started, signed, financial_close, construction = m(-40), m(-12), m(-10), m(-9)
    return {
        "lead": "sda",
        "lead_roles": [Role.CONTRACTING_AGENCY],
        "lead_joined": started,
        "data": {
            "title_ind": "KPBU RSUD Sidoarjo Barat",
            "title_en": "West Sidoarjo Regional Hospital PPP",
            "summary_ind": "Pembangunan, penyediaan alat kesehatan dan pemeliharaan RSUD kelas C "
            "200 tempat tidur; layanan klinis oleh RSUD, BUP dibayar melalui pembayaran "
            "ketersediaan layanan (AP).",
            "summary_en": "Building, equipping and maintaining a 200-bed class C regional "
            "hospital; the RSUD runs the clinical services and the project company is paid "
            "through availability payments.",
            "form": "ppp",
            "development_sector": "health",
            "province": "ID-JI",
            "regency": "Kabupaten Sidoarjo",
            "visibility": Visibility.PARTNERS,
            "estimated_value": M("585000000000.00"),
            "currency": "IDR",
            "sdgs": [3],
            "start_date": started,
            "end_date": years_after(signed, 17),
            "initiative": "solicited",
            "return_mechanism": "availability_payment",
            "concession_years": 17,
            "agreement_type": "kpbu_agreement",
        },
        "members": [
            _member_spec("lssb", [Role.PROJECT_COMPANY, Role.OPERATOR], signed),
            _member_spec("arunika", [Role.FINANCIER], financial_close),
        ],
        "stage": (Stage.CONSTRUCTION, construction),
        "documents": [
            {
                "org": "sda",
                "title": "Persetujuan DPRD atas Pembayaran Ketersediaan Layanan RSUD Sidoarjo Barat",
                "doc_type": "dprd_approval",
                "confidentiality": PARTNERS,
            },
            {
                "org": "sda",
                "title": "Perjanjian KPBU RSUD Sidoarjo Barat",
                "doc_type": "kpbu_agreement",
                "confidentiality": PARTNERS,
            },
            {
                "org": "sda",
                "title": "Prastudi Kelayakan Akhir (FBC) RSUD Sidoarjo Barat",
                "doc_type": "fbc",
                "revision": "2.0",
                "confidentiality": PARTNERS,
            },
        ],
        "needs": [
            {
                "title": "Alat kesehatan sesuai standar RS kelas C",
                "title_en": "Medical equipment to class C hospital standards",
                "resource_type": "equipment",
                "quantity": M("1850.00"),
                "unit": "units",
                "due_date": m(14),
                "commitments": [{"org": "lssb", "quantity": M("1850.00")}],
            },
            {
                "title": "Tempat tidur rawat inap",
                "title_en": "Inpatient beds",
                "resource_type": "equipment",
                "quantity": M("200.00"),
                "unit": "beds",
                "due_date": m(14),
                "commitments": [{"org": "lssb", "quantity": M("200.00")}],
            },
            {
                "title": "Pelatihan tenaga kesehatan untuk alat dan sistem baru",
                "title_en": "Training of health workers on the new equipment and systems",
                "resource_type": "expertise",
                "quantity": M("1600.00"),
                "unit": "person-days",
                "due_date": m(16),
                "commitments": [
                    {"org": "lssb", "quantity": M("1100.00")},
                    {"org": "sda", "quantity": M("500.00")},
                ],
            },
            {
                "title": "Lahan rumah sakit",
                "title_en": "Hospital land",
                "resource_type": "land",
                "quantity": M("4.20"),
                "unit": "ha",
                "due_date": m(-10),
                "commitments": [
                    {
                        "org": "sda",
                        "quantity": M("4.20"),
                        "deliveries": [{"delivered_on": m(-11, 15), "quantity": M("4.20")}],
                    }
                ],
            },
        ],
        "objectives": [
            ("sda", "Layanan rumah sakit rujukan untuk 600.000 penduduk Sidoarjo barat", 3, 100),
            ("lssb", "Ketersediaan layanan 99% sehingga AP dibayar penuh", 3, 90),
            ("arunika", "Pembayaran AP dijamin dalam APBD tahun jamak", 8, 80),
        ],
    }


def school_spec(m: Any) -> dict[str, Any]:
    """The Sekolah Penggerak public–social partnership, in its second school year."""
    started, signed, running = m(-17), m(-16), m(-14)
    return {
        "lead": "jabar",
        "lead_roles": [Role.FUNDER],
        "lead_joined": started,
        "data": {
            "title_ind": "Kemitraan Sekolah Penggerak Jawa Barat",
            "title_en": "West Java Sekolah Penggerak (Driving Schools) Programme Partnership",
            "summary_ind": "Dinas pendidikan, yayasan (melalui swakelola tipe III) dan program "
            "TJSL perusahaan meningkatkan mutu 60 SMP di daerah tertinggal.",
            "summary_en": "The education office, a foundation (contracted through Swakelola Tipe "
            "III) and a company's CSR programme raise the quality of 60 lower-secondary schools "
            "in lagging districts under the Sekolah Penggerak (Driving Schools) programme.",
            "form": "psp",
            "development_sector": "education",
            "province": "ID-JB",
            "regency": "Kabupaten Cianjur",
            "visibility": Visibility.PUBLIC,
            "estimated_value": M("42500000000.00"),
            "currency": "IDR",
            "sdgs": [4, 10, 17],
            "start_date": started,
            "end_date": years_after(started, 3),
            "agreement_type": "swakelola",
        },
        "members": [
            _member_spec("cerdas", [Role.IMPLEMENTER], signed),
            _member_spec("agro", [Role.FUNDER], signed),
        ],
        "stage": (Stage.OPERATION, running),
        "documents": [
            {
                "org": "jabar",
                "key": "mou",
                "title": "Nota Kesepahaman Sekolah Penggerak",
                "doc_type": "mou",
                "confidentiality": PUBLIC,
            },
            {
                "org": "jabar",
                "title": "Kontrak Swakelola Tipe III Pelatihan Guru",
                "doc_type": "swakelola_contract",
                "confidentiality": PUBLIC,
            },
            {
                "org": "cerdas",
                "key": "training",
                "title": "Laporan Pelatihan Guru Semester 1",
                "doc_type": "evidence",
                "confidentiality": PARTNERS,
            },
            {
                "org": "agro",
                "title": "Anggaran TJSL Internal",
                "doc_type": "financial_model",
                "confidentiality": OWNER,
            },
        ],
        "needs": [
            {
                "title": "Dana peningkatan sarana sekolah",
                "title_en": "Funds to improve school facilities",
                "resource_type": "cash",
                "quantity": M("18000000000.00"),
                "currency": "IDR",
                "due_date": m(7),
                "commitments": [
                    {
                        "org": "jabar",
                        "quantity": M("10000000000.00"),
                        "confidentiality": PUBLIC,
                        "deliveries": [
                            {"delivered_on": m(-13, 5), "quantity": M("4000000000.00")},
                            {"delivered_on": m(-2, 5), "quantity": M("3000000000.00")},
                        ],
                    },
                    {
                        "org": "agro",
                        "quantity": M("5000000000.00"),
                        "confidentiality": PARTNERS,
                        "deliveries": [
                            {"delivered_on": m(-12, 10), "quantity": M("1500000000.00")}
                        ],
                    },
                ],
            },
            {
                "title": "Pelatihan guru",
                "title_en": "Teacher training",
                "resource_type": "expertise",
                "quantity": M("1800.00"),
                "unit": "person-days",
                "due_date": m(18),
                "commitments": [
                    {
                        "org": "cerdas",
                        "quantity": M("1500.00"),
                        "deliveries": [
                            {
                                "delivered_on": m(-10, 30),
                                "quantity": M("420.00"),
                                "evidence": "training",
                            },
                            {"delivered_on": m(-4, 30), "quantity": M("380.00")},
                        ],
                    }
                ],
            },
            {
                "title": "Perangkat TIK untuk sekolah",
                "title_en": "ICT equipment for schools",
                "resource_type": "equipment",
                "quantity": M("600.00"),
                "unit": "units",
                "due_date": m(6),
                "commitments": [
                    {
                        "org": "agro",
                        "quantity": M("250.00"),
                        "confidentiality": OWNER,
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
                PUBLIC,
            ),
            ("cerdas", "Guru menerapkan pembelajaran aktif di setiap kelas", 4, 90),
            ("agro", "Program TJSL terukur dan terlihat di laporan keberlanjutan", 17, 70),
            ("agro", "Biaya TJSL per siswa di bawah Rp 300.000", 17, 60, OWNER),
        ],
    }


def tjsl_spec(m: Any) -> dict[str, Any]:
    """A BUMN's TJSL programme: a Nota Kesepahaman with the regency, then a PKS with the
    cooperative that carries it out."""
    mou, pks, running = m(-15), m(-12), m(-11)
    return {
        "lead": "ptm",
        "lead_roles": [Role.FUNDER],
        "lead_joined": mou,
        "data": {
            "title_ind": "Program TJSL Petani Jagung Berkelanjutan Sumbawa",
            "title_en": "Sumbawa Sustainable Maize Farmers CSR (TJSL) Programme",
            "summary_ind": "Program Tanggung Jawab Sosial dan Lingkungan BUMN: sekolah lapang, "
            "demplot pemupukan berimbang dan penguatan koperasi bagi 1.200 petani jagung.",
            "summary_en": "A state-owned enterprise's social and environmental responsibility "
            "(TJSL) programme: farmer field schools, balanced-fertiliser demonstration plots "
            "and a stronger cooperative for 1,200 maize farmers.",
            "form": "csr",
            "development_sector": "agriculture",
            "province": "ID-NB",
            "regency": "Kabupaten Sumbawa",
            "visibility": Visibility.PUBLIC,
            "estimated_value": M("6400000000.00"),
            "currency": "IDR",
            "sdgs": [1, 2, 8],
            "start_date": mou,
            "end_date": years_after(mou, 2),
            "agreement_type": "cooperation",
        },
        "members": [
            _member_spec("distan", [Role.TECHNICAL_PARTNER], mou),
            _member_spec("koperasi", [Role.IMPLEMENTER, Role.BENEFICIARY_REPRESENTATIVE], pks),
        ],
        "stage": (Stage.OPERATION, running),
        "documents": [
            {
                "org": "ptm",
                "title": "Nota Kesepahaman Program TJSL Pertanian Jagung Sumbawa",
                "doc_type": "mou",
                "confidentiality": PUBLIC,
            },
            {
                "org": "ptm",
                "title": "Perjanjian Kerja Sama Pelaksanaan Program TJSL",
                "doc_type": "cooperation_agreement",
                "confidentiality": PUBLIC,
            },
            {
                "org": "koperasi",
                "key": "progress",
                "title": "Laporan Kemajuan Program Semester 1",
                "doc_type": "report",
                "confidentiality": PUBLIC,
            },
        ],
        "needs": [
            {
                "title": "Dana program: saprodi, demplot dan pendampingan",
                "title_en": "Programme funds: farm inputs, demonstration plots and extension support",
                "resource_type": "cash",
                "quantity": M("4800000000.00"),
                "currency": "IDR",
                "due_date": m(8),
                "commitments": [
                    {
                        "org": "ptm",
                        "quantity": M("4800000000.00"),
                        "confidentiality": PUBLIC,
                        "deliveries": [
                            {"delivered_on": m(-11, 10), "quantity": M("1600000000.00")},
                            {
                                "delivered_on": m(-5, 10),
                                "quantity": M("1400000000.00"),
                                "evidence": "progress",
                            },
                        ],
                    }
                ],
            },
            {
                "title": "Pendampingan oleh penyuluh pertanian lapangan (PPL)",
                "title_en": "Support by field extension officers (PPL)",
                "resource_type": "expertise",
                "quantity": M("720.00"),
                "unit": "person-days",
                "due_date": m(8),
                "commitments": [
                    {
                        "org": "distan",
                        "quantity": M("720.00"),
                        "confidentiality": PUBLIC,
                        "deliveries": [{"delivered_on": m(-6, 30), "quantity": M("310.00")}],
                    }
                ],
            },
            {
                "title": "Petani peserta sekolah lapang",
                "title_en": "Farmers in the farmer field school",
                "resource_type": "network",
                "quantity": M("1200.00"),
                "unit": "people",
                "due_date": m(3),
                "commitments": [
                    {
                        "org": "koperasi",
                        "quantity": M("1200.00"),
                        "confidentiality": PUBLIC,
                        "deliveries": [{"delivered_on": m(-10, 15), "quantity": M("850.00")}],
                    }
                ],
            },
            {
                "title": "Lahan demonstrasi (demplot)",
                "title_en": "Demonstration plots",
                "resource_type": "land",
                "quantity": M("24.00"),
                "unit": "ha",
                "due_date": m(-11),
                "commitments": [
                    {
                        "org": "koperasi",
                        "quantity": M("24.00"),
                        "deliveries": [{"delivered_on": m(-11, 20), "quantity": M("24.00")}],
                    }
                ],
            },
        ],
        "objectives": [
            (
                "ptm",
                "Produktivitas jagung peserta naik 20% dengan pemupukan berimbang",
                2,
                100,
                PUBLIC,
            ),
            ("koperasi", "Koperasi menjual jagung anggota langsung ke pabrik pakan", 8, 90),
            ("distan", "Praktik pemupukan berimbang diadopsi di 10 desa", 2, 70),
        ],
    }


def nutrition_csr_spec(m: Any) -> dict[str, Any]:
    """A company's CSR programme carried out by a foundation, co-funded by a provincial grant
    (NPHD) for which the foundation files an accountability report (LPJ)."""
    started, granted, running = m(-9), m(-7), m(-6)
    return {
        "lead": "agro",
        "lead_roles": [Role.FUNDER],
        "lead_joined": started,
        "data": {
            "title_ind": "Program CSR Cegah Stunting Kabupaten Grobogan",
            "title_en": "Grobogan Stunting Prevention CSR Programme",
            "summary_ind": "Yayasan mendampingi ibu hamil dan balita serta melatih kader "
            "posyandu; didanai CSR perusahaan dan hibah daerah provinsi (NPHD).",
            "summary_en": "A foundation supports pregnant women and toddlers and trains "
            "community health volunteers, funded by a company's CSR and a provincial grant "
            "(NPHD).",
            "form": "csr",
            "development_sector": "social_protection",
            "province": "ID-JT",
            "regency": "Kabupaten Grobogan",
            "visibility": Visibility.PARTNERS,
            "estimated_value": M("3750000000.00"),
            "currency": "IDR",
            "sdgs": [2, 3],
            "start_date": started,
            "end_date": years_after(started, 2),
            "agreement_type": "cooperation",
        },
        "members": [
            _member_spec("gizi", [Role.IMPLEMENTER], started),
            _member_spec("jateng", [Role.FUNDER], granted),
        ],
        "stage": (Stage.OPERATION, running),
        "documents": [
            {
                "org": "agro",
                "title": "Perjanjian Kerja Sama CSR Cegah Stunting",
                "doc_type": "cooperation_agreement",
                "confidentiality": PARTNERS,
            },
            {
                "org": "jateng",
                "title": "Naskah Perjanjian Hibah Daerah (NPHD) Yayasan Gizi Anak Nusantara",
                "doc_type": "grant_agreement",
                "confidentiality": PARTNERS,
            },
            {
                "org": "gizi",
                "key": "lpj",
                "title": "Laporan Pertanggungjawaban (LPJ) Penggunaan Hibah",
                "doc_type": "accountability_report",
                "confidentiality": PARTNERS,
            },
        ],
        "needs": [
            {
                "title": "Makanan tambahan bergizi dan kelas ibu balita",
                "title_en": "Supplementary nutritious food and classes for mothers of young children",
                "resource_type": "cash",
                "quantity": M("2400000000.00"),
                "currency": "IDR",
                "due_date": m(12),
                "commitments": [
                    {
                        "org": "agro",
                        "quantity": M("1600000000.00"),
                        "deliveries": [
                            {"delivered_on": m(-6, 10), "quantity": M("600000000.00")},
                            {"delivered_on": m(-2, 10), "quantity": M("400000000.00")},
                        ],
                    },
                    {
                        "org": "jateng",
                        "quantity": M("800000000.00"),
                        "notes": "Hibah daerah melalui NPHD; LPJ diserahkan yayasan.",
                        "deliveries": [
                            {
                                "delivered_on": m(-6, 20),
                                "quantity": M("800000000.00"),
                                "evidence": "lpj",
                            }
                        ],
                    },
                ],
            },
            {
                "title": "Pelatihan kader posyandu",
                "title_en": "Training of posyandu volunteers",
                "resource_type": "expertise",
                "quantity": M("900.00"),
                "unit": "person-days",
                "due_date": m(9),
                "commitments": [
                    {
                        "org": "gizi",
                        "quantity": M("900.00"),
                        "deliveries": [{"delivered_on": m(-4, 15), "quantity": M("360.00")}],
                    }
                ],
            },
            {
                "title": "Ibu hamil dan balita yang didampingi",
                "title_en": "Pregnant women and young children supported",
                "resource_type": "network",
                "quantity": M("2500.00"),
                "unit": "people",
                "due_date": m(6),
                "commitments": [
                    {
                        "org": "gizi",
                        "quantity": M("2500.00"),
                        "deliveries": [{"delivered_on": m(-1, 20), "quantity": M("1840.00")}],
                    }
                ],
            },
        ],
        "objectives": [
            ("agro", "Prevalensi stunting di desa dampingan turun 5 poin persen", 2, 100),
            ("gizi", "Setiap posyandu desa dampingan punya dua kader terlatih", 3, 90),
            ("jateng", "Hibah dipertanggungjawabkan tepat waktu dan tepat sasaran", 16, 80),
        ],
    }


def triple_helix_spec(m: Any) -> dict[str, Any]:
    started, preparation = m(-11), m(-10)
    return {
        "lead": "jateng",
        "lead_roles": [Role.REGULATOR],
        "lead_joined": started,
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
            "start_date": started,
            "agreement_type": "cooperation",
        },
        "members": [
            _member_spec("agro", [Role.TECHNICAL_PARTNER, Role.FUNDER], started),
            _member_spec("unr", [Role.RESEARCH_PARTNER], started),
        ],
        "stage": (Stage.PREPARATION, preparation),
        "documents": [
            {
                "org": "jateng",
                "title": "Perjanjian Kerja Sama Riset Pertanian Presisi",
                "doc_type": "cooperation_agreement",
                "confidentiality": PARTNERS,
            },
        ],
        "needs": [
            {
                "title": "Sensor tanah IoT",
                "title_en": "IoT soil sensors",
                "resource_type": "equipment",
                "quantity": M("500.00"),
                "unit": "units",
                "due_date": m(2),
                "commitments": [
                    {
                        "org": "agro",
                        "quantity": M("500.00"),
                        "deliveries": [{"delivered_on": m(-6), "quantity": M("200.00")}],
                    }
                ],
            },
            {
                "title": "Riset agronomi",
                "title_en": "Agronomy research",
                "resource_type": "expertise",
                "quantity": M("400.00"),
                "unit": "person-days",
                "due_date": m(10),
                "commitments": [{"org": "unr", "quantity": M("300.00")}],
            },
            {
                "title": "Data lahan dan panen",
                "title_en": "Land and harvest data",
                "resource_type": "data_ip",
                "quantity": M("1.00"),
                "unit": "datasets",
                "due_date": m(1),
                "commitments": [{"org": "jateng", "quantity": M("1.00")}],
            },
        ],
        "objectives": [
            ("jateng", "Produktivitas padi naik 15%", 2, 100),
            ("agro", "Model bisnis layanan sensor yang layak", 9, 80),
            ("unr", "Tiga publikasi ilmiah dan data terbuka", 9, 70),
        ],
    }


def pentahelix_spec(m: Any) -> dict[str, Any]:
    started = m(-2)
    return {
        "lead": "bwi",
        "lead_roles": [Role.REGULATOR],
        "lead_joined": started,
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
            "agreement_type": "mou",
        },
        "members": [
            _member_spec("pokdarwis", [Role.IMPLEMENTER, Role.COMMUNITY_REPRESENTATIVE], started),
            _member_spec("unr", [Role.RESEARCH_PARTNER], started),
            _member_spec("lensa", [Role.MEDIA_PARTNER], started),
            _member_spec("lestari", [Role.FUNDER], started),
        ],
        "needs": [
            {
                "title": "Renovasi homestay",
                "title_en": "Homestay renovation",
                "resource_type": "cash",
                "quantity": M("1500000000.00"),
                "currency": "IDR",
                "due_date": m(9),
                "commitments": [{"org": "lestari", "quantity": M("600000000.00")}],
            },
            {
                "title": "Pelatihan pemandu wisata dan pengelola homestay",
                "title_en": "Training of tour guides and homestay managers",
                "resource_type": "expertise",
                "quantity": M("120.00"),
                "unit": "person-days",
                "due_date": m(8),
                "commitments": [{"org": "unr", "quantity": M("80.00")}],
            },
            {
                "title": "Liputan promosi",
                "title_en": "Promotional coverage",
                "resource_type": "network",
                "quantity": M("24.00"),
                "unit": "articles",
                "due_date": m(12),
                "commitments": [{"org": "lensa", "quantity": M("12.00")}],
            },
        ],
        "objectives": [("pokdarwis", "Pendapatan warga dari wisata naik dua kali lipat", 8, 100)],
    }


def partnership_specs(today: datetime.date | None = None) -> list[dict[str, Any]]:
    """Every demo partnership, dated relative to `today` (the local date by default)."""
    base = today or timezone.localdate()

    def m(offset: int, day: int = 1) -> datetime.date:
        return month_from(base, offset, day)

    return [
        toll_road_spec(m),
        street_lighting_spec(m),
        hospital_spec(m),
        school_spec(m),
        tjsl_spec(m),
        nutrition_csr_spec(m),
        triple_helix_spec(m),
        pentahelix_spec(m),
    ]


@transaction.atomic
def load_demo() -> dict[str, Any]:
    """Create the demo organisations, users and partnerships. Returns what was created."""
    User = get_user_model()
    users: dict[str, Any] = {}
    for number, (username, _key) in enumerate(all_logins()):
        first, last = _demo_name(number)
        users[username] = User.objects.create_user(
            username=username,
            password=DEMO_PASSWORD,
            email=f"{username}@demo.mitra.invalid",
            first_name=first,
            last_name=last,
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
