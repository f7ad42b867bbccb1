from .editing import effort_edit, update_create
from .pages import effort_detail, effort_list, goal_detail, healthz, plan_overview, spearhead_detail
from .rounds import (
    my_efforts,
    round_close,
    round_completeness,
    round_create,
    round_detail,
    round_list,
    round_minutes,
    round_reminders,
)

__all__ = [
    "effort_detail",
    "effort_edit",
    "effort_list",
    "goal_detail",
    "healthz",
    "my_efforts",
    "plan_overview",
    "round_close",
    "round_completeness",
    "round_create",
    "round_detail",
    "round_list",
    "round_minutes",
    "round_reminders",
    "spearhead_detail",
    "update_create",
]
