"""Indonesian everywhere a person reads: every message has a translation, and the compiled
catalogue that Django loads says the same as the source catalogue."""

from __future__ import annotations

import gettext
from pathlib import Path

from babel.messages.pofile import read_po

LOCALE = Path(__file__).resolve().parents[1] / "src" / "mitra" / "locale"


def _catalog(language: str):
    with (LOCALE / language / "LC_MESSAGES" / "django.po").open("rb") as handle:
        return read_po(handle, locale=language)


def test_every_message_has_an_indonesian_translation():
    catalog = _catalog("id")
    missing = [
        m.id
        for m in catalog
        if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)))
    ]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert len(catalog) > 400
    assert missing == []
    assert fuzzy == []


def test_compiled_indonesian_catalogue_matches_the_source():
    # (English is the source language: its catalogue has no translations to compare.)
    catalog = _catalog("id")
    with (LOCALE / "id" / "LC_MESSAGES" / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = [
        m.id
        for m in catalog
        if m.id
        and isinstance(m.id, str)
        and m.string
        and not m.fuzzy
        and not m.context
        and compiled.gettext(m.id) != m.string
    ]
    assert len(catalog) > 400
    assert stale == [], "run `mitra compilemessages` in src/mitra"
