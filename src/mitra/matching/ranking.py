"""Rank organisations by how well they could fill a need: the pure part of matching.

No Django here (the selectors build the plain inputs, :mod:`mitra.matching.selectors`), so the
ranking runs from a notebook, the benchmark (``bench/matching.py``) and the tests alike, with
known answers. Amounts are floats in the need's own measure (its currency or unit) and are only
compared, never returned: a score part and a reason never carry another partnership's amount.

Score = Σ weight × part, every part in [0, 1]:

=============  ======  =================================================================
part           weight  what it measures
=============  ======  =================================================================
resource       0.25    the organisation brings this kind of resource (directory entry)
track_record   0.20    commitments of this resource type elsewhere, weighted by how much
                       of each was delivered: (1 − 0.5ⁿ) × (0.4 + 0.6 × mean fulfilment),
                       n counting those in the need's sector as 1 and the others as ½
text           0.20    TF-IDF cosine of the need's text and the profile's, in both
                       languages (words stemmed and mapped to one language, plus
                       character 3–5-grams that catch shared roots such as
                       infrastruktur / infrastructure)
sector         0.10    works in the need's development sector (profile or past
                       partnerships)
region         0.10    works in the need's province (1), nationwide (0.6)
form           0.05    knows the partnership form (profile or past partnerships)
capacity       0.10    room left: stated cash capacity less what is still outstanding of
                       its pledges, against the need's gap, in coarse steps (1, 0.6, 0.3,
                       0); without a stated capacity, the number of unfinished pledges
=============  ======  =================================================================

Coarse steps keep a stated capacity from revealing how much an organisation has pledged in
confidence elsewhere: the reader of a suggestion learns "ample room", never an amount.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity

WEIGHTS: dict[str, float] = {
    "resource": 0.25,
    "track_record": 0.20,
    "text": 0.20,
    "sector": 0.10,
    "region": 0.10,
    "form": 0.05,
    "capacity": 0.10,
}
#: Weight of the word vectors in the text part (the rest goes to character n-grams).
WORD_SHARE = 0.6

# --- text -------------------------------------------------------------------------------------

#: Common Indonesian function words (Tala's list, abridged): they carry no topic.
INDONESIAN_STOP_WORDS = frozenset(
    [
        "ada",
        "adalah",
        "agar",
        "akan",
        "aku",
        "anda",
        "antara",
        "apa",
        "apabila",
        "atas",
        "atau",
        "bagi",
        "bahwa",
        "banyak",
        "baru",
        "beberapa",
        "belum",
        "benar",
        "berbagai",
        "bersama",
        "besar",
        "bila",
        "bisa",
        "boleh",
        "dalam",
        "dan",
        "dapat",
        "dari",
        "demikian",
        "dengan",
        "di",
        "dia",
        "ini",
        "itu",
        "jadi",
        "jika",
        "juga",
        "kami",
        "kamu",
        "karena",
        "ke",
        "kepada",
        "kita",
        "lagi",
        "lain",
        "lebih",
        "maka",
        "mana",
        "masih",
        "melalui",
        "mereka",
        "meski",
        "namun",
        "oleh",
        "pada",
        "para",
        "per",
        "perlu",
        "saat",
        "sampai",
        "satu",
        "saja",
        "sama",
        "secara",
        "sebagai",
        "sebuah",
        "sedang",
        "sehingga",
        "sejak",
        "seluruh",
        "semua",
        "serta",
        "setiap",
        "sudah",
        "supaya",
        "tak",
        "tanpa",
        "telah",
        "tentang",
        "terhadap",
        "tersebut",
        "tetapi",
        "untuk",
        "yaitu",
        "yakni",
        "yang",
    ]
)
STOP_WORDS = INDONESIAN_STOP_WORDS | frozenset(ENGLISH_STOP_WORDS)

#: Indonesian stems → an English word, so that a need written in Indonesian meets a profile
#: written in English (and back). Small on purpose: the words partnerships' needs use.
LEXICON: dict[str, str] = {
    "latih": "train", "pelatih": "train", "guru": "teacher", "sekolah": "school",
    "didik": "education", "pendidik": "education", "ajar": "teach", "belajar": "learn",
    "siswa": "student", "murid": "student", "jalan": "road", "tol": "toll", "jembatan": "bridge",
    "air": "water", "minum": "drink", "bersih": "clean", "sanitasi": "sanitation",
    "sampah": "waste", "limbah": "waste", "listrik": "electricity", "energi": "energy",
    "surya": "solar", "lampu": "light", "terang": "light", "sehat": "health", "kesehatan": "health",
    "rumah": "house", "sakit": "sick", "gizi": "nutrition", "pangan": "food", "tani": "farm",
    "petani": "farmer", "pertanian": "agriculture", "jagung": "maize", "pupuk": "fertiliser",
    "benih": "seed", "lahan": "land", "tanah": "land", "dana": "fund", "danai": "fund",
    "modal": "capital", "biaya": "cost", "pinjam": "loan", "pinjaman": "loan",
    "kredit": "credit", "ahli": "expert", "keahlian": "expertise", "tenaga": "staff",
    "konsultan": "consultant", "awas": "supervise", "pengawas": "supervise", "pantau": "monitor",
    "pemantau": "monitor", "masyarakat": "community", "warga": "community", "desa": "village",
    "wisata": "tourism", "pariwisata": "tourism", "pandu": "guide", "pemandu": "guide",
    "promosi": "promotion", "liput": "coverage", "liputan": "coverage", "berita": "news",
    "media": "media", "data": "data", "peta": "map", "survei": "survey", "kaji": "study",
    "kajian": "study", "studi": "study", "teliti": "research", "penelitian": "research",
    "riset": "research", "alat": "equipment", "peralatan": "equipment", "perangkat": "device",
    "komputer": "computer", "tik": "ict", "digital": "digital", "internet": "internet",
    "sensor": "sensor", "bangun": "build", "bangunan": "building", "gedung": "building",
    "sarana": "facility", "prasarana": "infrastructure", "fasilitas": "facility",
    "infrastruktur": "infrastructure", "konstruksi": "construction", "obat": "medicine",
    "medis": "medical", "bayi": "infant", "anak": "child", "ibu": "mother", "miskin": "poor",
    "kemiskinan": "poverty", "sosial": "social", "lingkungan": "environment", "hutan": "forest",
    "iklim": "climate", "banjir": "flood", "bencana": "disaster", "usaha": "business",
    "umkm": "sme", "koperasi": "cooperative", "pasar": "market", "jual": "sell",
    "homestay": "homestay", "budaya": "culture", "rumput": "grass", "laut": "sea",
    "ikan": "fish", "nelayan": "fisher", "transportasi": "transport", "angkut": "transport",
    "kendaraan": "vehicle", "buku": "book", "perpustakaan": "library", "literasi": "literacy",
    "baca": "read", "tulis": "write", "jaring": "network", "jaringan": "network",
    "relawan": "volunteer", "hukum": "law", "pemukiman": "settlement", "pindah": "resettle",
    "keuangan": "finance", "uang": "money", "hibah": "grant", "jamin": "guarantee",
    "penjaminan": "guarantee", "investasi": "investment", "operasi": "operation",
    "rawat": "maintain", "pelihara": "maintain", "kelola": "manage", "pengelola": "manager",
    "manajemen": "management", "rencana": "plan", "perencanaan": "planning",
}  # fmt: skip

_TOKEN = re.compile(r"[a-z0-9]+")
_PREFIXES = (
    "memper", "menge", "meng", "meny", "mem", "men", "me",
    "peng", "peny", "pem", "pen", "per", "pe", "ber", "ter", "di", "ke",
)  # fmt: skip
_SUFFIXES = ("nya", "kan", "an", "i")
_ENGLISH_SUFFIXES = ("ings", "ing", "ers", "ies", "es", "s", "ed")


def fold(text: str) -> str:
    """Lower case without accents: "Pelatihan Guru" → "pelatihan guru"."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def stem(word: str) -> str:
    """A light stem, good enough for ranking (not a full Nazief–Adriani stemmer): the lexicon
    first, then Indonesian affixes (me-/ber-/di-/pe-/ke-, -nya/-kan/-an/-i), then English
    plural and -ing endings; words of four letters or fewer are left alone."""
    if word in LEXICON:
        return LEXICON[word]
    if len(word) <= 4:
        return word
    base = word
    for suffix in _SUFFIXES:
        if base.endswith(suffix) and len(base) - len(suffix) >= 4:
            base = base[: -len(suffix)]
            break
    if base in LEXICON:
        return LEXICON[base]
    for prefix in _PREFIXES:
        if base.startswith(prefix) and len(base) - len(prefix) >= 4:
            rest = base[len(prefix) :]
            if rest in LEXICON:
                return LEXICON[rest]
            base = rest
            break
    if base in LEXICON:
        return LEXICON[base]
    for suffix in _ENGLISH_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            english = word[: -len(suffix)]
            return english + ("y" if suffix == "ies" else "")
    return base


