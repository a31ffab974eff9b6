"""Charts on Mitra's analysis pages: server-rendered SVG, each with its numbers as a table.

The decision: a chart is a Vega-Lite spec built in Python with ``altair`` and rendered to SVG on
the server by ``vl-convert-python`` (Vega in an embedded engine: no browser, no CDN, nothing
downloaded at run time). Declarative specs keep every builder short and give every page the same
look (:data:`THEME`); the SVG shows without JavaScript, scales down to a phone and goes into a PDF
report as it is. Numbers on the chart (axes, marker labels) follow the reader's language: 1.234,5
in Indonesian, 1,234.5 in English.

Every chart carries the numbers it draws (``columns`` + ``rows``): the partial
``core/chart.html`` shows them as a table under the chart, for screen readers and for people who
want the numbers, and :func:`chart_table_response` downloads them as CSV or XLSX
(``?export=csv&chart=<key>``). Builders take plain numbers and labels the caller has already
translated, and a one-sentence caption in plain words saying what the chart shows.
"""

from __future__ import annotations

import html
import json
import math
import re
import textwrap
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from operator import itemgetter
from typing import Any, Literal, NamedTuple

import altair as alt
import vl_convert
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from mitra.core.exports import Column, export_format, table_response

Number = float | int | Decimal

#: Rendered width in px: one column of a two-column desktop layout; the SVG scales down below it.
WIDTH = 560
HEIGHT = 240
#: Arial's metrics everywhere (Liberation Sans is metric-compatible): labels laid out on the server
#: then take the same room in every browser and in a PDF.
FONT = 'Arial, "Liberation Sans", Helvetica, sans-serif'
# Bootstrap 5 colours (and their darker/lighter steps for contrast on white).
PRIMARY, ORANGE, GREEN, PURPLE, RED, TEAL, PINK, GREY = (
    "#0d6efd",
    "#fd7e14",
    "#198754",
    "#6f42c1",
    "#dc3545",
    "#20c997",
    "#d63384",
    "#6c757d",
)
DARK, DARK_BLUE, DARK_RED, LIGHT_BLUE, TEXT_MUTED = (
    "#212529",
    "#052c65",
    "#842029",
    "#9ec5fe",
    "#495057",
)
CATEGORY = [PRIMARY, ORANGE, GREEN, PURPLE, RED, TEAL, PINK, GREY]
#: Low → high risk score (green → amber → red), light enough for dark text inside the cells.
RISK_COLOURS = ("#75b798", "#ffda6a", "#f1aeb5", "#e35d6a")
THEME: dict[str, Any] = {
    "background": "white",
    "font": FONT,
    "aria": False,  # the whole SVG is one image (role="img") titled by the chart's title
    "mark": {"aria": False},  # ... so no mark is an unnamed graphics-symbol inside it (axe)
    "view": {"stroke": None},
    "padding": {"left": 4, "right": 12, "top": 8, "bottom": 4},
    "axis": {
        "labelFontSize": 12,
        "labelColor": TEXT_MUTED,
        "titleFontSize": 12,
        "titleFontWeight": 600,
        "titleColor": DARK,
        "titlePadding": 8,
        "gridColor": "#e9ecef",
        "domainColor": "#adb5bd",
        "tickColor": "#adb5bd",
        # Labels are cut to a number of characters by an expression, not to a width in pixels:
        # Vega measures every label's width to cut it, which doubled the time a chart takes to draw.
        "labelLimit": 0,
        "labelExpr": "truncate(datum.label, 26)",  # about 180 px
    },
    "legend": {
        "orient": "top",
        "direction": "horizontal",
        "labelFontSize": 12,
        "labelColor": DARK,
        "labelLimit": 0,
        "labelExpr": "truncate(datum.label, 32)",  # about 220 px
        "symbolStrokeWidth": 2,
        "columnPadding": 14,
        "padding": 0,
        "offset": 6,
    },
    "range": {"category": CATEGORY},
    "bar": {"color": PRIMARY},
    "line": {"color": PRIMARY, "strokeWidth": 2},
    "area": {"color": PRIMARY},
    "rule": {"color": DARK},
    "point": {"color": PRIMARY},
    "text": {"fontSize": 12, "color": DARK},
}
#: Check every spec against the Vega-Lite JSON schema before rendering (the tests do); off in
#: production, where the builders' specs are fixed and the check would double the render time.
VALIDATE_SPECS = False
# Altair checks every object against the schema as it is built (its "debug mode"): a third of a
# chart's drawing time, for specs whose shape is fixed. Whole specs are checked in the tests.
alt.utils.schemapi.disable_debug_mode()
_ID_LOCALE = {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["Rp", ""]}
_EN_LOCALE = {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["$", ""]}
#: A slug without doubled separators: ``--`` joins the key and the ids inside the SVG.
_KEY = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
_CHAR_PX = 6.8  # average width of a 12 px label character, for laying out labels


def _cut(px: float) -> dict[str, Any]:
    """Axis properties that cut labels to about ``px`` wide (by characters: see :data:`THEME`)."""
    return {"labelLimit": 0, "labelExpr": f"truncate(datum.label, {int(px / _CHAR_PX)})"}


class Cell(NamedTuple):
    """One table cell: a raw value and its decimals (``None`` for text)."""

    value: Any
    places: int | None


@dataclass(frozen=True)
class Chart:
    """A rendered chart with the numbers it draws (``rows`` through ``columns``).

    ``places`` gives the decimals of each column in the table (``None``: text); ``marks`` are the
    values marked on the chart (percentiles, a minimum ratio), shown under the table.
    """

    key: str
    title: str
    caption: str
    svg: SafeString
    columns: list[Column]
    rows: list[Any]
    places: tuple[int | None, ...] = ()
    marks: tuple[tuple[str, Number], ...] = ()
    marks_places: int = 1

    @property
    def head(self) -> list[tuple[str, bool]]:
        """(header, is a number column) for the table head."""
        return [(str(c.header), self._places(i) is not None) for i, c in enumerate(self.columns)]

    @property
    def table(self) -> list[list[Cell]]:
        """Rows × columns of raw values with their decimals, for the ``number`` filter."""
        return [
            [
                Cell(value, self._places(i) if _is_number(value) else None)
                for i, value in enumerate(c.value(row) for c in self.columns)
            ]
            for row in self.rows
        ]

    def _places(self, index: int) -> int | None:
        return self.places[index] if index < len(self.places) else None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


