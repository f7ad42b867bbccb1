"""The rows an export writes: plain Python values per heading, read in a fixed number of queries.

Text is written as text (the Nr too), dates as dates, Voortgang and Speerpunt as numbers, labels
in Dutch whatever the user's language. `reporting.exports` turns the rows into .xlsx and .ods.
"""

from decimal import Decimal

from django.db.models import Prefetch

from ..models import Effort, Goal, IndicatorValue
from .values import code_text, dutch_label, export_text, join_names, yes_no


def lead_label(user) -> str:
    """What the Trekker column holds: the full name, else the username, as the pages show it.

    Never the e-mail address: every reader may export, and the pages show readers names only.
    The import finds the user by full name or username as well.
    """
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def effort_rows(*, efforts) -> list[list]:
    """One row per effort, in the order of EFFORT_HEADINGS. Four queries."""
    efforts = (
        efforts.select_related("spearhead", "team", "lead")
        .prefetch_related(
            Prefetch("goals", queryset=Goal.objects.select_related("spearhead")),
            "partners",
            "target_groups",
        )
        .order_by("spearhead__number", "number")
    )
    return [_effort_row(effort) for effort in efforts]


def _effort_row(effort: Effort) -> list:
    goals = sorted(effort.goals.all(), key=lambda goal: (goal.spearhead.number, goal.number))
    row = [
        code_text(effort.spearhead.number, effort.number),
        effort.spearhead.number,
        effort.title,
        effort.description,
        join_names(goal.code for goal in goals),
        effort.team.name,
        lead_label(effort.lead),
        join_names(sorted(partner.name for partner in effort.partners.all())),
        join_names(sorted(group.name for group in effort.target_groups.all())),
        effort.international_role,
        effort.policy_relation,
        dutch_label(Effort.Financing, effort.financing),
        yes_no(effort.is_priority),
        yes_no(effort.in_line),
        dutch_label(Effort.Status, effort.status),
        effort.progress,
        effort.start,
        effort.end,
        effort.note,
    ]
    return [_cell(value) for value in row]


def monitor_rows() -> list[list]:
    """One row per indicator value, in the order of MONITOR_HEADINGS. One query."""
    values = IndicatorValue.objects.select_related("indicator").order_by("indicator__name", "year")
    return [
        [
            _cell(value.indicator.name),
            value.year,
            decimal_number(value.value),
            _cell(value.indicator.unit),
            _cell(value.source),
            None if value.target is None else decimal_number(value.target),
            None if value.comparison is None else decimal_number(value.comparison),
        ]
        for value in values
    ]


def _cell(value):
    if isinstance(value, str):
        return export_text(value) or None
    return value


def decimal_number(value: Decimal) -> int | float:
    """A stored amount as the number a spreadsheet cell holds: 14500.00 -> 14500, 11.60 -> 11.6."""
    return int(value) if value == value.to_integral_value() else float(value)
