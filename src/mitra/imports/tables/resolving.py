"""Matching the planned organisations with those that exist, in bulk: by (scheme, identifier),
by normalised name or alias; similar names are queued for review."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from mitra.core.money import format_number
from mitra.organisations.models import Organisation

from ..report import ImportReport
from .cells import normalise_name
from .planning import OrgWant, Planner

#: Fuzzy-match scores from this value up put an organisation on the review queue.
REVIEW_THRESHOLD = 0.5


# --------------------------------------------------------------------------------------------
# Matching organisations that already exist


STOPWORDS = {
    "pt", "tbk", "persero", "ltd", "limited", "co", "inc", "corp", "corporation", "company",
    "the", "of", "and", "dan", "de", "la", "cq", "c", "q", "sa", "ag", "plc", "bhd", "group",
    "holdings", "kepala", "menteri", "direktur", "utama", "jenderal", "sekretaris",
}  # fmt: skip


def _tokens(norm: str) -> set[str]:
    return {t for t in norm.split() if t not in STOPWORDS and len(t) > 1}


def similarity(a: str, b: str) -> float:
    """0…1: half the token overlap (Jaccard), half how much of the shorter name the other
    contains; computed on normalised names without legal-form words."""
    ta, tb = _tokens(normalise_name(a)), _tokens(normalise_name(b))
    if not ta or not tb:
        return 0.0
    inter = len(ta & tb)
    return round(0.5 * inter / len(ta | tb) + 0.5 * inter / min(len(ta), len(tb)), 3)


@dataclass
class Resolved:
    org_ids: dict[tuple[str, str, str], int] = field(default_factory=dict)
    sectors: dict[tuple[str, str, str], str] = field(default_factory=dict)
    new_orgs: list[tuple[OrgWant, dict[str, Any]]] = field(default_factory=list)
    alias_updates: list[Organisation] = field(default_factory=list)
    reviews: list[tuple[OrgWant, int | None, float]] = field(default_factory=list)


def resolve_organisations(planner: Planner, report: ImportReport) -> Resolved:
    out = Resolved()
    by_id = [w for w in planner.orgs.values() if w.key[0] == "id"]
    by_name = [w for w in planner.orgs.values() if w.key[0] == "name"]
    # (scheme, identifier) in bulk
    schemes: dict[str, list[str]] = defaultdict(list)
    for w in by_id:
        schemes[w.key[1]].append(w.key[2])
    existing_ids: dict[tuple[str, str], tuple[int, str]] = {}
    for scheme, idents in schemes.items():
        for chunk in chunks(idents, 900):
            for pk, ident, sector in Organisation.objects.filter(
                identifier_scheme=scheme, identifier__in=chunk
            ).values_list("pk", "identifier", "sector"):
                existing_ids[(scheme, ident)] = (pk, sector)
    taken_names: set[str] = set()
    if by_id:
        wanted_names = [w.name for w in by_id]
        for chunk in chunks(wanted_names, 900):
            taken_names.update(
                Organisation.objects.filter(name__in=chunk).values_list("name", flat=True)
            )
    for w in by_id:
        hit = existing_ids.get((w.key[1], w.key[2]))
        if hit:
            out.org_ids[w.key], out.sectors[w.key] = hit
            report.unchanged["organisation"] += 1
            continue
        name = w.name
        if name in taken_names:
            name = f"{w.name} ({w.key[1]})"[:200]
        if name in taken_names:  # names are unique: two identifiers of one name in the file
            suffix = f" ({w.key[1]} {w.key[2]})"
            name = w.name[: max(0, 200 - len(suffix))] + suffix
        taken_names.add(name)
        out.new_orgs.append(
            (
                w,
                {
                    "name": name,
                    "sector": w.sector,
                    "kind": w.kind,
                    "country": w.country,
                    "identifier_scheme": w.key[1],
                    "identifier": w.key[2],
                },
            )
        )
        out.sectors[w.key] = w.sector
    if by_name:
        _resolve_named(by_name, out, report)
    return out


def _resolve_named(wants: list[OrgWant], out: Resolved, report: ImportReport) -> None:
    """Names: exact normalised name or alias → that organisation; otherwise a new organisation,
    queued for review when an existing one looks similar (score ≥ REVIEW_THRESHOLD)."""
    index: dict[str, int] = {}
    tokens: dict[str, set[int]] = defaultdict(set)
    records: dict[int, Organisation] = {}
    # Organisations without an identifier (names are all they can be matched on), plus any
    # organisation whose exact name is wanted (names are unique).
    wanted = list({n for w in wants for n in [w.name, *w.aliases]})
    by_name = Q(identifier="")
    for chunk in chunks(wanted, 900):
        by_name |= Q(name__in=chunk)
    for org in Organisation.objects.filter(by_name).only(
        "pk", "name", "short_name", "aliases", "sector", "version"
    ):
        records[org.pk] = org
        for spelling in [org.name, *(org.aliases or [])]:
            norm = normalise_name(spelling)
            index.setdefault(norm, org.pk)
            for t in _tokens(norm):
                tokens[t].add(org.pk)
    # The mapping's own organisations, about to be created, are candidates as well.
    planned: dict[str, OrgWant] = {w.key[1]: w for w in wants}
    changed: dict[int, Organisation] = {}
    for w in wants:
        pk = index.get(w.key[1])
        if pk is None:
            for alias in w.aliases:
                pk = index.get(normalise_name(alias))
                if pk is not None:
                    break
        if pk is not None:
            org = records[pk]
            out.org_ids[w.key], out.sectors[w.key] = pk, org.sector
            new_aliases = [
                a
                for a in w.aliases
                if normalise_name(a) not in {normalise_name(x) for x in [org.name, *org.aliases]}
            ]
            if new_aliases:
                org.aliases = [*org.aliases, *new_aliases]
                changed[pk] = org
                report.updated["organisation"] += 1
            else:
                report.unchanged["organisation"] += 1
            continue
        new = {
            "name": w.name,
            "short_name": w.short_name[:40],
            "sector": w.sector,
            "kind": w.kind,
            "country": w.country or "",
            "aliases": list(w.aliases),
        }
        out.new_orgs.append((w, new))
        if w.from_table:
            continue  # curated in the mapping's alias table: never queued
        out.sectors[w.key] = w.sector
        # Similar spellings: existing organisations sharing a word, and other planned names.
        candidates: set[int] = set()
        for t in _tokens(w.key[1]):
            candidates |= tokens.get(t, set())
        best: tuple[float, int | None, str] = (0.0, None, "")
        for pk in candidates:
            org = records[pk]
            score = max(similarity(w.name, s) for s in [org.name, *(org.aliases or [])])
            if score > best[0]:
                best = (score, pk, org.name)
        for other in planned.values():
            if other is w or not other.from_table:
                continue
            score = max(similarity(w.name, s) for s in [other.name, *other.aliases])
            if score > best[0]:
                best = (score, None, other.name)
        if best[0] >= REVIEW_THRESHOLD:
            out.reviews.append((w, best[1], best[0]))
            w.candidate_name = best[2]
            report.warn(
                w.where,
                _(
                    "“%(name)s” may be the same organisation as “%(candidate)s” "
                    "(score %(score)s): queued for review."
                )
                % {"name": w.name, "candidate": best[2], "score": format_number(best[0], 2)},
                w.name,
            )
    out.alias_updates = list(changed.values())


def chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
