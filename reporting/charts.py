"""SVG bar charts shared by the annual report, the evaluation and the dashboard.

Python computes the geometry (bar positions, axis ticks, where labels go) and writes the SVG
(`_svg`). Text from the data is escaped and nothing parses it as markup, so an indicator named
`$\\frac{a}$` or `<b>` shows as written. Text stays text, so it scales, prints crisply and can
be searched.

Every function returns a `Chart`: the SVG plus the numbers behind it as a table, which pages
show as the chart's text alternative. A chart takes about a millisecond, so nothing is cached.
"""

import base64
import hashlib
import math
from dataclasses import dataclass, field

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from plan.models import Effort

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
TARGET_COLOUR = "#1f2328"  # a dark dashed line across the bar, named in a legend

WIDTH = 420  # user units = CSS pixels at natural size; 9 pt text when printed 11 cm wide
FONT_SIZE = 12  # category labels, ticks, legend
VALUE_SIZE = 11  # numbers on the bars
LINE_HEIGHT = 14
LABEL_SHARE = 0.42  # the most of the width that category labels may take
MAX_LINES = 3  # a longer label is cut with "…" (the table below the chart has it in full)

# Advance widths of DejaVu Sans (the PDF's and most Linux browsers' sans-serif) in em, for
# placing labels; other sans-serif fonts are narrower, so labels still fit.
_NARROW = dict.fromkeys("ijl.,:;!'|", 0.28) | dict.fromkeys(" ()[]/-", 0.36) | {"f": 0.35}
_NARROW |= {"t": 0.39, "r": 0.41, "I": 0.3, "J": 0.3, "s": 0.52, "c": 0.55, "z": 0.53}
_WIDE = dict.fromkeys("mwMW", 0.95) | dict.fromkeys("ABCDGHKNOQRUVXY&", 0.74) | {"%": 0.95}
_GLYPHS = _NARROW | _WIDE
DIGIT_EM = 0.636
DEFAULT_EM = 0.62


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
        # it instead of scanning it on every page view
        encoded = base64.b64encode(self.svg.encode()).decode()
        self.data_uri = mark_safe(f"data:image/svg+xml;base64,{encoded}")  # noqa: S308


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """Approximate width of a text in DejaVu Sans at a font size."""
    em = sum(DIGIT_EM if c.isdigit() else _GLYPHS.get(c, DEFAULT_EM) for c in text)
    return em * size


