"""Reads for the reports; reporting reads plan only through these (STYLE.md section 4), one
module per part; callers use `selectors.<name>` from here."""

from .dashboard import (
    EFFORT_ROW_COLUMNS,
    ENDED,
    LIST_LIMIT,
    MANY_EFFORTS,
    NEEDS_ATTENTION,
    PRIORITY_LIMIT,
    EffortRow,
    dashboard_changes,
    dashboard_goals,
    dashboard_monitor,
    dashboard_overview,
)
from .evaluation import (
    evaluation,
    goal_monitor_trends,
)
from .monitor import (
    monitor_charts,
    monitor_charts_from,
    monitor_standings,
    monitor_values,
)
from .report import (
    NARRATIVE_TEXTS,
    annual_report_data,
    annual_report_outline,
    report_spearheads,
)

__all__ = [
    "EFFORT_ROW_COLUMNS",
    "ENDED",
    "EffortRow",
    "LIST_LIMIT",
    "MANY_EFFORTS",
    "NARRATIVE_TEXTS",
    "NEEDS_ATTENTION",
    "PRIORITY_LIMIT",
    "annual_report_data",
    "annual_report_outline",
    "dashboard_changes",
    "dashboard_goals",
    "dashboard_monitor",
    "dashboard_overview",
    "evaluation",
    "goal_monitor_trends",
    "monitor_charts",
    "monitor_charts_from",
    "monitor_standings",
    "monitor_values",
    "report_spearheads",
]
