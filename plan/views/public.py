"""Pages without login: the last adopted plan for council and residents, and the
accessibility statement."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render

from .. import periods
from ..models import PlanYear

# What the public page shows of an adopted effort: no notes, risks or names of people.
PUBLIC_EFFORT_FIELDS = (
    "code",
    "title",
    "title_en",
    "description",
    "description_en",
    "goals",
    "team",
    "status",
    "progress",
)


@login_not_required
def public_plan(request):
    """The last adopted year of the plan shown (`?plan=`); by default of the current plan,
    or, while it has none adopted yet, the last adopted year of any plan."""
    plan = periods.plan_for_request(request)
    adopted = PlanYear.objects.filter(snapshot__isnull=False).select_related("plan")
    adopted = adopted.order_by("-plan__start_year", "-year")
    plan_year = adopted.filter(plan=plan).first()
    if plan_year is None and "plan" not in request.GET:
        plan_year = adopted.first()
    context = {"plan_year": plan_year}
    if plan_year is not None:
        snapshot = plan_year.snapshot
        efforts = [
            {key: effort.get(key, "") for key in PUBLIC_EFFORT_FIELDS}
            for effort in snapshot["efforts"]
        ]
        # the report's texts as adopted (absent in years adopted before they were written)
        report = snapshot.get("report") or {}
        intros = {s["number"]: s for s in report.get("spearheads", [])}
        context.update(
            plan=snapshot["plan"],
            narrative=report.get("narrative") or {},
            spearheads=[
                {
                    **spearhead,
                    "intro": intros.get(spearhead["number"], {}).get("intro", ""),
                    "intro_en": intros.get(spearhead["number"], {}).get("intro_en", ""),
                    "efforts": [e for e in efforts if _in(e, spearhead)],
                }
                for spearhead in snapshot["spearheads"]
            ],
        )
    return render(request, "plan/public_plan.html", context)


def _in(effort: dict, spearhead: dict) -> bool:
    return effort["code"].split(".")[0] == str(spearhead["number"])


@login_not_required
def accessibility_statement(request):
    return render(request, "accessibility_statement.html")
