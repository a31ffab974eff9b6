"""The CLIs of the computation core speak Indonesian and English (issue 10).

``--lang id|en`` or the environment (LANGUAGE, LC_ALL, LC_MESSAGES, LANG) chooses; English output
stays byte for byte what ``golden/`` recorded. Indonesian reports translate their words from the
project's catalogue (``src/mitra/locale``, through the standard library's gettext: the core never
imports Django) and write numbers with a decimal comma.
"""

from __future__ import annotations

import array
import re
import struct
from pathlib import Path

import pytest

from mitra.analysis import _i18n
from tests.analysis.golden_cases import CASES, GOLDEN, differences, run

#: A few of the translations of /tmp/po/locale.json, compiled by the test into its own catalogue.
SAMPLE = {
    "Project NPV": "NPV proyek",
    "party": "pihak",
    "mean": "rata-rata",
    "PV risk cost by party (a positive amount is a cost)": (
        "Biaya risiko (nilai kini) per pihak (angka positif berarti biaya)"
    ),
    "yes": "ya",
    ("%(n)d problem found", "%(n)d problems found"): ["%(n)d masalah ditemukan"],
    "billion": "miliar",
}


def write_mo(path: Path, messages: dict[object, object]) -> None:
    """A GNU .mo catalogue (what msgfmt writes) of ``messages``; plural entries as tuples."""
    entries: dict[bytes, bytes] = {
        b"": b"Content-Type: text/plain; charset=UTF-8\nPlural-Forms: nplurals=1; plural=0;\n"
    }
    for key, value in messages.items():
        if isinstance(key, tuple):
            forms = value if isinstance(value, list) else [value]
            entries["\0".join(key).encode()] = "\0".join(map(str, forms)).encode()
        else:
            entries[str(key).encode()] = str(value).encode()
    keys = sorted(entries)
    ids = strs = b""
    offsets = []
    for key in keys:
        offsets.append((len(ids), len(key), len(strs), len(entries[key])))
        ids += key + b"\0"
        strs += entries[key] + b"\0"
    key_start = 7 * 4 + 16 * len(keys)
    value_start = key_start + len(ids)
    table: list[int] = []
    for _o1, l1, _o2, _l2 in offsets:
        table += [l1, _o1 + key_start]
    for _o1, _l1, o2, l2 in offsets:
        table += [l2, o2 + value_start]
    header = struct.pack("Iiiiiii", 0x950412DE, 0, len(keys), 7 * 4, 7 * 4 + len(keys) * 8, 0, 0)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(header + array.array("i", table).tobytes() + ids + strs)


@pytest.fixture
def catalogue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The CLIs read this test's catalogue instead of the project's."""
    write_mo(tmp_path / "id" / "LC_MESSAGES" / "django.mo", SAMPLE)
    monkeypatch.setattr(_i18n, "LOCALE_DIR", tmp_path)
    return tmp_path


@pytest.fixture
def empty_catalogue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Indonesian with no translated word: only the numbers change."""
    write_mo(tmp_path / "id" / "LC_MESSAGES" / "django.mo", {})
    monkeypatch.setattr(_i18n, "LOCALE_DIR", tmp_path)
    return tmp_path


@pytest.fixture
def no_locale_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)


# --------------------------------------------------------------------------- choosing


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "id_ID.UTF-8"}, "id"),
        ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "id_ID"}, "id"),
        ({"LANG": "id_ID.UTF-8", "LC_ALL": "C"}, "en"),  # LC_ALL wins over LANG
        ({"LANGUAGE": "id:en", "LANG": "en_US.UTF-8"}, "id"),
        ({"LANGUAGE": "", "LANG": "id"}, "id"),  # set but empty: the next one decides
    ],
)
def test_language_from_the_environment(env: dict[str, str], expected: str) -> None:
    assert _i18n.env_language(env) == expected


def test_lang_option_is_taken_off_the_arguments() -> None:
    assert _i18n.split_lang_option(["a.json", "--lang", "id", "-n", "5"]) == (
        "id",
        ["a.json", "-n", "5"],
        None,
    )
    assert _i18n.split_lang_option(["--lang=en", "a.json"]) == ("en", ["a.json"], None)
    assert _i18n.split_lang_option(["a.json", "--", "--lang", "id"]) == (
        None,
        ["a.json", "--", "--lang", "id"],
        None,
    )
    assert _i18n.split_lang_option(["--lang", "fr"])[2] == "--lang must be id or en, not 'fr'"
    assert _i18n.split_lang_option(["--lang"])[2] == "--lang needs a value: id or en"


def test_bad_lang_is_a_usage_error() -> None:
    out = run(["share", "examples/share/school.json", "--lang", "fr"])
    assert out.startswith("exit 2\n")
    assert "mitra share: --lang must be id or en, not 'fr'" in out


def test_num_follows_the_language(monkeypatch: pytest.MonkeyPatch) -> None:
    _i18n.activate("id")
    try:
        assert _i18n.num(1234567.891, ",.2f") == "1.234.567,89"
        assert _i18n.num(-0.5, "+.3f") == "-0,500"
    finally:
        _i18n.activate(None)
    _i18n.activate("en")
    try:
        assert _i18n.num(1234567.891, ",.2f") == "1,234,567.89"
    finally:
        _i18n.activate(None)