def wrap(text: str, width: float, size: float = FONT_SIZE) -> list[str]:
    """Lines of at most `width` (a single long word may exceed it), at most MAX_LINES."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(f"{lines[-1]} {word}", size) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    if len(lines) > MAX_LINES:
        lines = [*lines[: MAX_LINES - 1], " ".join(lines[MAX_LINES - 1 :])]
        last = lines[-1]
        while len(last) > 1 and text_width(last + "…", size) > width:
            last = last[:-1]
        lines[-1] = last.rstrip() + "…"
    return lines or [""]


def nice_ticks(maximum: float, *, integer: bool = False, most: int = 5) -> list[tuple]:
    """Axis ticks from 0 to just past `maximum`, in steps of 1, 2 or 5 times a power of ten,
    or 2.5 times from 25 up (whole steps if `integer`): at most `most` steps. Each tick is
    (value, label in the active language)."""
    maximum = max(maximum, 0)
    if maximum == 0:
        return [(0, "0"), (1, "1")]
    exponent = math.floor(math.log10(maximum / most))
    factors = (1, 2, 2.5, 5, 10, 20) if exponent >= 1 else (1, 2, 5, 10, 20)  # 250, not 2,5
    steps = [factor * 10**exponent for factor in factors]
    if integer:
        steps = [step for step in steps if step >= 1 and step == int(step)] or [1]
    step = next((step for step in steps if maximum / step <= most), steps[-1])
    decimals = 0
    while abs(round(step, decimals) - step) > 1e-9:
        decimals += 1
    count = math.ceil(maximum / step - 1e-9)
    return [
        (value, number_format(value, decimal_pos=decimals, force_grouping=True))
        for value in (round(index * step, decimals) for index in range(count + 1))
    ]


def format_number(value: float, unit: str) -> str:
    """In the active language: 14.500 and 11,6 in Dutch; 14,500 and 11.6 in English."""
    text = number_format(value, decimal_pos=1 if value % 1 else 0, force_grouping=True)
    return f"{text}%" if unit == "%" else text


def _r(value: float) -> float:
    """Coordinates to a tenth of a pixel keep the SVG short."""
    return round(value, 1)


def _label_lines(labels: list[str]) -> tuple[list[list[str]], float]:
    """Category labels wrapped to fit beside the bars, and the width they need."""
    wrapped = [wrap(label, WIDTH * LABEL_SHARE) for label in labels]
    widest = max((text_width(line) for lines in wrapped for line in lines), default=0)
    return wrapped, min(widest, WIDTH * LABEL_SHARE)


def _svg(template: str, *, title: str, description: str, height: float, **context) -> str:
    """The chart's SVG, written in Python from its computed geometry: through the template
    language a chart took milliseconds, most of it rendering a few hundred variables. Every
    text is escaped, and nothing parses it as markup."""
    digest = hashlib.sha256(repr((template, title, description)).encode()).hexdigest()[:8]
    c = {"value_size": VALUE_SIZE, **context}
    chart_id, width, height = f"chart-{digest}", WIDTH, math.ceil(height)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">\n'
        f'<title id="{chart_id}-title">{escape(title)}</title>\n'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>\n'
        f'<g font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif" '
        f'font-size="{FONT_SIZE}" fill="#1f2328">\n{_BODIES[template](c)}\n</g>\n</svg>'
    )


def _vertical_ticks(c: dict) -> str:
    return "".join(
        f'<line x1="{t["x"]}" y1="{t["y1"]}" x2="{t["x"]}" y2="{t["y2"]}" stroke="#e3e5e8"/>\n'
        f'<text x="{t["x"]}" y="{t["label_y"]}" text-anchor="middle">{escape(t["text"])}</text>\n'
        for t in c["axis"]
    )


def _label(row: dict) -> str:
    lines = "".join(
        f'<tspan x="{line["x"]}" y="{line["y"]}">{escape(line["text"])}</tspan>'
        for line in row["label"]
    )
    return f'<text text-anchor="end">{lines}</text>\n'


def _axes(c: dict) -> str:
    return (
        f'<line x1="{c["left"]}" y1="{c["axis_y"]}" x2="{c["right"]}" y2="{c["axis_y"]}" '
        f'stroke="#6c737a"/>\n'
        f'<line x1="{c["left"]}" y1="{c["axis"][0]["y1"]}" x2="{c["left"]}" y2="{c["axis_y"]}" '
        f'stroke="#6c737a"/>\n'
    )


def _status_bars_body(c: dict) -> str:
    parts = [_vertical_ticks(c)]
    for row in c["rows"]:
        parts.append(_label(row))
        for s in row["segments"]:
            parts.append(
                f'<rect x="{s["x"]}" y="{s["y"]}" width="{s["width"]}" height="{s["height"]}" '
                f'fill="{s["colour"]}" stroke="#ffffff" stroke-width="1"/>\n'
            )
            if s["text"]:
                parts.append(
                    f'<text x="{s["text_x"]}" y="{s["text_y"]}" text-anchor="middle" '
                    f'font-size="{c["value_size"]}" fill="{s["text_colour"]}">'
                    f"{escape(s['text'])}</text>\n"
                )
    parts.append(_axes(c))
    for entry in c["legend"]:
        parts.append(
            f'<rect x="{entry["x"]}" y="{entry["swatch_y"]}" width="12" height="12" '
            f'fill="{entry["colour"]}"/>\n'
            f'<text x="{entry["text_x"]}" y="{entry["y"]}">{escape(entry["text"])}</text>\n'
        )
    return "".join(parts)


def _yearly_values_body(c: dict) -> str:
    parts = []
    if c["unit"]:
        parts.append(f'<text x="0" y="{c["unit_y"]}">{escape(c["unit"])}</text>\n')
    for t in c["axis"]:
        parts.append(
            f'<line x1="{c["left"]}" y1="{t["y"]}" x2="{c["right"]}" y2="{t["y"]}" '
            f'stroke="#e3e5e8"/>\n'
            f'<text x="{c["left"]}" dx="-6" y="{t["text_y"]}" text-anchor="end">'
            f"{escape(t['text'])}</text>\n"
        )
    for bar in c["bars"]:
        parts.append(
            f'<rect x="{bar["x"]}" y="{bar["y"]}" width="{bar["width"]}" '
            f'height="{bar["height"]}" fill="{c["colour"]}"/>\n'
        )
        if bar["value"]:
            parts.append(
                f'<text x="{bar["centre"]}" y="{bar["value_y"]}" text-anchor="middle" '
                f'font-size="{c["value_size"]}">{escape(bar["value"])}</text>\n'
            )
        if bar["year"]:
            parts.append(
                f'<text x="{bar["centre"]}" y="{c["year_y"]}" text-anchor="middle">'
                f"{escape(bar['year'])}</text>\n"
            )
        if bar["target"]:
            t = bar["target"]
            parts.append(
                f'<line x1="{t["x1"]}" y1="{t["y"]}" x2="{t["x2"]}" y2="{t["y"]}" '
                f'stroke="{TARGET_COLOUR}" stroke-width="2" stroke-dasharray="5 3"/>\n'
            )
    if c["target_label"]:  # the legend: the dashed line is named in words
        y = c["legend_y"]
        parts.append(
            f'<line x1="{c["left"]}" y1="{_r(y - 4)}" x2="{_r(c["left"] + 22)}" y2="{_r(y - 4)}" '
            f'stroke="{TARGET_COLOUR}" stroke-width="2" stroke-dasharray="5 3"/>\n'
            f'<text x="{_r(c["left"] + 28)}" y="{y}">{escape(c["target_label"])}</text>\n'
        )
    parts.append(
        f'<line x1="{c["left"]}" y1="{c["bottom"]}" x2="{c["right"]}" y2="{c["bottom"]}" '
        f'stroke="#6c737a"/>\n'
    )
    return "".join(parts)


def _category_values_body(c: dict) -> str:
    parts = [_vertical_ticks(c)]
    for row in c["rows"]:
        bar = row["bar"]
        parts.append(
            _label(row) + f'<rect x="{bar["x"]}" y="{bar["y"]}" width="{bar["width"]}" '
            f'height="{bar["height"]}" fill="{c["colour"]}"/>\n'
            f'<text x="{bar["value_x"]}" y="{bar["value_y"]}" font-size="{c["value_size"]}">'
            f"{escape(bar['value'])}</text>\n"
        )
    parts.append(_axes(c))
    if c["unit"]:
        parts.append(
            f'<text x="{c["unit_x"]}" y="{c["unit_y"]}" text-anchor="middle">'
            f"{escape(c['unit'])}</text>\n"
        )
    return "".join(parts)


_BODIES = {
    "status_bars.svg": _status_bars_body,
    "yearly_values.svg": _yearly_values_body,
    "category_values.svg": _category_values_body,
}


def _horizontal_rows(wrapped: list[list[str]], *, top: float, label_right: float) -> list:
    """Bands from top to bottom, one per category, tall enough for its label's lines."""
    rows, y = [], top
    for lines in wrapped:
        band = max(28, LINE_HEIGHT * len(lines) + 10)
        first = y + band / 2 - LINE_HEIGHT * (len(lines) - 1) / 2 + FONT_SIZE * 0.35
        rows.append(
            {
                "y": y,
                "band": band,
                "label": [
                    {"x": label_right, "y": _r(first + LINE_HEIGHT * i), "text": line}
                    for i, line in enumerate(lines)
                ],
            }
        )
        y += band
    return rows


