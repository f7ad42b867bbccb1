"""The Monitor Internationalisering: each indicator's standing."""

from ..models import (
    IndicatorValue,
)
from ..monitor import format_figure, standing


def indicator_standings(indicators) -> list[dict]:
    """Each indicator of the list with its values' count and its standing (plan.monitor):
    the latest value against that year's target and the value before it. One query for the
    values, whatever the number of indicators."""
    indicators = list(indicators)
    points: dict[int, list[dict]] = {indicator.pk: [] for indicator in indicators}
    for indicator_id, year, value, target, comparison in (
        IndicatorValue.objects.filter(indicator__in=[i.pk for i in indicators])
        .order_by("indicator_id", "year")
        .values_list("indicator_id", "year", "value", "target", "comparison")
    ):
        points[indicator_id].append(
            {"year": year, "value": value, "target": target, "comparison": comparison}
        )
    rows = []
    for indicator in indicators:
        now = standing(points[indicator.pk], direction=indicator.direction)
        rows.append(
            {
                "indicator": indicator,
                "count": len(points[indicator.pk]),
                "standing": now,
                "value": format_figure(now.value, indicator.unit) if now else "",
                "target": format_figure(now.target, indicator.unit) if now else "",
                "previous": format_figure(now.previous, indicator.unit) if now else "",
                "change": _signed(now.change, indicator.unit) if now else "",
            }
        )
    return rows


def _signed(change, unit: str) -> str:
    if change is None:
        return ""
    sign = "+" if change > 0 else ("−" if change < 0 else "")
    return sign + format_figure(abs(change), unit)