# Rendering --------------------------------------------------------------------------------------


def format_locale(language: str) -> dict[str, Any]:
    """The d3-format locale of a language: ``id`` → 1.234,5 (d3 has no id-ID), else 1,234.5."""
    return _EN_LOCALE if (language or "id")[:2] == "en" else _ID_LOCALE


@lru_cache(maxsize=4)
def _time_locale(language: str) -> Any:
    if language == "en":
        return "en-US"
    from babel.dates import get_day_names, get_month_names

    days = get_day_names("wide", locale="id")
    short_days = get_day_names("abbreviated", locale="id")
    order = [6, 0, 1, 2, 3, 4, 5]  # d3 weeks start on Sunday, Babel's on Monday
    return {
        "dateTime": "%A, %e %B %Y %H.%M.%S",
        "date": "%d/%m/%Y",
        "time": "%H.%M.%S",
        "periods": ["AM", "PM"],
        "days": [days[i] for i in order],
        "shortDays": [short_days[i] for i in order],
        "months": [get_month_names("wide", locale="id")[m] for m in range(1, 13)],
        "shortMonths": [get_month_names("abbreviated", locale="id")[m] for m in range(1, 13)],
    }


def render_svg(spec: dict[str, Any], *, language: str) -> str:
    """A Vega-Lite spec as SVG, with :data:`THEME` and the number format of ``language``."""
    lang = "en" if (language or "id")[:2] == "en" else "id"
    return str(
        vl_convert.vegalite_to_svg(
            spec,
            config=THEME,
            format_locale=format_locale(lang),
            time_format_locale=_time_locale(lang),
        )
    )


_ROOT = re.compile(r"<svg\b[^>]*>")
_IDS = re.compile(r'\bid="([^"]+)"')


def _finish(svg: str, *, key: str, title: str, caption: str) -> SafeString:
    """Responsive (100 % wide, at most the rendered width), titled for screen readers, with ids
    prefixed by the chart's key so that several charts on one page never share an id."""
    prefix = f"chart-{key}--"
    for old in set(_IDS.findall(svg)):
        new = prefix + old
        svg = svg.replace(f'id="{old}"', f'id="{new}"')
        svg = svg.replace(f"url(#{old})", f"url(#{new})")
        svg = svg.replace(f'href="#{old}"', f'href="#{new}"')
    root = _ROOT.search(svg)
    if root is None:  # pragma: no cover - vl-convert always writes one
        raise ValueError("not an SVG document")
    width = re.search(r'\bwidth="([\d.]+)"', root.group(0))
    max_width = width.group(1) if width else str(WIDTH)
    tag = re.sub(r'\s(width|height|class)="[^"]*"', "", root.group(0))
    tag = tag.replace(
        "<svg",
        f'<svg role="img" aria-labelledby="{prefix}title" aria-describedby="{prefix}desc" '
        f'class="marks mitra-chart-svg" width="{max_width}"',
        1,
    )
    tag += (
        f'<title id="{prefix}title">{html.escape(title)}</title>'
        f'<desc id="{prefix}desc">{html.escape(caption)}</desc>'
    )
    return mark_safe(svg[: root.start()] + tag + svg[root.end() :])  # noqa: S308 - escaped above


def _chart(
    key: str,
    title: str,
    caption: str,
    spec: alt.TopLevelMixin,
    *,
    columns: Sequence[Any],
    rows: list[tuple[Any, ...]],
    places: Sequence[int | None],
    marks: Sequence[tuple[str, Number]] = (),
    marks_places: int = 1,
    language: str | None,
) -> Chart:
    if not _KEY.match(key):
        raise ValueError(f"chart key {key!r} is not a slug (a-z, 0-9, single - or _)")
    spec_dict = _with_datasets(spec.to_dict(validate=VALIDATE_SPECS))
    svg = render_svg(spec_dict, language=language or get_language() or "id")
    return Chart(
        key=key,
        title=str(title),
        caption=str(caption),
        svg=_finish(svg, key=key, title=str(title), caption=str(caption)),
        columns=[Column(header, itemgetter(i)) for i, header in enumerate(columns)],
        rows=rows,
        places=tuple(places),
        marks=tuple((str(label), value) for label, value in marks),
        marks_places=marks_places,
    )


def chart_table_response(chart: Chart, fmt: str) -> Any:
    """The numbers of a chart as a CSV or XLSX download named after its key."""
    return table_response(rows=chart.rows, columns=chart.columns, fmt=fmt, filename=chart.key)


def chart_download(request: Any, charts: Sequence[Chart]) -> Any | None:
    """The download a page's request asks for (``?export=csv&chart=<key>``), else None."""
    fmt = export_format(request)
    key = request.GET.get("chart")
    chart = next((c for c in charts if c.key == key), None) if fmt else None
    return chart_table_response(chart, fmt) if chart and fmt else None


# Shared pieces ----------------------------------------------------------------------------------


def _f(value: Number | None) -> float | None:
    return None if value is None else float(value)


def _fmt(places: int) -> str:
    return f",.{places}f"


def _axis(places: int) -> alt.Axis:
    """Axis labels with up to ``places`` decimals, trailing zeros dropped (1.000 and 1.234,5)."""
    return alt.Axis(format=f",.{places}~f")


_DATASETS = threading.local()


def _base(values: list[dict[str, Any]]) -> alt.Chart:
    """A chart of ``values``, which go into the spec's top-level ``datasets`` by name when the
    chart is drawn (:func:`_chart`): Altair deep-copies inline values at every ``layer`` and
    ``properties``, a sixth of the drawing time of a 40-year chart."""
    pending = getattr(_DATASETS, "values", None)
    if pending is None:
        pending = _DATASETS.values = {}
    name = f"data-{len(pending)}-{id(values)}"
    pending[name] = values
    return alt.Chart(alt.NamedData(name=name))  # type: ignore[no-untyped-call]