def words(text: str) -> list[str]:
    """The topic words of a text, stemmed and mapped to one language, stop words left out."""
    return [stem(t) for t in _TOKEN.findall(fold(text)) if t not in STOP_WORDS and len(t) > 1]


def text_similarity(query: str, documents: Sequence[str]) -> tuple[np.ndarray, list[list[str]]]:
    """Cosine similarity (0–1) of ``query`` with each document, and for each document the words
    it shares with the query, most telling first (at most three).

    Two TF-IDF models fitted on the query and the documents together: stemmed words (weight
    ``WORD_SHARE``) and character 3–5-grams within words (the rest).

    >>> scores, shared = text_similarity("pelatihan guru", ["teacher training", "road works"])
    >>> bool(scores[0] > scores[1]), shared[0]
    (True, ['teacher', 'train'])
    """
    if not documents:
        return np.zeros(0), []
    corpus = [query, *documents]
    word_model = TfidfVectorizer(analyzer=words, sublinear_tf=True)
    try:
        word_matrix = word_model.fit_transform(corpus)
    except ValueError:  # nothing but stop words anywhere
        return np.zeros(len(documents)), [[] for _ in documents]
    char_model = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(3, 5), preprocessor=fold, sublinear_tf=True
    )
    char_matrix = char_model.fit_transform(corpus)
    word_scores = cosine_similarity(word_matrix[0], word_matrix[1:]).ravel()
    char_scores = cosine_similarity(char_matrix[0], char_matrix[1:]).ravel()
    scores = WORD_SHARE * word_scores + (1 - WORD_SHARE) * char_scores
    vocabulary = np.array(word_model.get_feature_names_out())
    query_row = word_matrix[0].toarray().ravel()
    shared: list[list[str]] = []
    for i in range(len(documents)):
        weights = query_row * word_matrix[i + 1].toarray().ravel()
        order = [j for j in np.argsort(-weights, kind="stable")[:3] if weights[j] > 0]
        shared.append(sorted(str(vocabulary[j]) for j in order))
    return np.clip(scores, 0.0, 1.0), shared


