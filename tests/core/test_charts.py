"""Server-rendered SVG charts (mitra.core.charts): each builder draws what it is given, in the
reader's number format, and carries the same numbers for its table and downloads."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

from mitra.core import charts

SVG = "{http://www.w3.org/2000/svg}"
EDGES = [0, 250, 500, 750, 1000, 1250, 1500]
COUNTS = [3, 20, 41, 22, 10, 4]
MARKERS = [("P5", 310.0), ("P50", 689.7), ("P95", 1234.5)]


@pytest.fixture(autouse=True, scope="module")
def validate_specs() -> Any:
    """Every spec built here is checked against the Vega-Lite schema (off in production)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(charts, "VALIDATE_SPECS", True)
        yield


def parse(chart: charts.Chart) -> ET.Element:
    root = ET.fromstring(str(chart.svg))
    assert root.tag == f"{SVG}svg"
    return root


def texts(chart: charts.Chart) -> str:
    """Every piece of text drawn on the chart (not the <title>/<desc> for screen readers)."""
    root = parse(chart)
    return " | ".join(
        "".join(el.itertext()) for el in root.iter(f"{SVG}text") if "".join(el.itertext())
    )


def histogram(language: str = "en", **changes: Any) -> charts.Chart:
    options: dict[str, Any] = dict(
        edges=EDGES,
        counts=COUNTS,
        x_label="Total cost (Rp billion)",
        y_label="Simulations",
        markers=MARKERS,
        language=language,
    )
    options.update(changes)
    return charts.histogram("cost-histogram", "Total cost", "Most runs end near 700.", **options)


def risk_cells() -> list[dict[str, Any]]:
    ids = {(1, 5): "R1, R4", (4, 2): "R2"}
    return [
        {
            "x": impact,
            "y": likelihood,
            "value": impact * likelihood,
            "text": ids.get((impact, likelihood), ""),
        }
        for likelihood in range(1, 6)
        for impact in range(1, 6)
    ]


PARTIES = ["Pemerintah Kota", "PT Air Bersih", "Koperasi Warga"]


def rgb(colour: str) -> str:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({red}, {green}, {blue})"


def every_chart(language: str = "en") -> list[charts.Chart]:
    return [
        histogram(language),
        charts.s_curve(
            "cost-s-curve",
            "Chance of staying under a cost",
            "Half of the runs stay under 690.",
            points=[(x, x / 1500) for x in range(0, 1501, 100)],
            x_label="Total cost (Rp billion)",
            y_label="Probability not exceeded",
            markers=MARKERS,
            language=language,
        ),
        charts.ranges(
            "party-costs",
            "Cost per party",
            "The city carries the widest range.",
            items=[
                {
                    "label": "Pemerintah Kota",
                    "low": 100,
                    "high": 900,
                    "mid": 400,
                    "mean": 450,
                    "band_low": 400,
                    "band_high": 700,
                    "var": 800,
                    "cvar": 880,
                },
                {
                    "label": "PT Air Bersih",
                    "low": 50,
                    "high": 300,
                    "mid": 150,
                    "mean": 160,
                    "band_low": 150,
                    "band_high": 250,
                    "var": 280,
                    "cvar": 295,
                },
            ],
            x_label="Cost (Rp billion)",
            y_label="Party",
            names={"mean": "Mean"},
            language=language,
        ),
        charts.tornado(
            "risk-tornado",
            "What moves the cost",
            "Land acquisition delay matters most.",
            items=[
                {"label": "R1 Land acquisition delay", "value": 1234.5},
                {"label": "R2 Demand shortfall", "value": -207.25},
                {"label": "R3 Tariff review", "value": 88.0},
            ],
            x_label="Change in total cost (Rp billion)",
            y_label="Risk",
            language=language,
        ),
        charts.heatmap(
            "risk-matrix",
            "Risk matrix",
            "Two risks are likely and severe.",
            cells=risk_cells(),
            x_label="Impact",
            y_label="Likelihood",
            x_values=[1, 2, 3, 4, 5],
            y_values=[5, 4, 3, 2, 1],
            value_label="Score",
            text_label="Risks",
            language=language,
        ),
        charts.line(
            "convergence",
            "Convergence of the mean",
            "The mean settles after 5,000 runs.",
            series={"Mean": [(1000, 700.0), (2000, 690.5), (3000, 689.9)]},
            band=[(1000, 650.0, 750.0), (2000, 670.0, 711.0), (3000, 675.0, 704.8)],
            band_labels=("Mean − 2 SE", "Mean + 2 SE"),
            x_label="Runs",
            y_label="Mean total cost",
            places=1,
            language=language,
        ),
        charts.line(
            "dscr",
            "Debt service cover",
            "The ratio stays above the lenders' minimum.",
            series={"P50": [(2030, 1.45), (2031, 1.52)], "P10": [(2030, 1.21), (2031, 1.33)]},
            rules=[("Minimum DSCR", 1.3)],
            x_label="Year",
            y_label="DSCR",
            x_is_year=True,
            language=language,
        ),
        charts.bars(
            "allocation",
            "Two ways to share the cost",
            "The Shapley value asks more of the city.",
            categories=PARTIES,
            series={"Equal shares": [300.0, 300.0, 300.0], "Shapley value": [420.5, 350.0, 129.5]},
            x_label="Party",
            y_label="Share of cost (Rp billion)",
            language=language,
        ),
    ]


