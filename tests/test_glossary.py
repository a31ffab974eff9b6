"""The practitioner's words (issue 10): the Indonesian catalogue uses the glossary's terms, never
the ones it lists to avoid; docs/glossary.md lists every role, form and stage label the app
shows, and the results' levels, value states and traffic lights, in both languages; provinces
carry their official names.

The catalogue is read from the .po source (not the compiled .mo), so these tests do not depend on
`compilemessages` having run.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.utils import translation

from mitra.core.regions import subdivision_code, subdivision_name, subdivisions
from mitra.partnerships.models import PartnershipForm, Role, Stage
from mitra.results.models import Level, Status
from mitra.results.selectors import Light

ROOT = Path(__file__).resolve().parents[1]
PO = ROOT / "src" / "mitra" / "locale" / "id" / "LC_MESSAGES" / "django.po"
GLOSSARY = ROOT / "docs" / "glossary.md"

#: Words the glossary's "avoid" column rules out, as (name, pattern) on the Indonesian text.
OLD_TERMS: tuple[tuple[str, str], ...] = (
    ("Pemimpin / organisasi pemimpin (use Koordinator / mitra utama)", r"\bpemimpin\b"),
    ("Janjikan (use Ajukan komitmen)", r"\bjanjikan\b"),
    ("Dijanjikan (use Komitmen)", r"\bdijanjikan\b"),
    ("Janji (use Komitmen)", r"\bjanji\b"),
    ("Kesenjangan (use Kekurangan)", r"\bkesenjangan\b"),
    ("Pemenuhan (use Capaian realisasi)", r"\bpemenuhan\b"),
    ("Dana tunai (use Dana)", r"\bdana\s+tunai\b"),
    ("hari-orang (use orang-hari (OH))", r"\bhari-orang\b"),
    ("Visibilitas (use Keterbukaan akses)", r"\bvisibilitas\b"),
    ("Notula (use Notulen)", r"\bnotula\b"),
    ("Paket rekaman (use paket record)", r"\bpaket\s+rekaman\b"),
    (
        "disimpan sementara itu (use: Data sudah diubah pengguna lain sejak Anda membukanya)",
        r"\bdisimpan\s+sementara\s+itu\b",
    ),
    ("Nilai awal (use Nilai dasar)", r"\bnilai\s+awal\b"),
    ("Disagregasi (use Rincian)", r"\bdisagregasi\b"),
    ("Papua Pengunungan (use Papua Pegunungan)", r"\bpengunungan\b"),
    ("Jakarta Raya (use DKI Jakarta)", r"\bjakarta\s+raya\b"),
)

#: Official names that keep a word avoided elsewhere: {msgid: {term names allowed in it}}.
#: SDG 10 is "Berkurangnya Kesenjangan" in Indonesia's official SDG (TPB) names.
ALLOWED: dict[str, set[str]] = {
    "10 · Reduced inequalities": {"Kesenjangan (use Kekurangan)"},
}


def _catalog():
    with PO.open("rb") as handle:
        return read_po(handle, locale="id")


def _strings(message) -> list[str]:
    value = message.string
    if isinstance(value, (tuple, list)):
        return [v for v in value if v]
    return [value] if value else []


def _label(message) -> str:
    msgid = message.id if isinstance(message.id, str) else message.id[0]
    return f"[{message.context}] {msgid}" if message.context else msgid


def _msgid(message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def _normal(text: str) -> str:
    """Casefolded, with markdown emphasis and runs of spaces removed, for finding a label."""
    return " ".join(text.replace("*", "").replace("`", "").casefold().split())


def _old_terms_in(text: str) -> list[str]:
    return [name for name, pattern in OLD_TERMS if re.search(pattern, text, re.IGNORECASE)]


def test_the_scan_finds_each_old_term():
    # The patterns must catch what they are for (else the catalogue test proves nothing) ...
    samples = {
        "Organisasi pemimpin": "Pemimpin",
        "Janjikan untuk kebutuhan": "Janjikan",
        "Jumlah yang dijanjikan": "Dijanjikan",
        "Janji dan realisasi": "Janji (",
        "Kesenjangan sumber daya": "Kesenjangan",
        "Pemenuhan": "Pemenuhan",
        "Kebutuhan dana  tunai": "Dana tunai",
        "Keahlian (hari-orang)": "hari-orang",
        "Visibilitas": "Visibilitas",
        "Notula": "Notula",
        "Paket rekaman OCDS": "Paket rekaman",
        "data yang disimpan sementara itu": "disimpan sementara itu",
        "Nilai  awal indikator": "Nilai awal",
        "Disagregasi menurut jenis kelamin": "Disagregasi",
        "Papua Pengunungan": "Papua Pengunungan",
        "Jakarta Raya": "Jakarta Raya",
    }
    for text, expected in samples.items():
        found = _old_terms_in(text)
        assert any(name.startswith(expected) for name in found), (text, found)
    # ... and leave the new words alone.
    for text in (
        "Notulen",
        "Ajukan komitmen",
        "Komitmen dan realisasi per mitra",
        "Kekurangan sumber daya terbesar",
        "Capaian realisasi",
        "Dana",
        "orang-hari (OH)",
        "Keterbukaan akses",
        "Paket record OCDS for PPPs (JSON)",
        "Papua Pegunungan",
        "DKI Jakarta",
        "Koordinator (mitra utama)",
        "Nilai dasar dan tanggal nilai dasar",
        "Rincian menurut jenis kelamin",
    ):
        assert _old_terms_in(text) == [], text


def test_no_indonesian_message_uses_an_avoided_word():
    offending = []
    for message in _catalog():
        if not message.id:
            continue
        allowed = ALLOWED.get(_msgid(message), set())
        for text in _strings(message):
            for name in _old_terms_in(text):
                if name not in allowed:
                    offending.append(f"{_label(message)!r} → {text!r}: {name}")
    assert offending == [], "Words the glossary avoids (docs/glossary.md):\n" + "\n".join(offending)


def test_each_sense_has_its_own_word():
    catalog = _catalog()
    translated = {(m.context, _msgid(m)): _strings(m) for m in catalog if m.id}

    # The development sector is a "bidang pembangunan"; "sektor" is a partner's helix.
    wrong = [
        f"{msgid!r} → {texts}"
        for (context, msgid), texts in translated.items()
        if ("development sector" in msgid.casefold() or context == "development sector")
        and texts
        and not all("bidang pembangunan" in t.casefold() for t in texts)
    ]
    assert wrong == []

    # "Keluar" alone is signing out; a partner that left "berhenti sejak" a date.
    keluar = [msgid for (_, msgid), texts in translated.items() if texts == ["Keluar"]]
    assert keluar in ([], ["Sign out"])
    for key in ((None, "Left on"), (None, "left on"), ("partner left the partnership", "Left")):
        if key in translated:
            assert translated[key] and "berhenti sejak" in translated[key][0].casefold(), key

    # The first tab is the "Ikhtisar"; "Ringkasan" is a partnership's summary text.
    if (None, "Overview") in translated:
        assert translated[(None, "Overview")] == ["Ikhtisar"]


def test_the_glossary_exists_and_covers_the_subjects():
    text = GLOSSARY.read_text(encoding="utf-8")
    for heading in (
        "## Sources",
        "## Partnership forms",
        "## Stages",
        "## Roles",
        "## Documents",
        "## Money and appraisal",
        "## Mitra's own words",
        "## Results and service levels",
        "## Province names",
    ):
        assert heading in text, heading
    normal = _normal(text)
    for term in (
        "Perpres 38/2015",
        "Perpres 78/2010",
        "UU 40/2007",
        "PP 47/2012",
        "Permendagri 22/2020",
        "Perpres 16/2018",
        "Pembayaran Ketersediaan Layanan",
        "Dukungan Kelayakan",
        "Pembanding Sektor Publik",
        "Nilai Manfaat Uang",
        "Nota Kesepahaman",
        "Perjanjian Kerja Sama",
        "NPHD",
        "Swakelola Tipe III",
        "Badan Usaha Pelaksana",
        "Pelaksana program",
    ):
        assert _normal(term) in normal, term


def _choices() -> list[tuple[str, object]]:
    """The labels the glossary must list: roles, forms and stages, and the results' levels,
    value states and traffic lights."""
    return [
        (f"{kind.__name__}.{member.name}", member.label)
        for kind in (Role, PartnershipForm, Stage, Level, Status)
        for member in kind
    ] + [(f"Light.{key}", label) for key, label in Light.LABELS.items()]


def test_the_glossary_lists_every_role_form_stage_and_results_label_in_english():
    normal = _normal(GLOSSARY.read_text(encoding="utf-8"))
    with translation.override("en"):
        missing = [
            f"{name}: {label}" for name, label in _choices() if _normal(str(label)) not in normal
        ]
    assert missing == [], "Add these labels to docs/glossary.md:\n" + "\n".join(missing)


def test_the_glossary_lists_every_role_form_stage_and_results_label_in_indonesian():
    """Each label's Indonesian translation in django.po appears in the glossary: the app and the
    glossary use the same word. (A label without a translation yet fails here, as it does in
    tests/test_locale.py, until the catalogue is updated.)"""
    catalog = _catalog()
    normal = _normal(GLOSSARY.read_text(encoding="utf-8"))
    untranslated, missing = [], []
    with translation.override("en"):
        labels = [(name, str(label)) for name, label in _choices()]
    for name, msgid in labels:
        message = catalog.get(msgid)
        if message is None or not message.string or message.fuzzy:
            untranslated.append(f"{name}: {msgid}")
        elif _normal(message.string) not in normal:
            missing.append(f"{name}: {msgid} → {message.string}")
    assert untranslated == [], "No Indonesian translation in django.po for:\n" + "\n".join(
        untranslated
    )
    assert missing == [], "Add these Indonesian labels to docs/glossary.md:\n" + "\n".join(missing)


def test_the_role_that_coordinates_is_not_called_lead_alone():
    with translation.override("en"):
        assert str(Role.LEAD.label).casefold() != "lead"


@pytest.mark.parametrize(
    ("code", "official", "other_names"),
    [
        ("ID-PE", "Papua Pegunungan", ["Papua Pengunungan"]),
        ("ID-JK", "DKI Jakarta", ["Jakarta Raya", "Daerah Khusus Ibukota Jakarta", "Jakarta"]),
        ("ID-YO", "DI Yogyakarta", ["Yogyakarta", "Daerah Istimewa Yogyakarta"]),
    ],
)
def test_provinces_carry_their_official_names(code, official, other_names):
    assert subdivision_name(code) == official
    assert subdivision_code(official) == code
    assert subdivision_code(code.lower()) == code
    for other in other_names:
        assert subdivision_code(other) == code, other


def test_all_38_provinces_and_no_old_name():
    names = subdivisions("ID")
    assert len(names) == 38
    assert all(code.startswith("ID-") for code in names)
    assert list(names.values()) == sorted(names.values())
    for name in names.values():
        assert _old_terms_in(name) == [], name
    assert {"Jawa Barat", "Aceh", "Papua Barat Daya", "Kalimantan Utara"} <= set(names.values())
    assert subdivision_code("Provinsi Jawa Barat") == "ID-JB"
    assert subdivision_code("Atlantis") is None
    # The glossary's province table names the three that differ from ISO 3166-2.
    glossary = GLOSSARY.read_text(encoding="utf-8")
    for official in ("Papua Pegunungan", "DKI Jakarta", "DI Yogyakarta"):
        assert official in glossary
