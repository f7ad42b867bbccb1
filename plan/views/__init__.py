from .editing import effort_edit, update_create
from .imports import import_confirm, import_preview, import_upload
from .milestones import milestone_create, milestone_done, milestone_edit
from .monitor import (
    indicator_create,
    indicator_edit,
    indicator_value_create,
    indicator_value_delete,
    indicator_value_edit,
    monitor,
)
from .pages import effort_detail, effort_list, goal_detail, healthz, plan_overview, spearhead_detail
from .plans import goal_create as plan_goal_create
from .plans import goal_delete as plan_goal_delete
from .plans import goal_edit as plan_goal_edit
from .plans import plan_carry_over, plan_detail, plan_list, plan_start, plan_transition
from .plans import spearhead_create as plan_spearhead_create
from .plans import spearhead_delete as plan_spearhead_delete
from .plans import spearhead_edit as plan_spearhead_edit
from .public import accessibility_statement, public_plan
from .review import round_accept, update_review
from .rounds import (
    my_efforts,
    round_close,
    round_completeness,
    round_create,
    round_detail,
    round_list,
    round_meeting,
    round_minutes,
    round_reminders,
    round_reopen,
    round_summary,
)
from .years import (
    year_compare,
    year_detail,
    year_list,
    year_narrative,
    year_start,
    year_transition,
)

__all__ = [
    "accessibility_statement",
    "public_plan",
    "effort_detail",
    "effort_edit",
    "effort_list",
    "goal_detail",
    "healthz",
    "indicator_create",
    "indicator_edit",
    "indicator_value_create",
    "indicator_value_delete",
    "indicator_value_edit",
    "monitor",
    "import_confirm",
    "import_preview",
    "import_upload",
    "milestone_create",
    "milestone_done",
    "milestone_edit",
    "my_efforts",
    "plan_carry_over",
    "plan_detail",
    "plan_goal_create",
    "plan_goal_delete",
    "plan_goal_edit",
    "plan_list",
    "plan_overview",
    "plan_spearhead_create",
    "plan_spearhead_delete",
    "plan_spearhead_edit",
    "plan_start",
    "plan_transition",
    "round_accept",
    "round_close",
    "round_completeness",
    "round_summary",
    "round_create",
    "round_detail",
    "round_list",
    "round_meeting",
    "round_minutes",
    "round_reminders",
    "round_reopen",
    "spearhead_detail",
    "update_create",
    "update_review",
    "year_compare",
    "year_detail",
    "year_list",
    "year_narrative",
    "year_start",
    "year_transition",
]