def _x_axis(maximum: float, *, integer: bool, left: float, plot_width: float, top, bottom):
    """Ticks along the bottom: as many as fit with their labels apart, and the scale."""
    for most in range(5, 0, -1):
        ticks = nice_ticks(maximum, integer=integer, most=most)
        widest = max(text_width(text) for _value, text in ticks)
        if widest + 16 <= plot_width / (len(ticks) - 1):
            break
    scale = plot_width / ticks[-1][0]
    return scale, [
        {
            "x": _r(left + value * scale),
            "y1": top,
            "y2": _r(bottom),
            "label_y": _r(bottom + FONT_SIZE + 4),
            "text": text,
        }
        for value, text in ticks
    ]


def status_bars(*, title: str, categories: list[str], counts: list[dict[str, int]]) -> Chart:
    """Horizontal stacked bars: per category (e.g. spearhead) the number of efforts per status.

    `counts[i]` maps status codes to numbers for `categories[i]`.
    """
    statuses = [s for s in Effort.Status if any(c.get(s) for c in counts)]
    wrapped, label_width = _label_lines(categories)
    left = label_width + 14
    plot_width = WIDTH - left - 12
    top = 6
    rows = _horizontal_rows(wrapped, top=top, label_right=_r(left - 6))
    bottom = rows[-1]["y"] + rows[-1]["band"] if rows else top + 28
    totals = [sum(c.get(s, 0) for s in statuses) for c in counts]
    scale, axis = _x_axis(
        max(totals, default=0),
        integer=True,
        left=left,
        plot_width=plot_width,
        top=top,
        bottom=bottom,
    )
    for row, category_counts in zip(rows, counts, strict=True):
        x, bar = left, 18
        row["segments"] = []
        for status in statuses:
            value = category_counts.get(status, 0)
            if not value:
                continue
            width = value * scale
            text = format_number(value, "")
            row["segments"].append(
                {
                    "x": _r(x),
                    "y": _r(row["y"] + (row["band"] - bar) / 2),
                    "width": _r(width),
                    "height": bar,
                    "colour": STATUS_COLOURS[status],
                    "text": text if text_width(text, VALUE_SIZE) + 4 <= width else "",
                    "text_x": _r(x + width / 2),
                    "text_y": _r(row["y"] + row["band"] / 2 + VALUE_SIZE * 0.35),
                    "text_colour": "#000000" if status in DARK_TEXT else "#ffffff",
                }
            )
            x += width
    # The legend flows under the axis, as many entries to a line as fit.
    legend, x, y = [], 0, bottom + FONT_SIZE + 26
    for status in statuses:
        label = str(status.label)
        entry_width = 16 + text_width(label) + 14
        if x and x + entry_width > WIDTH:
            x, y = 0, y + LINE_HEIGHT + 6
        legend.append(
            {
                "x": _r(x),
                "y": _r(y),
                "swatch_y": _r(y - 10),
                "text_x": _r(x + 16),
                "colour": STATUS_COLOURS[status],
                "text": label,
            }
        )
        x += entry_width
    height = (y if legend else bottom + FONT_SIZE) + 8
    columns = ["", *[str(s.label) for s in statuses]]
    table = [
        [category, *[c.get(s, 0) for s in statuses]]
        for category, c in zip(categories, counts, strict=True)
    ]
    description = _describe(
        gettext("Horizontal bars per category, divided by status."),
        [
            (row[0], ", ".join(f"{c} {v}" for c, v in zip(columns[1:], row[1:], strict=True) if v))
            for row in table
        ],
    )
    svg = _svg(
        "status_bars.svg",
        title=title,
        description=description,
        height=height,
        rows=rows,
        axis=axis,
        axis_y=_r(bottom),
        left=_r(left),
        right=_r(left + plot_width),
        legend=legend,
    )
    return Chart(title=title, svg=svg, columns=columns, rows=table)