def _with_datasets(spec: dict[str, Any]) -> dict[str, Any]:
    """``spec`` with the values of the named data it uses as top-level ``datasets``."""
    pending: dict[str, Any] = getattr(_DATASETS, "values", None) or {}
    _DATASETS.values = {}
    used: list[str] = []

    def collect(node: Any) -> None:
        if isinstance(node, dict):
            data = node.get("data")
            if isinstance(data, dict) and isinstance(data.get("name"), str):
                used.append(data["name"])
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    collect(spec)
    datasets = {name: pending[name] for name in used if name in pending}
    return {**spec, "datasets": datasets} if datasets else spec


def _size(
    chart: alt.TopLevelMixin, height: float | dict[str, float], fit: bool = True
) -> alt.TopLevelMixin:
    if not fit:
        return chart.properties(
            width=WIDTH - 80, height=height, autosize=alt.AutoSizeParams(type="pad")
        )
    return chart.properties(
        width=WIDTH,
        height=height,
        autosize=alt.AutoSizeParams(type="fit-x", contains="padding"),
    )


def _label_text(places: int) -> str:
    return f"datum.label + ' ' + format(datum.value, '{_fmt(places)}')"


def _marker_layers(
    markers: Sequence[tuple[str, Number]], *, lo: float, hi: float, places: int
) -> list[alt.Chart]:
    """Vertical dashed rules at ``markers``, each rising above the plot to its label; labels sit
    in rows, placed so that no label overlaps another or is crossed by another marker's rule."""
    if not markers:
        return []
    span = (hi - lo) or 1.0
    plot = WIDTH - 80.0  # about the plot width (the y axis takes the rest)
    placed: list[tuple[float, float, float, int]] = []  # x, left, right, row (px)
    data: list[dict[str, Any]] = []
    # Right to left: a label runs rightwards from its rule, over the rules of markers on its right
    # only when those stop on a lower row.
    for label, value in sorted(markers, key=lambda m: -float(m[1])):
        v = float(value)
        x = (v - lo) / span * plot
        width = _CHAR_PX * len(f"{label} {v:,.{places}f}") + 6
        align = "right" if x + width > plot + 10 else "left"
        left, right = (x - width, x) if align == "right" else (x, x + width)

        def free(row: int, x: float = x, left: float = left, right: float = right) -> bool:
            return all(
                (r != row or right + 4 < pl or left - 4 > pr)
                and (r >= row or not pl - 2 <= x <= pr + 2)
                and (r <= row or not left - 2 <= px <= right + 2)
                for px, pl, pr, r in placed
            )

        rows = range(len(markers) + 1)
        row = next((r for r in rows if free(r)), len(placed))
        placed.append((x, left, right, row))
        top = -6.0 - 15.0 * row
        data.append(
            {"label": str(label), "value": v, "top": top, "rule_top": top + 2, "align": align}
        )
    base = _base(data)
    at = alt.X("value:Q")
    rules = base.mark_rule(strokeDash=[4, 3], color=DARK, strokeWidth=1.2).encode(
        x=at, y=alt.Y("rule_top:Q", scale=None)
    )
    texts = [
        base.transform_filter(f"datum.align == '{align}'")
        .transform_calculate(text=_label_text(places))
        .mark_text(align=align, dx=3 if align == "left" else -3, baseline="bottom", fontWeight=600)
        .encode(x=at, y=alt.Y("top:Q", scale=None), text=alt.Text("text:N"))
        for align in ("left", "right")
    ]
    return [rules, *texts]


def _legend_columns(names: Sequence[str], room: float = WIDTH - 80) -> int:
    """Entries per legend row: all of them when they fit in ``room`` px (the legend starts at the
    plot's left edge), else as many as fit in a grid."""
    widths = [_CHAR_PX * len(n) + 36 for n in names]
    if sum(widths) <= room:
        return len(names)
    columns = len(names)
    while columns > 1 and max(widths) * columns > room:
        columns -= 1
    return columns


def _domain(values: Iterable[float | None]) -> tuple[float, float]:
    finite = [v for v in values if v is not None]
    return (min(finite), max(finite)) if finite else (0.0, 1.0)


# Builders ---------------------------------------------------------------------------------------


def histogram(
    key: str,
    title: str,
    caption: str,
    *,
    edges: Sequence[Number],
    counts: Sequence[Number],
    x_label: str,
    y_label: str,
    markers: Sequence[tuple[str, Number]] = (),
    places: int = 1,
    language: str | None = None,
) -> Chart:
    """Bars from bin ``edges`` (n + 1) and ``counts`` (n), with labelled vertical ``markers``
    (e.g. ``[("P5", 31.9), ("P50", 89.7)]``). Rows: (from, to, count) per bin."""
    if len(edges) != len(counts) + 1:
        raise ValueError("a histogram needs one more edge than counts")
    bins = [
        {"lo": _f(edges[i]), "hi": _f(edges[i + 1]), "count": _f(c)} for i, c in enumerate(counts)
    ]
    lo, hi = _domain([*map(_f, edges), *(_f(v) for _, v in markers)])
    scale = alt.Scale(domain=[lo, hi], nice=False, zero=False)
    bars = (
        _base(bins)
        .mark_bar(stroke="white", strokeWidth=0.6)
        .encode(
            x=alt.X("lo:Q", title=x_label, scale=scale, axis=_axis(places)),
            x2=alt.X2("hi:Q"),
            y=alt.Y("count:Q", title=y_label),
            y2=alt.datum(0),  # a vertical bar from zero (x and x2 alone make a horizontal one)
        )
    )
    layers = [bars, *_marker_layers(markers, lo=lo, hi=hi, places=places)]
    spec = _size(alt.layer(*layers), HEIGHT)
    rows = [(edges[i], edges[i + 1], c) for i, c in enumerate(counts)]
    count_places = 0 if all(float(c).is_integer() for c in counts) else places
    return _chart(
        key,
        title,
        caption,
        spec,
        columns=[
            _("%(label)s from") % {"label": x_label},
            _("%(label)s to") % {"label": x_label},
            y_label,
        ],
        rows=rows,
        places=(places, places, count_places),
        marks=markers,
        marks_places=places,
        language=language,
    )