# --- inputs and outputs ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PastCommitment:
    """One commitment an organisation made elsewhere (no amount: only what ranking needs)."""

    need_id: int
    partnership_id: int
    resource_type: str
    development_sector: str
    form: str
    #: Delivered ÷ pledged, capped at 1; None when nothing was delivered and nothing is due yet.
    fulfilment: float | None
    #: Pledged minus delivered, in ``measure`` (its currency or unit).
    outstanding: float
    measure: str


@dataclass(frozen=True)
class Membership:
    partnership_id: int
    form: str
    development_sector: str
    province: str


@dataclass(frozen=True)
class Candidate:
    organisation_id: int
    name: str
    province: str = ""
    resource_types: frozenset[str] = frozenset()
    regions: frozenset[str] = frozenset()
    nationwide: bool = False
    development_sectors: frozenset[str] = frozenset()
    forms: frozenset[str] = frozenset()
    text: str = ""
    capacity: float | None = None
    capacity_currency: str = ""
    history: tuple[PastCommitment, ...] = ()
    memberships: tuple[Membership, ...] = ()


@dataclass(frozen=True)
class NeedQuery:
    need_id: int
    partnership_id: int
    resource_type: str
    development_sector: str
    form: str
    province: str
    text: str
    measure: str
    is_cash: bool
    #: What is still lacking, in ``measure`` (the whole need when nothing is pledged).
    gap: float


@dataclass(frozen=True)
class Reason:
    """Why a part scored: a code and its parameters, put into words by the caller."""

    code: str
    params: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Match:
    organisation_id: int
    name: str
    score: float
    parts: dict[str, float]
    reasons: tuple[Reason, ...]


# --- the parts ------------------------------------------------------------------------------------


def _track_record(
    need: NeedQuery, history: Iterable[PastCommitment]
) -> tuple[float, Reason | None]:
    similar = [c for c in history if c.resource_type == need.resource_type]
    if not similar:
        return 0.0, None
    known = [c.fulfilment for c in similar if c.fulfilment is not None]
    # Of that kind: same resource type; those in the need's sector count fully, others half.
    count = sum(1.0 if c.development_sector == need.development_sector else 0.5 for c in similar)
    breadth = 1 - 0.5**count
    if not known:
        return breadth * 0.6, Reason("track_pending", {"n": len(similar)})
    mean = float(np.mean(known))
    pct = round(mean * 100)
    return breadth * (0.4 + 0.6 * mean), Reason("track", {"n": len(similar), "pct": pct})


