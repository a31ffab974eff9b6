"""The report's PDF, looked at from outside: ``pdftoppm`` turns it into PNG pages that must exist
and not be blank, ``pdftotext`` reads its headings in the reader's language and proves that
another partner's confidential figure is not in it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils import translation
from PIL import Image

from mitra.finance import report

from .test_report import ReportWorld, rw  # noqa: F401 - the fixture

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not (shutil.which("pdftoppm") and shutil.which("pdftotext")),
        reason="poppler-utils (pdftoppm, pdftotext) is not installed",
    ),
]


def _pdf(rw: ReportWorld, name: str, language: str, tmp_path: Path) -> Path:  # noqa: F811
    with translation.override(language):
        data, filename = report.report_file(
            user=rw.user(name), partnership=rw.partnership, fmt="pdf"
        )
    assert data.startswith(b"%PDF-")
    assert filename.endswith(f"-{language}.pdf")
    path = tmp_path / filename
    path.write_bytes(data)
    return path


def _text(path: Path) -> str:
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    )
    return " ".join(out.stdout.split())  # one line: headings may wrap


def _ink(png: Path) -> float:
    """The share of pixels that are not (nearly) white."""
    histogram = Image.open(png).convert("L").histogram()
    return sum(histogram[:235]) / sum(histogram)


def test_the_pdf_pages_exist_and_are_not_blank(rw: ReportWorld, tmp_path: Path) -> None:  # noqa: F811
    pdf = _pdf(rw, "lead_admin", "id", tmp_path)
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 5
    for png in pages:
        width, height = Image.open(png).size
        assert height > width  # A4 portrait
        assert _ink(png) > 0.004, f"{png.name} is blank"
    # the pages with charts carry far more ink than a page of text
    assert max(_ink(p) for p in pages) > 0.05


def test_indonesian_headings_and_no_confidential_figure_of_another_partner(
    rw: ReportWorld,  # noqa: F811
    tmp_path: Path,
) -> None:
    text = _text(_pdf(rw, "ngo_user", "id", tmp_path))
    for heading in ("Ikhtisar", "Mitra", "Kebutuhan dan komitmen", "Kode", "Organisasi"):
        assert heading in text
    assert "Overview" not in text
    # the company's owner-only pledge (77.000.000,00) and the total it would make (277 million)
    assert "77.000.000" not in text and "277.000.000" not in text
    assert "200.000.000,00" in text  # the partners-level pledge is there, in Indonesian format
    # nor the private model's equity return: the ngo is not named by it
    assert "IRR" not in text


def test_english_headings_and_the_owner_sees_its_own_figure(
    rw: ReportWorld,  # noqa: F811
    tmp_path: Path,
) -> None:
    text = _text(_pdf(rw, "member", "en", tmp_path))
    for heading in (
        "Overview",
        "Partners",
        "Needs and commitments",
        "Risk allocation and simulation",
        "Project finance",
        "Value for money",
    ):
        assert heading in text
    assert "Ikhtisar" not in text
    assert "77,000,000.00" in text and "277,000,000.00" in text
    assert "Equity IRR" in text
    # WeasyPrint draws the pages' inline SVG as vector paths and text: a chart's title and
    # axis titles are text in the PDF, not a picture
    assert "Risk map: likelihood × impact" in text
    assert "Likelihood" in text and "Impact" in text
    assert "Prepared for member" in text
    assert "shows only what its reader may see" in text