def s_curve(
    key: str,
    title: str,
    caption: str,
    *,
    points: Sequence[tuple[Number, Number]],
    x_label: str,
    y_label: str,
    markers: Sequence[tuple[str, Number]] = (),
    places: int = 1,
    language: str | None = None,
) -> Chart:
    """A cumulative probability line through ``[(x, p), ...]`` (p in 0..1, shown as %), with
    labelled vertical ``markers``. Rows: (x, p in %)."""
    data = [{"x": _f(x), "p": _f(p)} for x, p in points]
    lo, hi = _domain([*(_f(x) for x, _p in points), *(_f(v) for _, v in markers)])
    line = (
        _base(data)
        .mark_line(interpolate="linear")
        .encode(
            x=alt.X(
                "x:Q",
                title=x_label,
                scale=alt.Scale(domain=[lo, hi], nice=False, zero=False),
                axis=_axis(places),
            ),
            y=alt.Y(
                "p:Q",
                title=y_label,
                scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format=".0%", values=[0, 0.25, 0.5, 0.75, 1]),
            ),
        )
    )
    layers = [line, *_marker_layers(markers, lo=lo, hi=hi, places=places)]
    spec = _size(alt.layer(*layers), HEIGHT)
    rows = [(x, round(float(p) * 100, 6)) for x, p in points]
    return _chart(
        key,
        title,
        caption,
        spec,
        columns=[x_label, f"{y_label} (%)"],
        rows=rows,
        places=(places, 1),
        marks=markers,
        marks_places=places,
        language=language,
    )


_RANGE_PARTS = ("low", "band_low", "mid", "band_high", "high", "mean", "var", "cvar")


def ranges(
    key: str,
    title: str,
    caption: str,
    *,
    items: Sequence[Mapping[str, Any]],
    x_label: str,
    y_label: str | None = None,
    names: Mapping[str, str] | None = None,
    places: int = 1,
    language: str | None = None,
) -> Chart:
    """One row per item (e.g. per party): a ``low``–``high`` whisker, a thicker
    ``band_low``–``band_high`` band when given, a tick at ``mid``, a diamond at ``mean`` and
    triangles at ``var``/``cvar`` when given. ``names`` label the parts in the legend and the
    table (defaults: P5, P95, P50, P90, Mean, VaR, CVaR). Rows: the label then each part."""
    name = {
        "low": "P5",
        "band_low": "P50",
        "mid": "P50",
        "band_high": "P90",
        "high": "P95",
        "mean": _("Mean"),
        "var": "VaR",
        "cvar": "CVaR",
        **(names or {}),
    }
    present = [p for p in _RANGE_PARTS if any(item.get(p) is not None for item in items)]
    if "band_low" in present and all(item.get("band_low") == item.get("mid") for item in items):
        present.remove("band_low")  # a band starting at the median: one column is enough
    data = [
        {"label": str(item["label"]), **{p: _f(item.get(p)) for p in _RANGE_PARTS}}
        for item in items
    ]
    has_band = any(item.get("band_low") is not None for item in items)
    parts = [
        ("whisker", f"{name['low']}–{name['high']}", GREY, "M-1,0H1"),
        *(
            [("band", f"{name['band_low']}–{name['band_high']}", LIGHT_BLUE, "square")]
            if has_band
            else []
        ),
        ("mid", name["mid"], DARK_BLUE, "M0,-1V1"),
        ("mean", name["mean"], ORANGE, "diamond"),
        *([("var", name["var"], RED, "triangle-down")] if "var" in present else []),
        *([("cvar", name["cvar"], DARK_RED, "square")] if "cvar" in present else []),
    ]
    legend_names = [p[1] for p in parts]
    longest = max((len(str(item["label"])) for item in items), default=0)
    room = WIDTH - 40 - min(_CHAR_PX * longest, 180) - (20 if y_label else 0)
    color = alt.Color(
        "kind:N",
        title=None,
        scale=alt.Scale(domain=legend_names, range=[p[2] for p in parts]),
        legend=alt.Legend(symbolSize=110, columns=_legend_columns(legend_names, room)),
    )
    shape = alt.Shape(
        "kind:N", title=None, scale=alt.Scale(domain=legend_names, range=[p[3] for p in parts])
    )
    kinds = {p[0]: p[1] for p in parts}
    lo, hi = _domain(_f(item.get(p)) for item in items for p in _RANGE_PARTS)
    x_scale = alt.Scale(domain=[lo, hi], zero=False, nice=True)
    y = alt.Y("label:N", sort=None, title=y_label or None)
    base = _base(data)

    def kind(chart: alt.Chart, part: str) -> alt.Chart:
        return chart.transform_calculate(kind=json.dumps(kinds[part]))

    def x(f: str) -> alt.X:
        return alt.X(f"{f}:Q", title=x_label, scale=x_scale, axis=_axis(places))

    layers = [
        kind(base.mark_rule(strokeWidth=1.6), "whisker").encode(
            y=y, x=x("low"), x2=alt.X2("high:Q"), color=color
        )
    ]
    if has_band:
        layers.append(
            kind(base.transform_filter("datum.band_low != null"), "band")
            .mark_bar(size=14)
            .encode(y=y, x=x("band_low"), x2=alt.X2("band_high:Q"), color=color)
        )
    layers.append(
        kind(base.mark_tick(thickness=3, size=22), "mid").encode(y=y, x=x("mid"), color=color)
    )
    layers.append(
        kind(base.mark_point(filled=True, size=90, opacity=1), "mean").encode(
            y=y, x=x("mean"), color=color, shape=shape
        )
    )
    for part in ("var", "cvar"):
        if part in present:
            layers.append(
                kind(base.transform_filter(f"datum.{part} != null"), part)
                .mark_point(filled=True, size=70, opacity=1, yOffset=-9)
                .encode(y=y, x=x(part), color=color, shape=shape)
            )
    spec = _size(alt.layer(*layers), {"step": 40})
    rows = [(str(item["label"]), *(item.get(p) for p in present)) for item in items]
    return _chart(
        key,
        title,
        caption,
        spec,
        columns=[y_label or _("Item"), *(name[p] for p in present)],
        rows=rows,
        places=(None, *(places for _p in present)),
        language=language,
    )


_ENDS: tuple[tuple[str, Literal["left", "right"], int], ...] = (
    ("datum.value >= 0", "left", 3),
    ("datum.value < 0", "right", -3),
)


