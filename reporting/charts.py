"""SVG charts drawn with matplotlib, shared by the annual report and the dashboard.

Every function returns a `Chart`: the SVG markup (text kept as text, so it scales and can be
searched) plus the numbers behind it as a table, which pages show as the chart's text
alternative.
"""

import base64
import functools
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib

matplotlib.use("svg")  # no display here; the SVG backend needs nothing else

from django.core.cache import cache  # noqa: E402
from django.utils import translation  # noqa: E402
from django.utils.formats import number_format  # noqa: E402
from django.utils.safestring import mark_safe  # noqa: E402
from matplotlib import pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from plan.models import Effort  # noqa: E402

# Colours per status, distinguishable for colour-blind readers and printable in grey;
# charts also label their segments, so colour is never the only carrier of meaning.
STATUS_COLOURS = {
    Effort.Status.NOT_STARTED: "#b8bcc2",
    Effort.Status.ON_TRACK: "#1b7f4b",
    Effort.Status.AT_RISK: "#e0a100",
    Effort.Status.DELAYED: "#b3261e",
    Effort.Status.DONE: "#2f5da8",
    Effort.Status.STOPPED: "#555a61",
}
DARK_TEXT = {Effort.Status.NOT_STARTED, Effort.Status.AT_RISK}
LINE_COLOUR = "#a4121c"
FONT = ["DejaVu Sans", "Liberation Sans", "sans-serif"]
CACHE_SECONDS = 24 * 60 * 60
# Drawings made by an older version of this module are never reused (a shared cache survives
# deploys).
CODE_VERSION = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]


@dataclass
class Chart:
    title: str
    svg: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    source: str = ""
    data_uri: str = ""  # for <img src>: an image with alt text is tagged as a figure in PDF/UA

    def __post_init__(self):
        # base64 holds no character HTML would escape; marked safe, templates skip escaping
        # its 100 kB instead of scanning it on every page view
        encoded = base64.b64encode(self.svg.encode()).decode()
        self.data_uri = mark_safe(f"data:image/svg+xml;base64,{encoded}")  # noqa: S308


def cached(function):
    """Charts are pure functions of their data: keep each drawing in the cache, keyed on the
    data and the language (labels are translated), so a page draws only what changed."""

    @functools.wraps(function)
    def wrapper(**kwargs):
        data = repr((function.__name__, translation.get_language(), sorted(kwargs.items())))
        key = f"chart:{CODE_VERSION}:" + hashlib.sha256(data.encode()).hexdigest()
        chart = cache.get(key)
        if chart is None:
            chart = function(**kwargs)
            cache.set(key, chart, CACHE_SECONDS)
        return chart

    return wrapper


def _render(figure: Figure) -> str:
    buffer = io.StringIO()
    with plt.rc_context({"svg.fonttype": "none", "svg.hashsalt": "leiden"}):
        figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(figure)
    svg = buffer.getvalue()
    return svg[svg.index("<svg") :]  # drop the XML declaration and DOCTYPE for inlining


def _figure(width: float, height: float) -> tuple[Figure, object]:
    with plt.rc_context({"font.family": FONT, "font.size": 9}):
        figure, axes = plt.subplots(figsize=(width, height))
    axes.spines[["top", "right"]].set_visible(False)
    return figure, axes


def _localise(axis) -> None:
    """Numbers on the value axis as the language writes them (14.500 / 12,5 in Dutch)."""
    axis.set_major_formatter(FuncFormatter(lambda value, _position: _format_number(value, "")))


@cached
def status_bars(*, title: str, categories: list[str], counts: list[dict[str, int]]) -> Chart:
    """Horizontal stacked bars: per category (e.g. spearhead) the number of efforts per status.

    `counts[i]` maps status codes to numbers for `categories[i]`.
    """
    statuses = [s for s in Effort.Status if any(c.get(s) for c in counts)]
    figure, axes = _figure(7.0, 0.45 * max(len(categories), 1) + 1.0)
    positions = list(range(len(categories)))[::-1]
    lefts = [0] * len(categories)
    with plt.rc_context({"font.family": FONT, "font.size": 9}):
        for status in statuses:
            values = [c.get(status, 0) for c in counts]
            bars = axes.barh(
                positions,
                values,
                left=lefts,
                color=STATUS_COLOURS[status],
                label=str(status.label),
                edgecolor="white",
            )
            labels = [str(v) if v else "" for v in values]
            text_colour = "black" if status in DARK_TEXT else "white"
            axes.bar_label(bars, labels=labels, label_type="center", color=text_colour, fontsize=8)
            lefts = [left + value for left, value in zip(lefts, values, strict=True)]
        axes.set_yticks(positions, categories)
        axes.xaxis.get_major_locator().set_params(integer=True)
        _localise(axes.xaxis)
        if statuses:
            axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncols=3, frameon=False)
    columns = ["", *[str(s.label) for s in statuses]]
    rows = [
        [category, *[c.get(s, 0) for s in statuses]]
        for category, c in zip(categories, counts, strict=True)
    ]
    return Chart(title=title, svg=_render(figure), columns=columns, rows=rows)


@cached
def yearly_values(
    *, title: str, unit: str, points: list[tuple[int, float]], value_label: str, source: str = ""
) -> Chart:
    """Bars per year for one indicator of the Monitor Internationalisering."""
    figure, axes = _figure(4.2, 2.4)
    years = [str(year) for year, _value in points]
    values = [float(value) for _year, value in points]
    with plt.rc_context({"font.family": FONT, "font.size": 9}):
        bars = axes.bar(years, values, color=LINE_COLOUR, width=0.6)
        shown = [_format_number(value, unit) for value in values]
        axes.bar_label(bars, labels=shown, fontsize=8)
        axes.set_ylim(0, max(values, default=1) * 1.2 or 1)
        axes.set_ylabel(unit)
        _localise(axes.yaxis)
    rows = [[year, _format_number(value, unit)] for year, value in zip(years, values, strict=True)]
    columns = ["", value_label]
    return Chart(title=title, svg=_render(figure), columns=columns, rows=rows, source=source)


def _format_number(value: float, unit: str) -> str:
    """In the active language: 14.500 and 11,6 in Dutch; 14,500 and 11.6 in English."""
    text = number_format(value, decimal_pos=1 if value % 1 else 0, force_grouping=True)
    return f"{text}%" if unit == "%" else text


@cached
def category_values(
    *, title: str, unit: str, items: list[tuple[str, float]], value_label: str, source: str = ""
) -> Chart:
    """Horizontal bars, one per category (e.g. residents per nationality in one year)."""
    figure, axes = _figure(6.0, 0.32 * max(len(items), 1) + 0.8)
    labels = [label for label, _value in items][::-1]
    values = [float(value) for _label, value in items][::-1]
    with plt.rc_context({"font.family": FONT, "font.size": 9}):
        bars = axes.barh(labels, values, color=LINE_COLOUR, height=0.6)
        axes.bar_label(
            bars, labels=[_format_number(v, unit) for v in values], fontsize=8, padding=2
        )
        axes.set_xlim(0, max(values, default=1) * 1.18 or 1)
        axes.set_xlabel(unit)
        _localise(axes.xaxis)
    rows = [[label, _format_number(value, unit)] for label, value in items]
    columns = ["", value_label]
    return Chart(title=title, svg=_render(figure), columns=columns, rows=rows, source=source)