def _capacity(
    need: NeedQuery, candidate: Candidate, history: Sequence[PastCommitment]
) -> tuple[float, Reason]:
    if (
        need.is_cash
        and candidate.capacity is not None
        and candidate.capacity_currency == need.measure
    ):
        outstanding = sum(c.outstanding for c in history if c.measure == need.measure)
        left = candidate.capacity - outstanding
        gap = max(need.gap, 0.01)
        if left >= gap:
            return 1.0, Reason("capacity", {"level": "ample"})
        if left >= 0.5 * gap:
            return 0.6, Reason("capacity", {"level": "some"})
        if left > 0:
            return 0.3, Reason("capacity", {"level": "little"})
        return 0.0, Reason("capacity", {"level": "none"})
    unfinished = sum(1 for c in history if c.outstanding > 0)
    if unfinished == 0:
        return 1.0, Reason("free", {})
    if unfinished <= 2:
        return 0.6, Reason("busy", {"n": unfinished})
    return 0.3, Reason("busy", {"n": unfinished})


def rank(
    need: NeedQuery,
    candidates: Sequence[Candidate],
    *,
    exclude_partnership: bool = False,
    limit: int | None = 10,
) -> list[Match]:
    """The candidates ranked by fit to ``need``, best first (ties by name).

    Nothing from the need itself is used: commitments to ``need.need_id`` are left out of every
    track record (the held-out rule of the benchmark). With ``exclude_partnership`` the whole
    partnership of the need is left out of each candidate's history and memberships too, so that
    taking part in it is no evidence of fitting it (the benchmark's setting).
    """
    if not candidates:
        return []

    def kept(c: Candidate) -> tuple[list[PastCommitment], list[Membership]]:
        history = [
            h
            for h in c.history
            if h.need_id != need.need_id
            and not (exclude_partnership and h.partnership_id == need.partnership_id)
        ]
        memberships = [
            m
            for m in c.memberships
            if not (exclude_partnership and m.partnership_id == need.partnership_id)
        ]
        return history, memberships

    texts, shared = text_similarity(need.text, [c.text for c in candidates])
    matches: list[Match] = []
    for i, candidate in enumerate(candidates):
        history, memberships = kept(candidate)
        parts: dict[str, float] = {}
        reasons: list[Reason] = []
        offers_type = need.resource_type in candidate.resource_types
        parts["resource"] = 1.0 if offers_type else 0.0
        if offers_type:
            reasons.append(Reason("resource", {"resource_type": need.resource_type}))
        parts["track_record"], track = _track_record(need, history)
        if track:
            reasons.append(track)
        parts["text"] = float(texts[i])
        if shared[i] and parts["text"] >= 0.05:
            reasons.append(Reason("text", {"words": shared[i]}))
        in_sector = need.development_sector in candidate.development_sectors or any(
            m.development_sector == need.development_sector for m in memberships
        )
        parts["sector"] = 1.0 if in_sector else 0.0
        if in_sector:
            reasons.append(Reason("sector", {"sector": need.development_sector}))
        if need.province and (
            need.province in candidate.regions or need.province == candidate.province
        ):
            parts["region"] = 1.0
            reasons.append(Reason("region", {"province": need.province}))
        elif candidate.nationwide:
            parts["region"] = 0.6
            reasons.append(Reason("nationwide", {}))
        else:
            parts["region"] = 0.0
        knows_form = need.form in candidate.forms or any(m.form == need.form for m in memberships)
        parts["form"] = 1.0 if knows_form else 0.0
        if knows_form:
            reasons.append(Reason("form", {"form": need.form}))
        parts["capacity"], room = _capacity(need, candidate, history)
        reasons.append(room)
        score = sum(WEIGHTS[k] * v for k, v in parts.items())
        matches.append(
            Match(
                organisation_id=candidate.organisation_id,
                name=candidate.name,
                score=round(score, 4),
                parts={k: round(v, 3) for k, v in parts.items()},
                reasons=tuple(reasons),
            )
        )
    matches.sort(key=lambda m: (-m.score, m.name, m.organisation_id))
    return matches[:limit] if limit else matches


def precision_at(ranked: Sequence[int], relevant: set[int], k: int = 5) -> float:
    """Share of the first ``k`` ranked ids that are relevant (hits ÷ k).

    >>> precision_at([3, 1, 2], {1}, k=2)
    0.5
    """
    top = list(ranked)[:k]
    return sum(1 for r in top if r in relevant) / k
