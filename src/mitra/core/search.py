"""Search building blocks shared by the lists: accent folding, query words, trigram operators.

PostgreSQL searches with full-text search ('simple' configuration over unaccented text, so one
index serves Indonesian and English alike: neither language's stemmer mangles the other) and with
trigram similarity for names (``pg_trgm``). The indexes are created by the partnerships migration
``0007_search_indexes`` together with ``mitra_unaccent``, an IMMUTABLE wrapper of ``unaccent``
(the extension's own function is only STABLE and cannot be indexed).

SQLite (a single office's installation) has neither: it folds accents and case with a Python
function registered on the connection (``mitra_fold``) and matches every word as a substring.
Both databases therefore find "sulawesi" in "Sulawési" and "JALAN" in "jalan".
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.db import connection
from django.db.models import BooleanField, Func, Q, TextField, Value

#: Words of a query: runs of letters and digits, and a leading "-" that excludes the word.
_WORD = re.compile(r"(-?)([^\W_]+)", re.UNICODE)


def fold(text: str) -> str:
    """Lower case without accents: "Sulawési" → "sulawesi"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def query_words(term: str) -> tuple[list[str], list[str]]:
    """(words every match must contain, words no match may contain), folded.

    The same reading as PostgreSQL's ``websearch_to_tsquery`` for the simple cases: words are
    ANDed, "-word" excludes; quotes group a phrase (here its words are simply all required) and
    "or" is treated as a word the fallback does not understand, so it is dropped.
    """
    wanted: list[str] = []
    excluded: list[str] = []
    for minus, word in _WORD.findall(fold(term)):
        if word == "or" and not minus:
            continue
        (excluded if minus else wanted).append(word)
    return wanted, excluded


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


class Unaccent(Func):
    """``mitra_unaccent(text)``: the IMMUTABLE unaccent (PostgreSQL; see the migration)."""

    function = "mitra_unaccent"
    output_field = TextField()


class Fold(Func):
    """``mitra_fold(text)``: lower case without accents, on SQLite (see `sqlite_functions`)."""

    function = "mitra_fold"
    output_field = TextField()


class WordSimilar(Func):
    """``'term' <% column``: the term is similar to some run of words of the column (pg_trgm);
    answered from a ``gin_trgm_ops`` index."""

    arg_joiner = " <%% "
    template = "(%(expressions)s)"
    output_field = BooleanField()


class ILike(Func):
    """``column ILIKE pattern`` (PostgreSQL): a substring test a ``gin_trgm_ops`` index answers
    (Django's icontains compares ``UPPER(column)``, which that index does not cover)."""

    arg_joiner = " ILIKE "
    template = "(%(expressions)s)"
    output_field = BooleanField()


def sqlite_functions() -> None:
    """Register ``mitra_fold`` on this thread's SQLite connection (cheap, idempotent)."""
    if connection.vendor != "sqlite":
        return
    connection.ensure_connection()
    connection.connection.create_function(
        "mitra_fold", 1, lambda s: fold(s) if s is not None else None, deterministic=True
    )


def folded_contains(columns: list[str], term: str) -> Q:
    """SQLite fallback: every wanted word in one of the columns, no excluded word in any.

    Needs `sqlite_functions()` first. Returns a Q over aliases ``fold_<column>`` that the caller
    adds with `folded_aliases`.
    """
    wanted, excluded = query_words(term)
    condition = Q()
    for word in wanted:
        any_column = Q()
        for column in columns:
            any_column |= Q(**{f"fold_{column}__contains": word})
        condition &= any_column
    for word in excluded:
        for column in columns:
            condition &= ~Q(**{f"fold_{column}__contains": word}) | Q(
                **{f"fold_{column}__isnull": True}
            )
    return condition


def folded_aliases(columns: list[str]) -> dict[str, Any]:
    return {f"fold_{column}": Fold(column) for column in columns}


__all__ = [
    "Fold",
    "ILike",
    "Unaccent",
    "Value",
    "WordSimilar",
    "fold",
    "folded_aliases",
    "folded_contains",
    "is_postgresql",
    "query_words",
    "sqlite_functions",
]