def _describe(kind: str, parts: list[tuple[str, str]]) -> str:
    return " ".join([kind, "; ".join(f"{label}: {value}" for label, value in parts)]).strip()


def yearly_values(
    *,
    title: str,
    unit: str,
    points: list[tuple[int, float]],
    value_label: str,
    source: str = "",
    targets: list | None = None,
    comparisons: list | None = None,
    comparison_label: str = "",
) -> Chart:
    """Bars per year for one indicator of the Monitor Internationalisering. A year's target
    (`targets`, None where there is none) is drawn as a dashed line across its bar, named in
    a legend; the table under the chart gets a column for the targets and one for the
    comparison figures when there are any."""
    years = [str(year) for year, _value in points]
    values = [float(value) for _year, value in points]
    targets = [None if t is None else float(t) for t in targets or [None] * len(points)]
    comparisons = [None if c is None else float(c) for c in comparisons or [None] * len(points)]
    shown = [format_number(value, unit) for value in values]
    has_targets = any(t is not None for t in targets)
    ticks = nice_ticks(max([*values, *(t for t in targets if t is not None)], default=0))
    left = max(text_width(text) for _value, text in ticks) + 12
    legend = LINE_HEIGHT + 6 if has_targets else 0
    top = (LINE_HEIGHT + 6 if unit else 0) + legend + VALUE_SIZE + 8  # unit, legend, values
    plot_height = 170
    bottom = top + plot_height
    plot_width = WIDTH - left - 6
    slot = plot_width / max(len(values), 1)
    scale = plot_height / ticks[-1][0]
    # Numbers on the bars in a smaller font where they would touch; none if still too wide
    # (the table under the chart has them).
    value_size = VALUE_SIZE
    widest = max((text_width(text, 1) for text in shown), default=0)
    while value_size > 8 and widest * value_size > slot - 4:
        value_size -= 1
    show_values = widest * value_size <= slot - 4
    # Years: every n-th where they would touch
    every = max(1, math.ceil((text_width("0000") + 6) / slot))
    bars = []
    for index, (year, value, text) in enumerate(zip(years, values, shown, strict=True)):
        height = max(value, 0) * scale
        centre = left + slot * (index + 0.5)
        target = targets[index]
        bars.append(
            {
                "x": _r(centre - slot * 0.3),
                "y": _r(bottom - height),
                "width": _r(slot * 0.6),
                "height": _r(height),
                "centre": _r(centre),
                "value": text if show_values else "",
                "value_y": _r(min(bottom - height, bottom - max(target or 0, 0) * scale) - 4),
                "year": year if index % every == 0 else "",
                "target": None
                if target is None
                else {
                    "x1": _r(centre - slot * 0.42),
                    "x2": _r(centre + slot * 0.42),
                    "y": _r(bottom - max(target, 0) * scale),
                },
            }
        )
    axis = [
        {"y": _r(bottom - value * scale), "text_y": _r(bottom - value * scale + 4), "text": text}
        for value, text in ticks
    ]
    table = [[year, text] for year, text in zip(years, shown, strict=True)]
    columns = ["", value_label]
    target_label = gettext("target")
    if has_targets:
        columns.append(target_label)
        for row, target in zip(table, targets, strict=True):
            row.append("–" if target is None else format_number(target, unit))
    if any(c is not None for c in comparisons):
        columns.append(comparison_label or gettext("comparison"))
        for row, comparison in zip(table, comparisons, strict=True):
            row.append("–" if comparison is None else format_number(comparison, unit))
    parts = [(row[0], " / ".join(row[1:])) for row in table]
    description = _describe(gettext("Vertical bars per year."), parts)
    if len(columns) > 2:
        description += " (" + " / ".join(columns[1:]) + ")"
    svg = _svg(
        "yearly_values.svg",
        title=title,
        description=description,
        height=bottom + FONT_SIZE + 10,
        bars=bars,
        axis=axis,
        unit=unit,
        unit_y=LINE_HEIGHT,
        legend_y=(LINE_HEIGHT + 6 if unit else 0) + LINE_HEIGHT,
        target_label=target_label if has_targets else "",
        left=_r(left),
        right=_r(left + plot_width),
        bottom=_r(bottom),
        year_y=_r(bottom + FONT_SIZE + 4),
        value_size=value_size,
        colour=LINE_COLOUR,
    )
    return Chart(title=title, svg=svg, columns=columns, rows=table, source=source)


