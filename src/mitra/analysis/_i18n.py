"""The language of the command-line reports: Indonesian or English (private).

The computation core does not import Django, so it translates with the standard library's
:mod:`gettext`, from the project's own compiled catalogue
(``mitra/locale/<lang>/LC_MESSAGES/django.mo``): ``makemessages`` extracts the ``_("...")``
calls of this package like any other, so the CLI's words are translated with the rest of Mitra.
Messages with values are written ``_("... %(x)s ...") % {...}`` (never inside an f-string,
which ``makemessages`` cannot read).

The language is ``--lang id|en`` (``mitra`` takes it off the arguments before the command sees
them, see :func:`split_lang_option`), else the environment: the first of ``LANGUAGE``,
``LC_ALL``, ``LC_MESSAGES`` and ``LANG`` that is set decides, Indonesian when it starts with
``id``, English otherwise. Numbers follow it: ``1.234,56`` in Indonesian, ``1,234.56`` in
English (:func:`num`). JSON output never changes with the language.
"""

from __future__ import annotations

import gettext as _gettext
import math
import os
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path

__all__ = [
    "LANGUAGES",
    "LOCALE_DIR",
    "_",
    "activate",
    "active",
    "env_language",
    "gettext_noop",
    "ngettext",
    "num",
    "split_lang_option",
]

LANGUAGES = ("id", "en")
#: Where the compiled catalogues live: ``src/mitra/locale``.
LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
_ENV_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
_SWAP = str.maketrans({",": ".", ".": ","})

_state: dict[str, str | None] = {"language": None, "locale_dir": None}


def env_language(environ: Mapping[str, str] | None = None) -> str:
    """``id`` when the first locale variable that is set starts with ``id``, else ``en``."""
    env = os.environ if environ is None else environ
    for name in _ENV_VARIABLES:
        value = env.get(name, "")
        if value:
            return "id" if value.lower().startswith("id") else "en"
    return "en"


def activate(language: str | None, locale_dir: str | Path | None = None) -> None:
    """Use ``language`` (``id``/``en``) from now on; None: back to the environment's.

    ``locale_dir`` reads the catalogues from elsewhere (tests compile their own)."""
    if language is not None and language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; use one of {', '.join(LANGUAGES)}")
    _state["language"] = language
    _state["locale_dir"] = None if locale_dir is None else str(locale_dir)


def active() -> str:
    """The language of the reports now: the activated one, else the environment's."""
    return _state["language"] or env_language()


@cache
def _catalogue(language: str, locale_dir: str) -> _gettext.NullTranslations:
    if language == "en":  # the messages are written in English
        return _gettext.NullTranslations()
    return _gettext.translation("django", locale_dir, languages=[language], fallback=True)


def _translations() -> _gettext.NullTranslations:
    return _catalogue(active(), _state["locale_dir"] or str(LOCALE_DIR))


def _(message: str) -> str:
    """``message`` in the report's language (English when the catalogue lacks it)."""
    return _translations().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form of a message for ``n``, in the report's language."""
    return _translations().ngettext(singular, plural, n)


def num(value: float | int, spec: str) -> str:
    """``format(value, spec)`` with the language's separators: ``num(1234.5, ",.2f")`` is
    ``1,234.50`` in English and ``1.234,50`` in Indonesian (same width: pad it afterwards).

    A value that rounds to zero is written without a sign: a loan repaid to the last cent
    ends at ``-1e-13`` or ``1e-13`` by the processor's rounding, and a table should read
    ``0.0`` either way, not ``-0.0`` (as Python's ``z`` option of format specs does)."""
    text = format(value, spec)
    negative_zero = text.lstrip().startswith("-") and not any(d in text for d in "123456789")
    if negative_zero and math.isfinite(value):
        text = format(0.0, spec)
    return text.translate(_SWAP) if active() == "id" else text


def split_lang_option(args: Sequence[str]) -> tuple[str | None, list[str], str | None]:
    """Take ``--lang id|en`` (or ``--lang=id``) off a command's arguments.

    Returns (language or None, the other arguments, an error message or None). Arguments after
    ``--`` are left alone."""
    rest: list[str] = []
    language: str | None = None
    items = list(args)
    i = 0
    while i < len(items):
        item = items[i]
        if item == "--":
            rest += items[i:]
            break
        if item == "--lang" or item.startswith("--lang="):
            if item == "--lang":
                if i + 1 >= len(items):
                    return None, rest, "--lang needs a value: id or en"
                value = items[i + 1]
                i += 2
            else:
                value = item.partition("=")[2]
                i += 1
            if value not in LANGUAGES:
                return None, rest, f"--lang must be id or en, not {value!r}"
            language = value
            continue
        rest.append(item)
        i += 1
    return language, rest, None


def gettext_noop(message: str) -> str:
    """Marks a message for the catalogue without translating it (used where the message is
    translated later, e.g. inside an f-string, which xgettext does not read)."""
    return message