def tornado(
    key: str,
    title: str,
    caption: str,
    *,
    items: Sequence[Mapping[str, Any]],
    x_label: str,
    y_label: str | None = None,
    places: int = 1,
    language: str | None = None,
) -> Chart:
    """Horizontal bars (``label``, ``value``; negative values to the left of a zero axis in the
    middle), in the order given, each with its value at the end. Rows: (label, value)."""
    data = [{"label": str(i["label"]), "value": _f(i["value"])} for i in items]
    values = [float(i["value"]) for i in items]
    reach = max((abs(v) for v in values), default=1.0) or 1.0
    longest = max((len(f"{v:,.{places}f}") for v in values), default=4)
    # Room for the value labels at the bar ends: their width in domain units.
    pad = reach * (_CHAR_PX * longest + 8) / ((WIDTH - 200) / 2)
    scale = alt.Scale(domain=[-reach - pad, reach + pad], nice=False)
    base = _base(data)
    y = alt.Y("label:N", sort=None, title=y_label or None, axis=alt.Axis(ticks=False))
    x = alt.X("value:Q", title=x_label, scale=scale, axis=_axis(places))
    bars = base.mark_bar(size=13).encode(
        y=y,
        x=x,
        color=alt.condition("datum.value < 0", alt.value(PRIMARY), alt.value(ORANGE)),
    )
    zero = _base([{"zero": 0}]).mark_rule(color=DARK, strokeWidth=1).encode(x=alt.X("zero:Q"))
    texts = [
        base.transform_filter(test)
        .mark_text(align=align, dx=dx, fontSize=11, color=TEXT_MUTED)
        .encode(y=y, x=x, text=alt.Text("value:Q", format=_fmt(places)))
        for test, align, dx in _ENDS
    ]
    spec = _size(alt.layer(bars, zero, *texts), {"step": 18})
    return _chart(
        key,
        title,
        caption,
        spec,
        columns=[y_label or _("Item"), x_label],
        rows=[(str(i["label"]), i["value"]) for i in items],
        places=(None, places),
        language=language,
    )


def heatmap(
    key: str,
    title: str,
    caption: str,
    *,
    cells: Sequence[Mapping[str, Any]],
    x_label: str,
    y_label: str,
    x_values: Sequence[Any],
    y_values: Sequence[Any],
    value_label: str | None = None,
    text_label: str | None = None,
    colours: Sequence[str] = RISK_COLOURS,
    places: int = 0,
    language: str | None = None,
) -> Chart:
    """A grid of ``cells`` (``x``, ``y``, ``value``, optional ``text``) on ``x_values`` ×
    ``y_values`` (in that order; ``y_values`` top to bottom, so give ``[5, 4, 3, 2, 1]`` for a
    risk matrix), each coloured by its value (green → amber → red by default) with its text
    inside, e.g. risk ids. Rows: (x, y, value, text)."""
    columns = max(len(x_values), 1)
    chars = max(int((WIDTH - 150) / columns / _CHAR_PX) - 1, 4)
    data = [
        {
            "x": str(c["x"]),
            "y": str(c["y"]),
            "value": _f(c.get("value")),
            "text": "\n".join(textwrap.wrap(str(c.get("text") or ""), chars)),
        }
        for c in cells
    ]
    lo, hi = _domain(_f(c.get("value")) for c in cells)
    base = _base(data)
    x = alt.X("x:N", title=x_label, sort=[str(v) for v in x_values], axis=alt.Axis(labelAngle=0))
    y = alt.Y("y:N", title=y_label, sort=[str(v) for v in y_values])
    rects = base.mark_rect(stroke="white", strokeWidth=2).encode(
        x=x,
        y=y,
        color=alt.Color(
            "value:Q",
            title=value_label or _("Score"),
            scale=alt.Scale(domain=[lo, hi], range=list(colours)),
            legend=alt.Legend(orient="right", direction="vertical", gradientLength=160),
        ),
    )
    text = base.mark_text(fontSize=11, lineBreak="\n", color=DARK).encode(
        x=x, y=y, text=alt.Text("text:N")
    )
    spec = _size(alt.layer(rects, text), {"step": 52})
    rows = [(c["x"], c["y"], c.get("value"), str(c.get("text") or "")) for c in cells]
    return _chart(
        key,
        title,
        caption,
        spec,
        columns=[x_label, y_label, value_label or _("Score"), text_label or _("In this cell")],
        rows=rows,
        places=(0, 0, places, None),
        language=language,
    )


