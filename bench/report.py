"""Benchmark of the partnership report (issue 12): the time to build the demo hospital KPBU's
report as its PJPK sees it, in Indonesian and in English.

Loads the demo into a fresh temporary SQLite database, then for each language times: building
the sections (the selectors and the pages' charts; the first run draws every chart, later runs
find the finance charts in their in-memory cache), laying out and writing the PDF with
WeasyPrint, and writing the XLSX. Prints a table of the first run and the median of the others
(seconds), the number of PDF pages and the file sizes. The target is under 5 s for the PDF
(sections + PDF); this prints, it does not assert.

Usage: ``.venv/bin/python bench/report.py [--runs N] [--user sda-admin]``.
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

CHECKOUT = Path(__file__).resolve().parents[1]
TARGET_S = 5.0
HOSPITAL_TITLE = "RSUD"


def _setup() -> None:
    os.environ["MITRA_VAR_DIR"] = tempfile.mkdtemp(prefix="mitra-bench-report-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mitra.config.settings.local")
    os.environ["DEBUG"] = "0"
    sys.path.insert(0, str(CHECKOUT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    out = io.StringIO()
    call_command("demo", stdout=out, stderr=out)
    logging.getLogger("weasyprint").setLevel(logging.WARNING)


def _one(user: Any, partnership: Any, language: str) -> dict[str, float]:
    from django.utils import translation
    from weasyprint import HTML

    from mitra.finance import report

    with translation.override(language):
        start = time.perf_counter()
        built = report.report_build(user=user, partnership=partnership)
        sections = time.perf_counter()
        document = HTML(string=report.report_html(built)).render()
        pdf = document.write_pdf()
        laid_out = time.perf_counter()
        xlsx = report.report_xlsx(built)
        done = time.perf_counter()
    return {
        "sections": sections - start,
        "pdf": laid_out - sections,
        "total_pdf": laid_out - start,
        "xlsx": done - laid_out,
        "pages": float(len(document.pages)),
        "pdf_kb": len(pdf) / 1024,
        "xlsx_kb": len(xlsx) / 1024,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=4, help="runs per language (default 4)")
    parser.add_argument("--user", default="sda-admin", help="demo login (default: the PJPK)")
    parser.add_argument("--quick", action="store_true", help="2 runs (make bench's BENCH_ARGS)")
    options = parser.parse_args()
    if options.quick:
        options.runs = 2
    print("loading the demo into a fresh database ...", file=sys.stderr)
    _setup()
    from django.contrib.auth import get_user_model

    from mitra.partnerships.models import Partnership

    user = get_user_model().objects.get(username=options.user)
    partnership = Partnership.objects.filter(title_ind__contains=HOSPITAL_TITLE).first()
    if partnership is None:
        print("the demo has no hospital KPBU", file=sys.stderr)
        return 1
    rows = []
    for language in ("id", "en"):
        runs = [_one(user, partnership, language) for _ in range(max(1, options.runs))]
        first, rest = runs[0], runs[1:] or runs
        rows.append((language, first, {k: statistics.median(r[k] for r in rest) for k in first}))
    print(f"Partnership report of {partnership.code} ({partnership.title}) for {options.user}")
    print(f"target: sections + PDF under {TARGET_S:.0f} s (printed, not asserted)\n")
    head = (
        f"{'lang':<5}{'run':<8}{'sections s':>11}{'PDF s':>8}{'total s':>9}{'XLSX s':>8}"
        f"{'pages':>7}{'PDF kB':>8}{'XLSX kB':>9}  target"
    )
    print(head)
    print("-" * len(head))
    for language, first, median in rows:
        for label, r in (("first", first), ("median", median)):
            ok = "ok" if r["total_pdf"] < TARGET_S else "SLOW"
            print(
                f"{language:<5}{label:<8}{r['sections']:>11.2f}{r['pdf']:>8.2f}"
                f"{r['total_pdf']:>9.2f}{r['xlsx']:>8.2f}{r['pages']:>7.0f}{r['pdf_kb']:>8.0f}"
                f"{r['xlsx_kb']:>9.0f}  {ok}"
            )
    print(f"\n{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
