"""Where a Monitor figure stands: its latest value against that year's target and the year
before it. Pure functions on plain values, so that the live pages and an adopted report's
frozen data (JSON) are judged alike."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils.formats import number_format
from django.utils.translation import pgettext_lazy


class Mark(models.TextChoices):
    """The text mark shown beside a figure (never a colour alone)."""

    ON_TRACK = "on_track", pgettext_lazy("monitor", "On track")  # nl: op koers
    OFF_TRACK = "off_track", pgettext_lazy("monitor", "Off track")  # nl: niet op koers
    NO_TARGET = "no_target", pgettext_lazy("monitor", "No target")  # nl: geen streefwaarde


def monitor_mark(*, value: Decimal, target: Decimal | None, direction: str) -> str:
    """The mark of a year's value against the same year's target.

    - NO_TARGET when that year has no target, or the indicator has no desired direction
      ("none": a figure that is only followed cannot be on or off track);
    - ON_TRACK when the value meets the target in the desired direction: at least the target
      when higher is better ("up"), at most the target when lower is better ("down"); a value
      equal to the target is on track either way;
    - OFF_TRACK otherwise.
    """
    if target is None or direction not in ("up", "down"):
        return Mark.NO_TARGET
    met = value >= target if direction == "up" else value <= target
    return Mark.ON_TRACK if met else Mark.OFF_TRACK


@dataclass
class Standing:
    """An indicator's latest value with its target, mark and the change since the value
    measured before it (the previous year measured, which need not be the year before)."""

    year: int
    value: Decimal
    target: Decimal | None
    comparison: Decimal | None
    mark: str
    previous_year: int | None
    previous: Decimal | None

    @property
    def change(self) -> Decimal | None:
        return None if self.previous is None else self.value - self.previous

    @property
    def mark_label(self) -> str:
        return str(Mark(self.mark).label)


def _decimal(value) -> Decimal | None:
    return None if value in (None, "") else Decimal(value)


def standing(points: list[dict], *, direction: str) -> Standing | None:
    """The standing of one indicator from its values as plain data (dicts with "year",
    "value" and optionally "target" and "comparison", as numbers or strings), in any order.
    None without values. Values frozen before targets existed count as having none."""
    if not points:
        return None
    ordered = sorted(points, key=lambda point: point["year"])
    latest = ordered[-1]
    before = ordered[-2] if len(ordered) > 1 else None
    value = Decimal(latest["value"])
    target = _decimal(latest.get("target"))
    return Standing(
        year=latest["year"],
        value=value,
        target=target,
        comparison=_decimal(latest.get("comparison")),
        mark=monitor_mark(value=value, target=target, direction=direction),
        previous_year=before["year"] if before else None,
        previous=Decimal(before["value"]) if before else None,
    )


def format_figure(value: Decimal | None, unit: str) -> str:
    """In the active language: 14.500 and 11,6 in Dutch; 14,500 and 11.6 in English; "%"
    written after a percentage. Empty for None."""
    if value is None:
        return ""
    decimals = min(2, max(0, -Decimal(value).normalize().as_tuple().exponent))
    text = number_format(value, decimal_pos=decimals, force_grouping=True)
    return f"{text}%" if unit == "%" else text
