"""The Monitor Internationalisering in the reports: values, standings and charts."""

from collections import defaultdict
from decimal import Decimal

from django.utils.translation import gettext

from plan.models import (
    Indicator,
    IndicatorValue,
)
from plan.monitor import format_figure, standing

from .. import charts


def monitor_values(*, up_to: int | None = None) -> list[dict]:
    """The Monitor's values (up to a year) as plain data, by indicator and year, each with its
    indicator's unit and desired direction, the year's target and the comparison figure (None
    when not given). Adoption freezes this; reports frozen before targets existed lack
    "target", "comparison", "direction" and "compared_with". One query."""
    values = IndicatorValue.objects.select_related("indicator").order_by("indicator__name", "year")
    if up_to is not None:
        values = values.filter(year__lte=up_to)
    return [
        {
            "indicator": value.indicator.name,
            "year": value.year,
            "value": str(value.value),
            "unit": value.indicator.unit,
            "source": value.source,
            "target": None if value.target is None else str(value.target),
            "comparison": None if value.comparison is None else str(value.comparison),
            "direction": value.indicator.direction,
            "compared_with": value.indicator.comparison_label,
        }
        for value in values
    ]


def monitor_standings(values: list[dict]) -> list[dict]:
    """Per indicator (in the order of `values`) its latest value against that year's target
    and the value measured before it, formatted in the active language, with the text mark
    (plan.monitor.monitor_mark). From plain data, so frozen reports are shown alike."""
    by_indicator: dict[str, list[dict]] = defaultdict(list)
    for value in values:
        by_indicator[value["indicator"]].append(value)
    rows = []
    for name, points in by_indicator.items():
        unit = points[-1]["unit"]
        direction = points[-1].get("direction") or Indicator.Direction.NONE
        now = standing(points, direction=direction)

        def shown(number, unit=unit):
            return format_figure(number, unit)

        change = now.change
        sign = "" if not change else ("+" if change > 0 else "−")
        rows.append(
            {
                "indicator": name,
                "unit": unit,
                "direction": direction,
                "measured": len(points),
                "year": now.year,
                "value": shown(now.value),
                "target": shown(now.target),
                "has_target": now.target is not None,
                "comparison": shown(now.comparison),
                "compared_with": points[-1].get("compared_with") or "",
                "previous_year": now.previous_year,
                "previous": shown(now.previous),
                "change": "" if change is None else sign + shown(abs(change)),
                "mark": now.mark,
                "mark_label": now.mark_label,
            }
        )
    return rows


def monitor_charts(*, up_to: int | None = None) -> list[charts.Chart]:
    """Charts of the Monitor Internationalisering with values up to a year. One query."""
    return monitor_charts_from(monitor_values(up_to=up_to))


def monitor_charts_from(values: list[dict]) -> list[charts.Chart]:
    """One chart per indicator measured in several years; indicators measured once are
    grouped per year and unit (such as residents per nationality in 2020)."""
    by_indicator: dict[str, list] = defaultdict(list)
    for value in values:
        by_indicator[value["indicator"]].append(value)
    result, single = [], defaultdict(list)
    for name, points in by_indicator.items():
        if len(points) == 1:
            point = points[0]
            single[(point["year"], point["unit"])].append(
                (name, Decimal(point["value"]), point["source"])
            )
            continue
        unit = points[-1]["unit"]
        result.append(
            charts.yearly_values(
                title=name,
                unit=unit,
                points=[(p["year"], Decimal(p["value"])) for p in points],
                value_label=unit or gettext("value"),
                source=_sources(p["source"] for p in points),
                targets=[_number(p.get("target")) for p in points],
                comparisons=[_number(p.get("comparison")) for p in points],
                comparison_label=points[-1].get("compared_with") or "",
            )
        )
    for (year, unit), items in sorted(single.items()):
        items.sort(key=lambda item: item[1], reverse=True)
        result.append(
            charts.category_values(
                title=gettext("Monitor %(year)s: %(unit)s") % {"year": year, "unit": unit},
                unit=unit,
                items=[(name, value) for name, value, _source in items],
                value_label=unit or gettext("value"),
                source=_sources(source for _name, _value, source in items),
            )
        )
    return result


def _number(text: str | None) -> Decimal | None:
    return None if text in (None, "") else Decimal(text)


def _sources(sources) -> str:
    return "; ".join(dict.fromkeys(source for source in sources if source))