@pytest.mark.parametrize(
    ("value", "spec", "text"),
    [
        (-1e-13, ",.1f", "0.0"),  # a loan repaid to the last cent, by the processor's rounding
        (1e-13, ",.1f", "0.0"),  # the same loan on another processor
        (-0.0, ".2f", "0.00"),
        (-0.00001, ".2%", "0.00%"),
        (-0.04, "11,.1f", "        0.0"),  # padded as any other number
        (-0.06, ".1f", "-0.1"),  # not zero once rounded: keeps its sign
        (-1e-13, ".2e", "-1.00e-13"),
        (float("-inf"), ".1f", "-inf"),
    ],
)
def test_a_number_that_rounds_to_zero_has_no_sign(value: float, spec: str, text: str) -> None:
    for language, written in (("en", text), ("id", text.replace(".", ","))):
        _i18n.activate(language)
        try:
            assert _i18n.num(value, spec) == written
        finally:
            _i18n.activate(None)


# --------------------------------------------------------------------------- English unchanged

SOME = ["simulate-toll-road-table", "finance-school-table", "share-hospital-table"]
SOME += ["align-toll-road-table", "vfm-school-table", "stress-hospital-table"]
SOME += ["fiscal-toll-road-table", "share-wrong-spec", "finance-solve-tariff-school"]


@pytest.mark.parametrize("name", SOME)
def test_english_is_byte_identical_with_lang_en_even_in_an_indonesian_locale(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANG", "id_ID.UTF-8")
    expected = (GOLDEN / f"{name}.out").read_text(encoding="utf-8")
    assert run([*CASES[name], "--lang", "en"]) == expected


@pytest.mark.parametrize("name", ["share-school-table", "finance-toll-road-table"])
def test_english_without_any_locale_variable(name: str, no_locale_env: None) -> None:
    expected = (GOLDEN / f"{name}.out").read_text(encoding="utf-8")
    assert run(CASES[name]) == expected


# --------------------------------------------------------------------------- Indonesian

_NUMBER = re.compile(r"\d[\d,]*\.\d+|\d{1,3}(?:,\d{3})+")


def _swap(match: re.Match[str]) -> str:
    return match.group().translate(str.maketrans({",": ".", ".": ","}))


def _comparable(text: str) -> list[str]:
    """Lines to compare: timings masked (a decimal comma too); the shocks (JSON, as given) and
    the fiscal flags' details (the analysis module's own sentences) left out."""
    text = re.sub(r"time: sampling [0-9.,]+ s, total [0-9.,]+ s", "time: <s>", text)
    text = text.replace("time: sampling <s> s, total <s> s", "time: <s>")
    return [
        line
        for line in text.splitlines()
        if not line.startswith(("  shocks:", "  [", "      rule:", "      source:"))
    ]


@pytest.mark.parametrize("name", [n for n in SOME if n.endswith("-table")])
def test_indonesian_numbers_have_a_decimal_comma(name: str, empty_catalogue: Path) -> None:
    english = (GOLDEN / f"{name}.out").read_text(encoding="utf-8")
    indonesian = run([*CASES[name], "--lang", "id"])
    # with no word translated, the only difference is the separators of every number
    assert indonesian != english
    assert _comparable(indonesian) == _comparable(_NUMBER.sub(_swap, english))


def test_indonesian_words_from_the_catalogue(catalogue: Path) -> None:
    out = run([*CASES["simulate-toll-road-table"], "--lang", "id"])
    assert "\nNPV proyek\n" in out
    assert "Biaya risiko (nilai kini) per pihak (angka positif berarti biaya)" in out
    assert "  pihak  " in out and "rata-rata" in out
    assert "IDR miliar" in out
    assert "Project NPV" not in out
    errors = run([*CASES["share-wrong-spec"], "--lang", "id"])
    assert "masalah ditemukan" in errors and "problem" not in errors


def test_environment_chooses_indonesian(catalogue: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LANGUAGE", raising=False)
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "id_ID.UTF-8")
    assert "\nNPV proyek\n" in run(CASES["simulate-toll-road-table"])


def test_json_output_never_changes_with_the_language(empty_catalogue: Path) -> None:
    expected = (GOLDEN / "share-school-json.out").read_text(encoding="utf-8")
    english = run(CASES["share-school-json"])
    assert differences(english, expected) == []  # the recording, within the CPU's last bits
    assert run([*CASES["share-school-json"], "--lang", "id"]) == english  # byte for byte


def test_the_projects_catalogue_translates_the_cli() -> None:
    """Once the lead has merged /tmp/po/locale.json and compiled the catalogue."""
    import gettext

    project = gettext.translation("django", _i18n.LOCALE_DIR, languages=["id"], fallback=True)
    if project.gettext("PV risk cost by party (a positive amount is a cost)").startswith("PV"):
        pytest.skip("the CLI's Indonesian translations are not merged and compiled yet")
    out = run([*CASES["simulate-toll-road-table"], "--lang", "id"])
    assert "NPV proyek" in out and "Biaya risiko (nilai kini) per pihak" in out
    assert "2.000 iterasi" not in out  # 3,000 iterations in this case
    assert "3.000 iterasi, seed 7" in out
