"""Benchmark of the streaming exports and the paginated open-data packages (issue 19).

Generates N public partnerships with a fast bulk factory (two members each), then measures:

- the CSV of the partnership list as streamed (time to the first byte and in total), and the
  same file built the old way (ORM objects with their members, ``get_FOO_display`` per row);
- the XLSX of the stream limit's worth of rows (what a request may still build);
- OCDS release package pages (page_size 100 and 1000): the first request, which makes the
  releases, a warm one, with their time and Python memory peak (tracemalloc), and one after an
  edit of one of the page's partnerships and after an edit of a partnership on another page
  (with the page cache off, as here, every request checks its releases); OC4IDS project pages
  unchanged and after an edit of one of their projects;
- ``publish_dumps``: the bulk files, regenerated in the background in production (not with
  ``--quick``).

Times are measured without tracemalloc; the memory peaks in a second run with it.

SQLite in a temporary folder by default; PostgreSQL when ``DATABASE_URL`` is set (use a scratch
database of your own, e.g. ``createdb -h 127.0.0.1 -U root mitra_bench_exports``: its
partnerships are deleted first). Prints a plain-text table.

Usage: ``.venv/bin/python bench/exports.py [--quick] [-n N]``.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

CHECKOUT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(CHECKOUT))
if not os.environ.get("DATABASE_URL"):
    os.environ.setdefault("MITRA_VAR_DIR", tempfile.mkdtemp(prefix="mitra-bench-exports-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mitra.config.settings.local")
os.environ.setdefault("DEBUG", "0")


def measure(fn: Callable[[], Any]) -> tuple[float, int, Any]:
    """Seconds and tracemalloc peak (bytes) of one call."""
    tracemalloc.start()
    start = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return elapsed, peak, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="2,000 partnerships")
    parser.add_argument("-n", type=int, default=None, help="partnerships (default 22,000)")
    parser.add_argument("--ocds-only", action="store_true", help="only the OCDS pages")
    args = parser.parse_args()
    n = args.n or (2000 if args.quick else 22000)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import override_settings, setup_test_environment
    from django.utils import translation

    setup_test_environment()
    call_command("migrate", verbosity=0, interactive=False)
    from mitra.core.exports import _csv_lines, csv_style, stream_limit
    from mitra.disclosure import dumps, marks
    from mitra.disclosure.codelists import INFRASTRUCTURE_SECTORS
    from mitra.disclosure.models import Release
    from mitra.organisations.models import Organisation
    from mitra.partnerships import selectors
    from mitra.partnerships.exports import PARTNERSHIP_COLUMNS
    from mitra.partnerships.models import Partnership
    from tests.disclosure.bulk import bulk_partnerships

    vendor = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[1]
    Release.objects.filter(partnership__code__startswith="BENCH-").delete()
    Partnership.objects.filter(code__startswith="BENCH-").delete()
    marks.forget_unpublished()  # the deleted ones' (what the bulk files' regeneration does)
    orgs = [
        Organisation.objects.get_or_create(
            name=f"Bench organisation {i}",
            defaults={"short_name": f"Bench {i}", "sector": s, "kind": k, "province": "ID-JB"},
        )[0]
        for i, (s, k) in enumerate([("public", "regional_government"), ("private", "company")])
    ]
    start = time.perf_counter()
    bulk_partnerships(n, organisations=orgs, prefix="BENCH")
    made = time.perf_counter() - start
    rows: list[tuple[str, str, str, str]] = []
    client = Client()

    if not args.ocds_only:  # the files

        def streamed() -> tuple[float, int]:
            response = client.get("/en/partnerships/?export=csv")
            chunks = iter(response.streaming_content)
            first_at = time.perf_counter()
            size = len(next(chunks))
            first = time.perf_counter() - first_at
            for chunk in chunks:
                size += len(chunk)
            return first, size

        with override_settings(MITRA_EXPORT_STREAM_LIMIT=10**9, ALLOWED_HOSTS=["testserver"]):
            start = time.perf_counter()
            first, size = streamed()
            total = time.perf_counter() - start
            _, peak, _ = measure(streamed)
        rows.append(
            (
                "CSV streamed (lean rows)",
                f"{n:,}",
                f"first byte {first * 1000:.0f} ms, total {total:.2f} s",
                f"{size / 1e6:.1f} MB, peak {peak / 2**20:.0f} MiB",
            )
        )

        def old_way() -> int:
            with translation.override("en"):
                qs = selectors.with_members(selectors.partnership_list(user=None, filters={}))
                return sum(
                    len(line)
                    for line in _csv_lines(
                        qs.iterator(chunk_size=2000), PARTNERSHIP_COLUMNS, csv_style("en")
                    )
                )

        start = time.perf_counter()
        old_way()
        total = time.perf_counter() - start
        _, peak, _ = measure(old_way)
        rows.append(
            (
                "CSV the old way (ORM objects)",
                f"{n:,}",
                f"total {total:.2f} s",
                f"peak {peak / 2**20:.0f} MiB",
            )
        )

        limit = stream_limit()
        from mitra.core.exports import write_xlsx
        from mitra.partnerships.exports import PARTNERSHIP_ROW_COLUMNS, partnership_rows

        def xlsx() -> int:
            with translation.override("en"):
                qs = Partnership.objects.published().order_by("-created_at")[:limit]
                return write_xlsx(io.BytesIO(), partnership_rows(qs), PARTNERSHIP_ROW_COLUMNS, "x")

        start = time.perf_counter()
        count = xlsx()
        total = time.perf_counter() - start
        _, peak, _ = measure(xlsx)  # (tracemalloc slows it: the time is from the run before)
        rows.append(
            (
                "XLSX in a request (stream limit)",
                f"{count:,}",
                f"total {total:.2f} s",
                f"peak {peak / 2**20:.0f} MiB",
            )
        )

    def edit(pk: int) -> None:
        """An edit of one partnership's public content, as a partner saves it."""
        p = Partnership.objects.get(pk=pk)
        text = p.summary_ind
        p.summary_ind = text[:-1] if text.endswith(".") else text + "."
        p.save()

    published = Partnership.objects.published().order_by("created_at", "id")
    for size in (100,) if args.quick else (100, 1000):
        url = f"/api/v1/ocds/release-package?page_size={size}"
        on_page = list(published.values_list("pk", flat=True)[:size])
        elsewhere = published.order_by("-created_at", "-id").values_list("pk", flat=True)[0]
        with override_settings(ALLOWED_HOSTS=["testserver"], MITRA_RATE_LIMITS={}):
            start = time.perf_counter()
            client.get(url)
            cold = time.perf_counter() - start
            start = time.perf_counter()
            r = client.get(url)
            warm = time.perf_counter() - start
            _, peak, _ = measure(lambda url=url: client.get(url))
            after: dict[str, float] = {}
            for case, pk in (
                ("of one of its partnerships", on_page[size // 2]),
                ("on another page", elsewhere),
            ):
                edit(pk)
                start = time.perf_counter()
                assert client.get(url).status_code == 200
                after[case] = time.perf_counter() - start
        assert r.status_code == 200, r.content[:200]
        rows.append(
            (
                f"OCDS page of {size}, first (makes releases: bulk rows, or new settings)",
                f"{size:,}",
                f"{cold * 1000:.0f} ms",
                "",
            )
        )
        rows.append(
            (
                f"OCDS page of {size}, again",
                f"{size:,}",
                f"{warm * 1000:.0f} ms",
                f"peak {peak / 2**20:.0f} MiB, {len(r.content) / 1e6:.1f} MB",
            )
        )
        for case, seconds in after.items():
            rows.append(
                (
                    f"OCDS page of {size}, after an edit {case}",
                    f"{size:,}",
                    f"{seconds * 1000:.0f} ms",
                    "",
                )
            )

    # What an import now does in its transaction: make the releases of what it wrote (here of
    # every partnership the pages above have not made yet), so no reader's page makes them.
    from mitra.disclosure.services import releases_build

    rest = list(
        published.filter(code__startswith="BENCH-")
        .exclude(pk__in=Release.objects.filter(sequence=1).values("partnership_id"))
        .values_list("pk", flat=True)
    )
    start = time.perf_counter()
    releases_build(rest)
    seconds = time.perf_counter() - start
    rows.append(
        (
            "releases made as an import makes them (releases_build)",
            f"{len(rest):,}",
            f"{seconds:.1f} s",
            f"{seconds * 1e6 / max(1, len(rest)):.0f} ms per 1,000",
        )
    )

    # OC4IDS: the infrastructure partnerships only (some of the factory's sectors).
    infrastructure = published.filter(development_sector__in=INFRASTRUCTURE_SECTORS)
    for size in (100,) if args.quick else (100, 1000):
        url = f"/api/v1/oc4ids/project-package?page_size={size}"
        on_page = list(infrastructure.values_list("pk", flat=True)[:size])
        with override_settings(ALLOWED_HOSTS=["testserver"], MITRA_RATE_LIMITS={}):
            client.get(url)
            for case, pk in (
                ("again", None),
                ("after an edit of one of its projects", on_page[len(on_page) // 2]),
            ):
                if pk is not None:
                    edit(pk)
                start = time.perf_counter()
                r = client.get(url)
                seconds = time.perf_counter() - start
                assert r.status_code == 200, r.content[:200]
                rows.append(
                    (
                        f"OC4IDS page of {size}, {case}",
                        f"{len(on_page):,}",
                        f"{seconds * 1000:.0f} ms",
                        f"{len(r.content) / 1e6:.1f} MB",
                    )
                )

    if not (args.quick or args.ocds_only):
        with tempfile.TemporaryDirectory() as folder, override_settings(MITRA_OPEN_DATA_DIR=folder):
            start = time.perf_counter()
            files = dumps.publish()
            total = time.perf_counter() - start
        rows.append(
            (
                "publish_dumps (background)",
                f"{n:,}",
                f"{total:.1f} s",
                ", ".join(f"{f['size'] / 1e6:.1f}" for f in files) + " MB",
            )
        )

    print(f"Exports benchmark on {vendor}: {n:,} public partnerships made in {made:.1f} s")
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    header = ("case", "rows", "time", "memory / size")
    widths = [max(w, len(h)) for w, h in zip(widths, header, strict=True)]
    line = "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))
    print(line)
    print("-" * len(line))
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)))
    Release.objects.filter(partnership__code__startswith="BENCH-").delete()
    Partnership.objects.filter(code__startswith="BENCH-").delete()


if __name__ == "__main__":
    main()
