"""Precision of the suggested partners (issue 17), on two labelled sets. Prints tables.

**Demo set** (a fresh temporary SQLite database loaded with ``mitra demo``): every need that has
at least one commitment. Relevant organisations = those that committed to it. Held out: the
ranker sees nothing of the need's own partnership (commitments, memberships: the ``rank(...,
exclude_partnership=True)`` setting), every registered organisation is a candidate, and by
default matching profiles are ignored (the demo's were written knowing the demo partnerships;
``--with-profiles`` uses them too). What is left is each organisation's directory entry (resource
types, expertise, description, province) and its commitments in the other partnerships.

**World Bank PPI set** (``shared/data/wb-ppi-water-sewerage``, the shared part; real projects):
every project, in order of financial closure, is a need for private finance ("cash") in its
country, subsector and PPI type; its sponsors are the relevant organisations; candidates are all
sponsors seen before it, each with a track record built from its earlier projects only (fulfilment
1 for active or concluded projects, 0 for cancelled or distressed ones) and a text profile made of
those projects' names, segments and locations. Projects with no earlier sponsor are skipped.

precision@5 = relevant among the top 5 ÷ 5 (averaged over needs); "P@5 (norm.)" divides by
min(5, relevant) instead, so that a need with one relevant organisation can score 1; recall@5 =
relevant found in the top 5 ÷ relevant. Baselines: the most active organisations first
("popularity"), and random order (expected value).

Usage: ``.venv/bin/python bench/matching.py [--quick] [--with-profiles] [--no-ppi]``.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path
from statistics import mean

CHECKOUT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(CHECKOUT / "src"))

from mitra.matching import ranking  # noqa: E402 - pure, no Django

PPI = CHECKOUT.parent / "shared" / "data" / "wb-ppi-water-sewerage" / "ppi_water_sewerage.csv"
K = 5


def metrics(runs: list[tuple[list[int], set[int]]]) -> dict[str, float]:
    p, pn, r = [], [], []
    for ranked, relevant in runs:
        hits = sum(1 for x in ranked[:K] if x in relevant)
        p.append(hits / K)
        pn.append(hits / min(K, len(relevant)))
        r.append(hits / len(relevant))
    return {"n": len(runs), "p5": mean(p), "p5n": mean(pn), "r5": mean(r)}


def random_expected(runs: list[tuple[list[int], set[int]]]) -> dict[str, float]:
    """Expected metrics of a random order: each candidate is in the top 5 with chance 5/N."""
    p, pn, r = [], [], []
    for ranked, relevant in runs:
        n = len(ranked)
        hits = len(relevant) * min(K, n) / n
        p.append(hits / K)
        pn.append(hits / min(K, len(relevant)))
        r.append(hits / len(relevant))
    return {"n": len(runs), "p5": mean(p), "p5n": mean(pn), "r5": mean(r)}


def table(title: str, rows: list[tuple[str, dict[str, float]]]) -> None:
    print(f"\n{title}")
    print(f"{'ranker':<34} {'needs':>6} {'P@5':>7} {'P@5 (norm.)':>12} {'R@5':>7}")
    print("-" * 70)
    for name, m in rows:
        print(f"{name:<34} {m['n']:>6} {m['p5']:>7.3f} {m['p5n']:>12.3f} {m['r5']:>7.3f}")


# --- the demo -------------------------------------------------------------------------------------


def demo_set(with_profiles: bool) -> list[tuple[str, dict[str, float]]]:
    tmp = tempfile.mkdtemp(prefix="mitra-bench-matching-")
    os.environ["MITRA_VAR_DIR"] = tmp
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mitra.config.settings.local")
    os.environ["DEBUG"] = "0"
    import django

    django.setup()
    from django.core.management import call_command

    from mitra.matching import selectors
    from mitra.partnerships.models import Commitment, Need

    call_command("migrate", verbosity=0, interactive=False)
    with open(os.devnull, "w") as quiet:
        call_command("demo", stdout=quiet)
    candidates = selectors.candidates(profiles=with_profiles)
    committed: dict[int, set[int]] = defaultdict(set)
    for need_id, org_id in Commitment.objects.values_list("need_id", "member__organisation_id"):
        committed[need_id].add(org_id)
    runs, popular_runs = [], []
    for need in Need.objects.select_related("partnership").filter(pk__in=committed):
        query = selectors.need_query(need)
        ranked = [
            m.organisation_id
            for m in ranking.rank(query, candidates, exclude_partnership=True, limit=None)
        ]
        runs.append((ranked, committed[need.pk]))
        activity = Counter(
            c.organisation_id
            for c in candidates
            for h in c.history
            if h.partnership_id != need.partnership_id
        )
        popular = sorted((c.organisation_id for c in candidates), key=lambda o: (-activity[o], o))
        popular_runs.append((popular, committed[need.pk]))
    label = "Mitra ranker" + (" (with profiles)" if with_profiles else "")
    return [
        (label, metrics(runs)),
        ("popularity (most commitments)", metrics(popular_runs)),
        ("random order (expected)", random_expected(runs)),
    ]


# --- World Bank PPI -------------------------------------------------------------------------------

_SHARE = re.compile(r"\s*\(.*?\)\s*$")
_BAD = {"Cancelled", "Distressed"}


def _sponsors(cell: str) -> list[str]:
    parts = re.split(r",\s+(?![^()]*\))|\r+", cell or "")
    names = [_SHARE.sub("", p).strip() for p in parts]
    return [n for n in names if n and n not in {"Not Available", "N/A", ".."}]


def ppi_set(quick: bool) -> list[tuple[str, dict[str, float]]]:
    with open(PPI, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    rows = [r for r in rows if _sponsors(r["Sponsors"]) and r["Financial closure year"].isdigit()]
    rows.sort(key=lambda r: (int(r["Financial closure year"]), int(r["record_no"])))
    ids: dict[str, int] = {}
    history: dict[int, list[ranking.PastCommitment]] = defaultdict(list)
    memberships: dict[int, list[ranking.Membership]] = defaultdict(list)
    texts: dict[int, list[str]] = defaultdict(list)
    runs, popular_runs = [], []
    for number, row in enumerate(rows):
        sponsors = {ids.setdefault(n, len(ids) + 1) for n in _sponsors(row["Sponsors"])}
        sector = f"{row['Subsector']}/{row['Segment']}"
        known = [o for o in history if history[o]]
        relevant = sponsors & set(known)
        if relevant and (not quick or number % 3 == 0):
            need = ranking.NeedQuery(
                need_id=-number,
                partnership_id=-number,
                resource_type="cash",
                development_sector=sector,
                form=row["Type of PPI"],
                province=row["Country"],
                text=f"{row['Project name']} {row['Segment']} {row['Location']}",
                measure="USD",
                is_cash=True,
                gap=1.0,
            )
            candidates = [
                ranking.Candidate(
                    organisation_id=o,
                    name=str(o),
                    resource_types=frozenset({"cash"}),
                    regions=frozenset(m.province for m in memberships[o]),
                    text=" ".join(texts[o]),
                    history=tuple(history[o]),
                    memberships=tuple(memberships[o]),
                )
                for o in known
            ]
            ranked = [m.organisation_id for m in ranking.rank(need, candidates, limit=None)]
            runs.append((ranked, relevant))
            popular = sorted(known, key=lambda o: (-len(history[o]), o))
            popular_runs.append((popular, relevant))
        ok = (
            None
            if row["Project status"] in ("", "N/A")
            else float(row["Project status"] not in _BAD)
        )
        for o in sponsors:
            history[o].append(
                ranking.PastCommitment(
                    need_id=number,
                    partnership_id=number,
                    resource_type="cash",
                    development_sector=sector,
                    form=row["Type of PPI"],
                    fulfilment=ok,
                    outstanding=0.0,
                    measure="USD",
                )
            )
            memberships[o].append(
                ranking.Membership(number, row["Type of PPI"], sector, row["Country"])
            )
            texts[o].append(f"{row['Project name']} {row['Segment']} {row['Location']}")
    return [
        ("Mitra ranker", metrics(runs)),
        ("popularity (most earlier projects)", metrics(popular_runs)),
        ("random order (expected)", random_expected(runs)),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="every third PPI project only")
    parser.add_argument("--with-profiles", action="store_true", help="use the demo's profiles")
    parser.add_argument("--no-ppi", action="store_true", help="skip the World Bank PPI set")
    args = parser.parse_args()
    table(
        "Suggested partners, demo set: needs with commitments, their partnership held out",
        demo_set(args.with_profiles),
    )
    if not args.no_ppi and PPI.exists():
        table(
            "Suggested partners, World Bank PPI water & sewerage: sponsors of each project, "
            "earlier projects only",
            ppi_set(args.quick),
        )


if __name__ == "__main__":
    main()