def category_values(
    *, title: str, unit: str, items: list[tuple[str, float]], value_label: str, source: str = ""
) -> Chart:
    """Horizontal bars, one per category (e.g. residents per nationality in one year)."""
    labels = [label for label, _value in items]
    values = [float(value) for _label, value in items]
    shown = [format_number(value, unit) for value in values]
    wrapped, label_width = _label_lines(labels)
    left = label_width + 14
    value_room = max((text_width(text, VALUE_SIZE) for text in shown), default=0) + 8
    plot_width = WIDTH - left - max(value_room, 12)
    top = 6
    rows = _horizontal_rows(wrapped, top=top, label_right=_r(left - 6))
    bottom = rows[-1]["y"] + rows[-1]["band"] if rows else top + 28
    scale, axis = _x_axis(
        max(values, default=0),
        integer=False,
        left=left,
        plot_width=plot_width,
        top=top,
        bottom=bottom,
    )
    for row, value, text in zip(rows, values, shown, strict=True):
        width = max(value, 0) * scale
        row["bar"] = {
            "x": _r(left),
            "y": _r(row["y"] + (row["band"] - 16) / 2),
            "width": _r(width),
            "height": 16,
            "value": text,
            "value_x": _r(left + width + 4),
            "value_y": _r(row["y"] + row["band"] / 2 + VALUE_SIZE * 0.35),
        }
    unit_y = bottom + FONT_SIZE * 2 + 10
    table = [[label, text] for label, text in zip(labels, shown, strict=True)]
    description = _describe(gettext("Horizontal bars per category."), [tuple(row) for row in table])
    svg = _svg(
        "category_values.svg",
        title=title,
        description=description,
        height=(unit_y if unit else bottom + FONT_SIZE) + 8,
        rows=rows,
        axis=axis,
        axis_y=_r(bottom),
        left=_r(left),
        right=_r(left + plot_width),
        unit=unit,
        unit_x=_r(left + plot_width / 2),
        unit_y=_r(unit_y),
        colour=LINE_COLOUR,
    )
    return Chart(title=title, svg=svg, columns=["", value_label], rows=table, source=source)
