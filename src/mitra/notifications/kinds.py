"""The kinds of notification and their words, registered by each app in its ``ready()``.

A kind's message is a lazy string with ``%(name)s`` placeholders filled from the notification's
``params``; it is rendered in the reader's language when shown or e-mailed.

Params are stored in both languages (``localise_params``, when the notification is created): a
param given as a lazy string (a choice label, ``gettext_lazy``) or as an object whose ``str()``
follows the active language (a lifecycle step's label) is rendered under each language, and the
partnership's title is read in each language through the resolver an app above registers
(``register_partnership_titles``). The stored row keeps the flat strings (the creator's
language, what rows stored before did) plus ``params["_i18n"] = {"en": {...}, "id": {...}}``
for the params whose words differ; ``message`` prefers the reader's language.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

#: The key of ``params`` that holds the words of each language.
I18N_KEY = "_i18n"

#: ``resolver(partnership_id) -> {"id": title, "en": title}`` (registered by an app above).
PartnershipTitles = Callable[[int], dict[str, str]]
_TITLES: list[PartnershipTitles] = []


def register_partnership_titles(resolver: PartnershipTitles) -> None:
    """How to read a partnership's title in each language (one resolver; the last wins)."""
    _TITLES[:] = [resolver]


def _languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def _reader_language() -> str:
    language = translation.get_language() or settings.LANGUAGE_CODE
    codes = _languages()
    return language if language in codes else language.split("-")[0]


def localise_params(params: dict[str, Any] | None, partnership_id: int | None = None) -> dict:
    """The params to store: each as a string, plus each language's words where they differ."""
    flat: dict[str, Any] = {}
    per_language: dict[str, dict[str, str]] = {code: {} for code in _languages()}
    for key, value in (params or {}).items():
        flat[key] = str(value)
        if isinstance(value, str):
            continue  # a name, a date, a note: the same words in every language
        for code in per_language:
            with translation.override(code):
                per_language[code][key] = str(value)
    title = flat.get("partnership")
    if partnership_id and title is not None and _TITLES:
        try:
            titles = _TITLES[0](partnership_id)
        except Exception:
            titles = {}
        if title in titles.values():
            for code in per_language:
                if titles.get(code):
                    per_language[code]["partnership"] = titles[code]
    keys = {k for words in per_language.values() for k in words}
    differing = {
        k for k in keys if len({words.get(k, flat[k]) for words in per_language.values()}) > 1
    }
    if differing:
        flat[I18N_KEY] = {
            code: {k: v for k, v in words.items() if k in differing}
            for code, words in per_language.items()
        }
    return flat


def params_for_reader(params: dict[str, Any]) -> dict[str, str]:
    """The params in the active language (rows stored without ``_i18n`` keep their words), dates
    and times as the reader reads them elsewhere (stored as ISO: see :func:`_as_read`)."""
    values = {k: _as_read(str(v)) for k, v in params.items() if k != I18N_KEY}
    words = params.get(I18N_KEY)
    if isinstance(words, dict):
        mine = words.get(_reader_language())
        if isinstance(mine, dict):
            values.update({k: str(v) for k, v in mine.items()})
    return values


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)")
#: How meeting times were stored before (local time and the zone's abbreviation).
_OLD_LOCAL_TIME = re.compile(r"(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2})( \S+)?")


def _as_read(value: str) -> str:
    """An ISO date (2026-12-21) in the active language's short format (21-12-2026, 21/12/2026);
    an ISO moment with its offset in the reader's time zone too; anything else as it is."""
    try:
        if _ISO_DATE.fullmatch(value):
            return formats.date_format(datetime.date.fromisoformat(value), "SHORT_DATE_FORMAT")
        if _ISO_MOMENT.fullmatch(value):
            moment = timezone.localtime(datetime.datetime.fromisoformat(value))
            return formats.date_format(moment, "SHORT_DATETIME_FORMAT")
        old = _OLD_LOCAL_TIME.fullmatch(value)
        if old:
            day = formats.date_format(datetime.date.fromisoformat(old[1]), "SHORT_DATE_FORMAT")
            return f"{day} {old[2]}{old[3] or ''}"
    except ValueError:  # 2026-02-30: not a date after all
        pass
    return value


@dataclass(frozen=True)
class Kind:
    key: str
    #: What the preference page and the feed's filter call it ("Invitations").
    label: Promise | str
    #: The sentence, e.g. _("%(organisation)s invites you to join %(partnership)s.")
    message: Promise | str
    #: The sentence in a partnership's activity feed, which every partner reads, when the
    #: message speaks to its recipient ("the task is yours"); None: the message itself.
    feed_message: Promise | str | None = None


_KINDS: dict[str, Kind] = {}


def register_kind(
    key: str,
    label: Promise | str,
    message: Promise | str,
    feed_message: Promise | str | None = None,
) -> Kind:
    kind = Kind(key, label, message, feed_message)
    _KINDS[key] = kind
    return kind


def kinds() -> list[Kind]:
    return list(_KINDS.values())


def message(kind_key: str, params: dict[str, Any], *, feed: bool = False) -> str:
    """The sentence of a notification (``feed``: of a partnership's activity feed) in the
    active language."""
    kind = _KINDS.get(kind_key)
    if kind is None:
        return str(_("Something changed."))
    sentence = kind.feed_message if feed and kind.feed_message is not None else kind.message
    try:
        return str(sentence) % params_for_reader(params or {})
    except (KeyError, TypeError, ValueError):
        return str(kind.label)