def line(
    key: str,
    title: str,
    caption: str,
    *,
    series: Mapping[str, Sequence[tuple[Number, Number]]],
    x_label: str,
    y_label: str,
    band: Sequence[tuple[Number, Number, Number]] | None = None,
    band_labels: tuple[str, str] | None = None,
    rules: Sequence[tuple[str, Number]] | None = None,
    x_places: int = 0,
    x_is_year: bool = False,
    places: int = 2,
    language: str | None = None,
) -> Chart:
    """One or more named ``series`` of (x, y); an optional shaded ``band`` of (x, low, high)
    (e.g. mean ± 2 SE) and horizontal ``rules`` with labels (e.g. the lenders' minimum DSCR).
    ``x_is_year``: x values are years (2030, not 2.030). Rows: one per x: x, each series, then
    the band's low and high."""
    names = list(series)
    data = [{"series": n, "x": _f(x), "y": _f(y)} for n in names for x, y in series[n]]
    xs = sorted(
        {float(x) for n in names for x, _y in series[n]} | {float(b[0]) for b in band or ()}
    )
    lo, hi = _domain(
        [
            *(_f(y) for n in names for _x, y in series[n]),
            *(_f(v) for b in band or () for v in b[1:]),
            *(_f(v) for _, v in rules or ()),
        ]
    )
    x_scale = alt.Scale(domain=[xs[0], xs[-1]] if xs else [0, 1], nice=False, zero=False)
    y_scale = alt.Scale(domain=[lo, hi], zero=False, nice=True)
    x_axis = alt.Axis(format="d", tickMinStep=1) if x_is_year else _axis(x_places)
    x = alt.X("x:Q", title=x_label, scale=x_scale, axis=x_axis)
    y_axis = _axis(places)
    layers: list[alt.Chart] = []
    if band:
        band_data = [{"x": _f(b[0]), "low": _f(b[1]), "high": _f(b[2])} for b in band]
        layers.append(
            _base(band_data)
            .mark_area(opacity=0.18, color=PRIMARY)
            .encode(
                x=x,
                y=alt.Y("low:Q", title=y_label, scale=y_scale, axis=y_axis),
                y2=alt.Y2("high:Q"),
            )
        )
    legend = alt.Legend(title=None, columns=_legend_columns(names)) if len(names) > 1 else None
    layers.append(
        _base(data)
        .mark_line(point=alt.OverlayMarkDef(size=18, filled=True) if len(xs) <= 30 else False)
        .encode(
            x=x,
            y=alt.Y("y:Q", title=y_label, scale=y_scale, axis=y_axis),
            color=alt.Color("series:N", sort=names, legend=legend),
        )
    )
    if rules:
        rule_data = _base([{"label": str(label), "value": _f(v)} for label, v in rules])
        layers.append(
            rule_data.mark_rule(color=RED, strokeDash=[6, 3], strokeWidth=1.5).encode(
                y=alt.Y("value:Q", scale=y_scale)
            )
        )
        layers.append(
            rule_data.transform_calculate(text=_label_text(places))
            .mark_text(align="right", baseline="bottom", dy=-3, color=DARK_RED, fontWeight=600)
            .encode(
                y=alt.Y("value:Q", scale=y_scale), x=alt.value(WIDTH - 90), text=alt.Text("text:N")
            )
        )
    spec = _size(alt.layer(*layers), HEIGHT, fit=False)
    by_x: dict[float, dict[str, Any]] = {}
    for n in names:
        for px, py in series[n]:
            by_x.setdefault(float(px), {"x": px})[n] = py
    for bx, blo, bhi in band or ():
        entry = by_x.setdefault(float(bx), {"x": bx})
        entry["_low"], entry["_high"] = blo, bhi
    low_label, high_label = band_labels or (_("Lower bound"), _("Upper bound"))
    keys = [*names, *(["_low", "_high"] if band else [])]
    rows = [(e["x"], *(e.get(k) for k in keys)) for _x, e in sorted(by_x.items())]
    return _chart(
        key,
        title,
        caption,
        spec,
        columns=[x_label, *names, *([low_label, high_label] if band else [])],
        rows=rows,
        places=(None if x_is_year else x_places, *(places for _k in keys)),
        marks=rules or (),
        marks_places=places,
        language=language,
    )


def bars(
    key: str,
    title: str,
    caption: str,
    *,
    categories: Sequence[str],
    series: Mapping[str, Sequence[Number]],
    x_label: str,
    y_label: str,
    stacked: bool = False,
    places: int = 1,
    language: str | None = None,
) -> Chart:
    """Vertical bars per category, one per series side by side (or ``stacked``): ``series`` maps
    a name to one value per category. Rows: one per category: the category, each series."""
    names = list(series)
    for n in names:
        if len(series[n]) != len(categories):
            raise ValueError(f"series {n!r} needs one value per category")
    data = [
        {"category": str(c), "series": n, "value": _f(series[n][i])}
        for i, c in enumerate(categories)
        for n in names
    ]
    labels = [str(c) for c in categories]
    step = (WIDTH - 80) / max(len(labels), 1)
    widest = max((len(c) for c in labels), default=0) * _CHAR_PX
    fits = widest < step - 6
    axis = alt.Axis(labelAngle=0 if fits else -35, **_cut(140))
    if not fits and labels and all(c.isdigit() for c in labels):
        # Years (or other numbers) that do not all fit: every n-th one, level, as on a time axis;
        # easier to read than forty slanted labels, and each label drawn costs the engine time.
        every = math.ceil((widest + 12) / step)
        axis = alt.Axis(labelAngle=0, values=labels[::every], **_cut(140))
    x = alt.X("category:N", title=x_label, sort=labels, axis=axis)
    encoding: dict[str, Any] = {
        "x": x,
        "y": alt.Y("value:Q", title=y_label, axis=_axis(places)),
        "color": alt.Color(
            "series:N",
            sort=names,
            legend=alt.Legend(title=None, symbolType="square", columns=_legend_columns(names))
            if len(names) > 1
            else None,
        ),
    }
    if not stacked:
        encoding["xOffset"] = alt.XOffset("series:N", sort=names)
    chart = _base(data).mark_bar().encode(**encoding)
    zero = _base([{"zero": 0}]).mark_rule(color=DARK, strokeWidth=1).encode(y=alt.Y("zero:Q"))
    spec = _size(alt.layer(chart, zero), HEIGHT, fit=False)
    rows = [(c, *(series[n][i] for n in names)) for i, c in enumerate(categories)]
    return _chart(
        key,
        title,
        caption,
        spec,
        columns=[x_label, *names],
        rows=rows,
        places=(None, *(places for _n in names)),
        language=language,
    )