@pytest.fixture(scope="module")
def english() -> list[charts.Chart]:
    with translation.override("en"):
        return every_chart("en")


def by_key(all_charts: list[charts.Chart], key: str) -> charts.Chart:
    return next(c for c in all_charts if c.key == key)


def test_every_builder_gives_valid_titled_responsive_svg(english: list[charts.Chart]) -> None:
    assert len({c.key for c in english}) == len(english)
    for chart in english:
        root = parse(chart)
        assert root.get("role") == "img"
        # its natural width; the class lets it shrink with the screen (no inline style: CSP)
        assert root.get("width") == root.get("viewBox").split()[2] and root.get("height") is None
        assert "mitra-chart-svg" in root.get("class").split() and root.get("style") is None
        assert re.fullmatch(r"0 0 \d+(\.\d+)? \d+(\.\d+)?", root.get("viewBox") or "")
        title = root.find(f"{SVG}title")
        assert title is not None and title.text == chart.title
        assert root.get("aria-labelledby") == title.get("id") == f"chart-{chart.key}--title"
        desc = root.find(f"{SVG}desc")
        assert desc is not None and desc.text == chart.caption
        assert root.get("aria-describedby") == desc.get("id")
        # The title is the figure's caption on the page, not drawn a second time in the image.
        assert chart.title not in texts(chart).split(" | ")


def test_histogram_draws_bins_markers_and_labels(english: list[charts.Chart]) -> None:
    chart = by_key(english, "cost-histogram")
    drawn = texts(chart)
    assert "Total cost (Rp billion)" in drawn and "Simulations" in drawn
    for label, value in (("P5", "310.0"), ("P50", "689.7"), ("P95", "1,234.5")):
        assert f"{label} {value}" in drawn
    root = parse(chart)
    dashed = [p for p in root.iter(f"{SVG}line") if p.get("stroke-dasharray")]
    dashed += [p for p in root.iter(f"{SVG}path") if p.get("stroke-dasharray")]
    assert len(dashed) == 3  # one rule per marker
    assert chart.rows == [(EDGES[i], EDGES[i + 1], c) for i, c in enumerate(COUNTS)]
    assert [str(c.header) for c in chart.columns] == [
        "Total cost (Rp billion) from",
        "Total cost (Rp billion) to",
        "Simulations",
    ]
    assert chart.marks == tuple(MARKERS)


def test_histogram_needs_one_more_edge_than_counts() -> None:
    with pytest.raises(ValueError, match="one more edge"):
        histogram(counts=[*COUNTS, 1])


@pytest.mark.parametrize(
    ("language", "expected", "unexpected"),
    [("id", "P95 1.234,5", "1,234.5"), ("en", "P95 1,234.5", "1.234,5")],
)
def test_numbers_follow_the_language(language: str, expected: str, unexpected: str) -> None:
    drawn = texts(histogram(language))
    assert expected in drawn
    assert unexpected not in drawn
    # Axis ticks too: 1.000 (id) or 1,000 (en) on the cost axis.
    assert ("1.000" if language == "id" else "1,000") in drawn.split(" | ")


def test_the_active_language_is_the_default() -> None:
    with translation.override("id"):
        drawn = texts(histogram(language=None))
    assert "1.234,5" in drawn


def test_s_curve_shows_probabilities_as_percent(english: list[charts.Chart]) -> None:
    chart = by_key(english, "cost-s-curve")
    drawn = texts(chart)
    assert "100%" in drawn and "50%" in drawn
    assert "Probability not exceeded" in drawn and "P50 689.7" in drawn
    assert chart.rows[0] == (0, 0.0) and chart.rows[-1] == (1500, 100.0)
    assert str(chart.columns[1].header) == "Probability not exceeded (%)"