def intervals(
    key: str,
    title: str,
    caption: str,
    *,
    items: Sequence[Mapping[str, Any]],
    x_label: str,
    y_label: str | None = None,
    names: Mapping[str, str] | None = None,
    shared: tuple[Number, Number] | None = None,
    gap: tuple[Number, Number] | None = None,
    limits: tuple[Number, Number] | None = None,
    places: int = 0,
    language: str | None = None,
) -> Chart:
    """One row per item on one axis: a bar from ``low`` to ``high`` (e.g. a partner's acceptable
    range), a thin whisker out to ``outer`` (e.g. its walk-away point) and a tick at ``point``
    (e.g. its preferred value); ``shared`` (lo, hi) shades in green the span every bar covers,
    ``gap`` (lo, hi) in red the span between bars that miss each other. An item without
    ``low``/``high`` (a value the reader may not see) keeps its row, empty. ``names`` label the
    parts (``range``, ``point``, ``outer``, ``shared``, ``gap``) in the legend and the table;
    ``limits`` (e.g. the values a lever can take) keep the axis inside them.
    Rows: label, low, high, point, outer."""
    name = {
        "range": _("Range"),
        "point": _("Point"),
        "outer": _("Outer limit"),
        "shared": _("Common to all"),
        "gap": _("No common value"),
        **(names or {}),
    }
    data = []
    for item in items:
        low, high, outer = _f(item.get("low")), _f(item.get("high")), _f(item.get("outer"))
        reach_lo = reach_hi = None
        if outer is not None and low is not None and high is not None:
            reach_lo, reach_hi = (outer, low) if outer < low else (high, outer)
        data.append(
            {
                "label": str(item["label"]),
                "low": low,
                "high": high,
                "point": _f(item.get("point")),
                "reach_lo": reach_lo,
                "reach_hi": reach_hi,
            }
        )
    has = {
        "range": any(d["low"] is not None for d in data),
        "point": any(d["point"] is not None for d in data),
        "outer": any(d["reach_lo"] is not None for d in data),
        "shared": shared is not None,
        "gap": gap is not None,
    }
    style = {
        "range": (PRIMARY, "square"),
        "point": (DARK, "M0,-1V1"),
        "outer": (GREY, "M-1,0H1"),
        "shared": (GREEN, "square"),
        "gap": (RED, "square"),
    }
    parts = [p for p in ("range", "point", "outer", "shared", "gap") if has[p]]
    legend_names = [name[p] for p in parts]
    color = alt.Color(
        "kind:N",
        title=None,
        scale=alt.Scale(domain=legend_names, range=[style[p][0] for p in parts]),
        legend=alt.Legend(symbolSize=110, symbolOpacity=1, columns=_legend_columns(legend_names)),
    )
    values = [d[k] for d in data for k in ("low", "high", "point", "reach_lo", "reach_hi")]
    values += [*(shared or ()), *(gap or ())]
    lo, hi = _domain(_f(v) for v in values)
    pad = ((hi - lo) or abs(hi) or 1.0) * 0.04
    start, end = lo - pad, hi + pad
    if limits is not None:
        start, end = max(start, float(limits[0])), min(end, float(limits[1]))
    x_scale = alt.Scale(domain=[start, end], zero=False, nice=limits is None)
    y = alt.Y("label:N", sort=[d["label"] for d in data], title=y_label or None)
    base = _base(data)

    def x(f: str) -> alt.X:
        return alt.X(f"{f}:Q", title=x_label, scale=x_scale, axis=_axis(places))

    def kind(chart: alt.Chart, part: str) -> alt.Chart:
        return chart.transform_calculate(kind=json.dumps(name[part]))

    # Every row keeps its place, also one with nothing to draw (a hidden value).
    layers: list[alt.Chart] = [base.mark_point(opacity=0).encode(y=y)]
    for part, span in (("shared", shared), ("gap", gap)):
        if span is not None:
            layers.append(
                kind(_base([{"a": _f(span[0]), "b": _f(span[1])}]), part)
                .mark_rect(opacity=0.18)
                .encode(x=x("a"), x2=alt.X2("b:Q"), color=color)
            )
    if has["outer"]:
        layers.append(
            kind(base.transform_filter("datum.reach_lo != null"), "outer")
            .mark_rule(strokeWidth=1.6, strokeDash=[4, 3])
            .encode(y=y, x=x("reach_lo"), x2=alt.X2("reach_hi:Q"), color=color)
        )
    layers.append(
        kind(base.transform_filter("datum.low != null"), "range")
        .mark_bar(size=14)
        .encode(y=y, x=x("low"), x2=alt.X2("high:Q"), color=color)
    )
    if has["point"]:
        layers.append(
            kind(base.transform_filter("datum.point != null"), "point")
            .mark_tick(thickness=3, size=22)
            .encode(y=y, x=x("point"), color=color)
        )
    spec = _size(alt.layer(*layers), {"step": 40})
    rows = [
        (str(i["label"]), i.get("low"), i.get("high"), i.get("point"), i.get("outer"))
        for i in items
    ]
    return _chart(
        key,
        title,
        caption,
        spec,
        columns=[
            y_label or _("Item"),
            _("%(range)s: from") % {"range": name["range"]},
            _("%(range)s: to") % {"range": name["range"]},
            name["point"],
            name["outer"],
        ],
        rows=rows,
        places=(None, places, places, places, places),
        language=language,
    )


def waterfall(
    key: str,
    title: str,
    caption: str,
    *,
    steps: Sequence[tuple[str, Number, bool]],
    x_label: str,
    y_label: str,
    places: int = 1,
    language: str | None = None,
) -> Chart:
    """A waterfall: ``steps`` of (label, amount, is_total) from left to right. A step that is not
    a total adds its amount (positive green, negative red) to the running total; a total (blue)
    is drawn from zero to its amount and restarts the running total there. Rows: one per step:
    the label, the amount, the running total after it."""
    data: list[dict[str, Any]] = []
    rows: list[tuple[Any, ...]] = []
    running = 0.0
    for label, amount, is_total in steps:
        value = float(amount)
        if is_total:
            start, end, kind = 0.0, value, "total"
            running = value
        else:
            start, end = running, running + value
            kind = "up" if value >= 0 else "down"
            running = end
        data.append({"label": str(label), "start": start, "end": end, "kind": kind})
        rows.append((str(label), amount, running))
    labels = [d["label"] for d in data]
    step = (WIDTH - 80) / max(len(labels), 1)
    fits = max((len(s) for s in labels), default=0) * _CHAR_PX < step - 6
    x = alt.X(
        "label:N",
        title=x_label,
        sort=labels,
        axis=alt.Axis(labelAngle=0 if fits else -35, **_cut(160)),
    )
    colour = alt.Color(
        "kind:N",
        scale=alt.Scale(domain=["total", "up", "down"], range=[PRIMARY, GREEN, RED]),
        legend=None,
    )
    bars_layer = (
        _base(data)
        .mark_bar()
        .encode(
            x=x,
            y=alt.Y("start:Q", title=y_label, axis=_axis(places)),
            y2=alt.Y2("end:Q"),
            color=colour,
        )
    )
    zero = _base([{"zero": 0}]).mark_rule(color=DARK, strokeWidth=1).encode(y=alt.Y("zero:Q"))
    spec = _size(alt.layer(bars_layer, zero), HEIGHT, fit=False)
    return _chart(
        key,
        title,
        caption,
        spec,
        columns=[x_label, y_label, _("Running total")],
        rows=rows,
        places=(None, places, places),
        language=language,
    )


def stacked_bars_with_lines(
    key: str,
    title: str,
    caption: str,
    *,
    categories: Sequence[str],
    series: Mapping[str, Sequence[Number]],
    lines: Mapping[str, Sequence[Number | None]],
    x_label: str,
    y_label: str,
    places: int = 1,
    language: str | None = None,
) -> Chart:
    """Stacked vertical bars per category (``series``: name → one value per category) with
    ``lines`` drawn over them (name → one value per category, ``None`` for a gap), e.g.
    commitments by year against a budget limit. Rows: the category, each series, each line."""
    names, line_names = list(series), list(lines)
    for n in names:
        if len(series[n]) != len(categories):
            raise ValueError(f"series {n!r} needs one value per category")
    for n in line_names:
        if len(lines[n]) != len(categories):
            raise ValueError(f"line {n!r} needs one value per category")
    data = [
        {"category": str(c), "series": n, "value": _f(series[n][i])}
        for i, c in enumerate(categories)
        for n in names
    ]
    line_data = [
        {"category": str(c), "series": n, "value": _f(lines[n][i])}
        for i, c in enumerate(categories)
        for n in line_names
        if lines[n][i] is not None
    ]
    step = (WIDTH - 80) / max(len(categories), 1)
    fits = max((len(str(c)) for c in categories), default=0) * _CHAR_PX < step - 6
    sort = [str(c) for c in categories]
    x = alt.X(
        "category:N",
        title=x_label,
        sort=sort,
        axis=alt.Axis(labelAngle=0 if fits else -45, **_cut(140), labelOverlap=True),
    )
    everything = [*names, *line_names]
    colours = [CATEGORY[i % len(CATEGORY)] for i in range(len(names))] + [
        [RED, DARK, PURPLE][i % 3] for i in range(len(line_names))
    ]
    colour = alt.Color(
        "series:N",
        sort=everything,
        scale=alt.Scale(domain=everything, range=colours),
        legend=alt.Legend(title=None, symbolType="square", columns=_legend_columns(everything)),
    )
    y = alt.Y("value:Q", title=y_label, axis=_axis(places))
    bars = _base(data).mark_bar().encode(x=x, y=y, color=colour)
    layers: list[Any] = [bars]
    if line_data:
        layers.append(
            _base(line_data)
            .mark_line(strokeDash=[6, 3], strokeWidth=2, point=alt.OverlayMarkDef(size=14))
            .encode(x=x, y=alt.Y("value:Q"), color=colour)
        )
    zero = _base([{"zero": 0}]).mark_rule(color=DARK, strokeWidth=1).encode(y=alt.Y("zero:Q"))
    spec = _size(alt.layer(*layers, zero), HEIGHT)
    rows = [
        (c, *(series[n][i] for n in names), *(lines[n][i] for n in line_names))
        for i, c in enumerate(categories)
    ]
    return _chart(
        key,
        title,
        caption,
        spec,
        columns=[x_label, *names, *line_names],
        rows=rows,
        places=(None, *(places for _n in everything)),
        language=language,
    )


def gantt(
    key: str,
    title: str,
    caption: str,
    *,
    items: Sequence[Mapping[str, Any]],
    status_names: Mapping[str, str],
    today: Any = None,
    columns: Sequence[str] | None = None,
    language: str | None = None,
) -> Chart:
    """A Gantt chart: one row per item (``label``, ``start`` and ``end`` dates, ``status``, and
    ``milestone`` True for a single date drawn as a diamond), coloured by status
    (``status_names``: code → label, in legend order); ``today`` a dashed rule. A bar runs to the
    end of its last day. Rows of the table: label, who (``who``), start, end, status."""
    import datetime as _dt

    names = [str(v) for v in status_names.values()]
    colours = [GREY, PRIMARY, GREEN, RED, ORANGE, PURPLE][: len(names)]
    data = []
    for item in items:
        start, end = item["start"], item["end"]
        data.append(
            {
                "label": str(item["label"]),
                "start": start.isoformat(),
                "end": (end + _dt.timedelta(days=1)).isoformat(),
                "day": start.isoformat(),
                "status": str(status_names.get(item["status"], item["status"])),
                "milestone": bool(item.get("milestone")),
            }
        )
    color = alt.Color(
        "status:N",
        title=None,
        scale=alt.Scale(domain=names, range=colours),
        legend=alt.Legend(symbolSize=110, symbolOpacity=1, columns=_legend_columns(names)),
    )
    y = alt.Y("label:N", sort=[d["label"] for d in data], title=None, axis=alt.Axis(**_cut(220)))
    x_axis = alt.Axis(format="%d %b %Y", labelAngle=0, labelOverlap=True, tickCount=6)
    x_scale = alt.Scale(type="utc")
    base = _base(data)
    layers: list[alt.Chart] = [
        base.transform_filter("!datum.milestone")
        .mark_bar(size=14, cornerRadius=2)
        .encode(
            y=y,
            x=alt.X("start:T", title=None, axis=x_axis, scale=x_scale),
            x2=alt.X2("end:T"),
            color=color,
        ),
        base.transform_filter("datum.milestone")
        .mark_point(shape="diamond", size=160, filled=True, opacity=1)
        .encode(y=y, x=alt.X("day:T", title=None, axis=x_axis, scale=x_scale), color=color),
    ]
    if today is not None:
        layers.append(
            _base([{"today": today.isoformat()}])
            .mark_rule(strokeDash=[4, 3], color=RED, strokeWidth=1.5)
            .encode(x=alt.X("today:T", scale=x_scale))
        )
    spec = _size(alt.layer(*layers), {"step": 28})
    rows = [
        (
            str(i["label"]),
            str(i.get("who") or ""),
            i["start"],
            i["end"],
            str(status_names.get(i["status"], i["status"])),
        )
        for i in items
    ]
    return _chart(
        key,
        title,
        caption,
        spec,
        columns=list(columns or (_("Task"), _("Who"), _("Start"), _("Due"), _("Status"))),
        rows=rows,
        places=(None, None, None, None, None),
        language=language,
    )