def test_ranges_draw_each_party_with_its_parts(english: list[charts.Chart]) -> None:
    chart = by_key(english, "party-costs")
    drawn = texts(chart)
    for label in ("Pemerintah Kota", "PT Air Bersih", "P5–P95", "P50–P90", "Mean", "VaR", "CVaR"):
        assert label in drawn
    # The band starts at the median: P50 once in the table.
    assert [str(c.header) for c in chart.columns] == [
        "Party",
        "P5",
        "P50",
        "P90",
        "P95",
        "Mean",
        "VaR",
        "CVaR",
    ]
    assert chart.rows[1] == ("PT Air Bersih", 50, 150, 250, 300, 160, 280, 295)


def test_ranges_without_band_or_var_leave_them_out() -> None:
    chart = charts.ranges(
        "plain",
        "Cost",
        "Plain ranges.",
        items=[{"label": "A", "low": 1, "high": 5, "mid": 3, "mean": 3.2}],
        x_label="Cost",
        names={"mean": "Rata-rata"},
        language="id",
    )
    drawn = texts(chart)
    assert "Rata-rata" in drawn and "VaR" not in drawn and "P50–P90" not in drawn
    assert chart.rows == [("A", 1, 3, 5, 3.2)]


def test_tornado_keeps_the_order_and_signs(english: list[charts.Chart]) -> None:
    chart = by_key(english, "risk-tornado")
    drawn = texts(chart)
    positions = [drawn.index(label) for label in ("R1 Land", "R2 Demand", "R3 Tariff")]
    assert positions == sorted(positions)
    assert "1,234.5" in drawn and "−207.3" in drawn  # d3 writes a true minus sign
    assert chart.rows == [
        ("R1 Land acquisition delay", 1234.5),
        ("R2 Demand shortfall", -207.25),
        ("R3 Tariff review", 88.0),
    ]
    fills = {r.get("fill") for r in parse(chart).iter(f"{SVG}path") if r.get("fill")}
    assert {charts.PRIMARY, charts.ORANGE} <= fills  # negative and positive bars differ


def test_heatmap_colours_cells_and_writes_their_labels(english: list[charts.Chart]) -> None:
    chart = by_key(english, "risk-matrix")
    drawn = texts(chart)
    assert "R1, R4" in drawn and "R2" in drawn and "Likelihood" in drawn and "Impact" in drawn
    assert len(chart.rows) == 25
    assert (1, 5, 5, "R1, R4") in chart.rows
    assert [str(c.header) for c in chart.columns] == ["Impact", "Likelihood", "Score", "Risks"]
    fills = {p.get("fill") for p in parse(chart).iter(f"{SVG}path")}
    low, high = (rgb(colour) for colour in (charts.RISK_COLOURS[0], charts.RISK_COLOURS[-1]))
    assert low in fills and high in fills  # the lowest and the highest score


def test_line_with_band_and_rule(english: list[charts.Chart]) -> None:
    convergence = by_key(english, "convergence")
    assert convergence.rows == [
        (1000, 700.0, 650.0, 750.0),
        (2000, 690.5, 670.0, 711.0),
        (3000, 689.9, 675.0, 704.8),
    ]
    assert [str(c.header) for c in convergence.columns] == [
        "Runs",
        "Mean",
        "Mean − 2 SE",
        "Mean + 2 SE",
    ]
    dscr = by_key(english, "dscr")
    drawn = texts(dscr)
    assert "Minimum DSCR 1.30" in drawn and "P50" in drawn and "P10" in drawn
    assert "2030" in drawn and "2,030" not in drawn  # years are not grouped
    assert dscr.rows == [(2030, 1.45, 1.21), (2031, 1.52, 1.33)]
    assert dscr.marks == (("Minimum DSCR", 1.3),)


def test_bars_grouped_and_stacked(english: list[charts.Chart]) -> None:
    chart = by_key(english, "allocation")
    drawn = texts(chart)
    for label in (*PARTIES, "Equal shares", "Shapley value"):
        assert label in drawn
    assert chart.rows[0] == ("Pemerintah Kota", 300.0, 420.5)
    cash = dict(
        categories=["2030", "2031"],
        series={"Capex": [100, 0], "Opex": [60, 20]},
        x_label="Year",
        y_label="Rp billion",
        language="en",
    )
    stacked = charts.bars("stacked", "Cash flow", "Capex first.", stacked=True, **cash)
    grouped = charts.bars("grouped", "Cash flow", "Capex first.", **cash)
    assert stacked.rows == grouped.rows == [("2030", 100, 60), ("2031", 0, 20)]
    # Stacked bars reach the sum (160), grouped ones only the largest value (100).
    assert "160" in texts(stacked).split(" | ")
    assert "120" not in texts(grouped).split(" | ")
    assert "100" in texts(grouped).split(" | ")


def test_keys_must_be_slugs() -> None:
    for bad in ("Cost Histogram", "cost--histogram", "", "x/y"):
        with pytest.raises(ValueError, match="slug"):
            charts.histogram(bad, "T", "C", edges=[0, 1], counts=[1], x_label="x", y_label="y")


def test_labels_are_escaped() -> None:
    chart = charts.tornado(
        "escaped",
        "<b>Risks</b> & more",
        "Caption <i>here</i>",
        items=[{"label": "<script>alert(1)</script>", "value": 1}],
        x_label="A & B",
        language="en",
    )
    svg = str(chart.svg)
    assert "<script>" not in svg and "<b>" not in svg and "<i>" not in svg
    assert "<script>alert(1)</script>" in texts(chart)  # drawn as text, escaped in the markup
    assert parse(chart).find(f"{SVG}title").text == "<b>Risks</b> & more"  # type: ignore[union-attr]


def test_chart_table_response_downloads_the_numbers(english: list[charts.Chart]) -> None:
    chart = by_key(english, "cost-histogram")
    with translation.override("en"):  # the CSV follows the reader's language (";" in Indonesian)
        response = charts.chart_table_response(chart, "csv")
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="cost-histogram-' in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(body)))
    assert lines[0] == ["Total cost (Rp billion) from", "Total cost (Rp billion) to", "Simulations"]
    assert lines[1:] == [[str(EDGES[i]), str(EDGES[i + 1]), str(c)] for i, c in enumerate(COUNTS)]
    xlsx = charts.chart_table_response(chart, "xlsx")
    assert xlsx.content[:2] == b"PK"


def test_chart_download_picks_the_chart_asked_for(english: list[charts.Chart]) -> None:
    factory = RequestFactory()
    with translation.override("en"):
        response = charts.chart_download(
            factory.get("/", {"export": "csv", "chart": "dscr"}), english
        )
    assert response is not None
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert body.splitlines()[0] == "Year,P50,P10"
    assert charts.chart_download(factory.get("/", {"export": "csv", "chart": "x"}), english) is None
    assert charts.chart_download(factory.get("/", {"chart": "dscr"}), english) is None


def render(chart: charts.Chart) -> str:
    return render_to_string("core/chart.html", {"chart": chart})


def test_partial_renders_figure_table_and_links(english: list[charts.Chart]) -> None:
    chart = by_key(english, "risk-tornado")
    with translation.override("en"):
        page = render(chart)
    assert page.count("<figure") == 1 and "<svg" in page
    assert "What moves the cost" in page and "Land acquisition delay matters most." in page
    assert "<summary" in page and "Numbers behind this chart" in page
    assert '<table class="table table-sm' in page
    assert '<th scope="col" class="text-end">Change in total cost (Rp billion)</th>' in page
    assert '<th scope="row" class="fw-normal">R1 Land acquisition delay</th>' in page
    assert '<td class="text-end text-nowrap">1,234.5</td>' in page
    assert '<td class="text-end text-nowrap">-207.2</td>' in page
    assert 'href="?export=csv&amp;chart=risk-tornado"' in page
    assert 'href="?export=xlsx&amp;chart=risk-tornado"' in page


def test_partial_formats_the_table_for_indonesian_readers() -> None:
    with translation.override("id"):
        page = render(histogram("id"))
    assert '<td class="text-end text-nowrap">1.250,0</td>' in page  # an edge, as 1.250,0
    assert "P95 1.234,5" in page  # the marked values under the table


def test_two_charts_on_one_page_share_no_id(english: list[charts.Chart]) -> None:
    with translation.override("en"):
        page = "".join(render(chart) for chart in english)
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) > 3 * len(english)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    # References inside an SVG (the heatmap's legend gradient) point at ids that exist.
    references = re.findall(r"url\(#([^)]+)\)", page)
    assert references and set(references) <= set(ids)
