"""The plan's pages: the current plan, spearheads and goals with their counts, an effort's
lineage and milestones, and the rows of effort tables."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.db.models import (
    CharField,
    Count,
    F,
    IntegerField,
    Prefetch,
    Q,
    Value,
    Window,
)
from django.db.models.functions import RowNumber
from django.urls import reverse

from ..models import (
    ADOPTED_STATES,
    Effort,
    Goal,
    Plan,
    Spearhead,
)


def plan_current() -> Plan | None:
    """The plan the portal shows by default: the newest adopted plan that is not closed. A
    successor in draft or on its way along the chain does not replace it until adopted; a
    portal holding only drafts shows the newest of those."""
    plans = Plan.objects.order_by("-start_year", "-pk")
    return plans.filter(state__in=ADOPTED_STATES, closed__isnull=True).first() or plans.first()


def _status_rows(counted: dict[str, int]) -> list[dict]:
    return [
        {"status": status, "label": status.label, "count": counted[status]}
        for status in Effort.Status
        if counted.get(status)
    ]


def spearheads_overview(*, plan: Plan) -> tuple[list[Spearhead], list[dict]]:
    """The plan's spearheads with their goals (each with its effort count) and, per
    spearhead, `status_counts` and `effort_count`; and the plan's efforts counted per status
    (in the fixed order of Effort.Status, leaving out zeros). Three queries, whatever the
    size."""
    goals = Goal.objects.select_related("spearhead").annotate(effort_count=Count("efforts"))
    spearheads = list(
        plan.spearheads.prefetch_related(Prefetch("goals", queryset=goals)).order_by("number")
    )
    rows = (
        Effort.objects.filter(spearhead__plan=plan)
        .order_by()
        .values_list("spearhead_id", "status")
        .annotate(n=Count("pk"))
    )
    counts: dict[int, dict[str, int]] = {}
    totals: Counter[str] = Counter()
    for spearhead_id, status, n in rows:
        counts.setdefault(spearhead_id, {})[status] = n
        totals[status] += n
    for spearhead in spearheads:
        mine = counts.get(spearhead.pk, {})
        spearhead.status_counts = _status_rows(mine)
        spearhead.effort_count = sum(mine.values())
    return spearheads, _status_rows(totals)


def spearhead_goals_with_counts(*, spearhead: Spearhead):
    """The spearhead's goals, each with the number of efforts (of any spearhead) that
    contribute to it and how many of those are still running. One query."""
    ended = [Effort.Status.DONE, Effort.Status.STOPPED]
    return (
        spearhead.goals.select_related("spearhead")
        .annotate(
            effort_count=Count("efforts"),
            running_count=Count("efforts", filter=~Q(efforts__status__in=ended)),
        )
        .order_by("number")
    )


def effort_lineage(*, effort: Effort, plans: list[Plan]) -> dict:
    """The effort it continues (`predecessor`) and those continuing it (`successors`), in
    other plans, each with its code and plan. `plans`: every plan (the menu reads them
    anyway, plan.periods.plans_all). One query, and none when the effort continues nothing
    and no plan continues its plan. Joining the predecessor and its plan into the effort's
    own query instead made PostgreSQL plan an eight-table join (about 2 ms)."""
    continued = any(plan.predecessor_id == effort.spearhead.plan_id for plan in plans)
    if effort.predecessor_id is None and not continued:
        return {"predecessor": None, "successors": []}
    related = Effort.objects.filter(Q(pk=effort.predecessor_id) | Q(predecessor=effort))
    lineage = list(
        related.select_related("spearhead__plan")
        .only("number", "predecessor_id", "spearhead__number", "spearhead__plan__slug")
        .order_by("spearhead__plan__start_year", "pk")
    )
    return {
        "predecessor": next((e for e in lineage if e.pk == effort.predecessor_id), None),
        "successors": [e for e in lineage if e.pk != effort.predecessor_id],
    }


def effort_milestones(*, effort: Effort) -> list:
    """The effort's milestones by due date, with their owners. One query."""
    return list(effort.milestones.select_related("owner").order_by("due", "pk"))


class Coded:
    """For rows read as values with `spearhead_number` and `number`: the code "S.N" that
    Effort.code and Goal.code give the models."""

    spearhead_number: int
    number: int

    @property
    def code(self) -> str:
        return f"{self.spearhead_number}.{self.number}"


@dataclass
class GoalLink(Coded):
    pk: int
    spearhead_number: int
    number: int
    text: str
    text_en: str

    def get_absolute_url(self) -> str:
        return reverse("plan:goal-detail", args=[self.pk])


def effort_links(*, effort: Effort) -> dict:
    """What an effort's page shows of its many-to-many fields: its goals (GoalLinks, in
    the plan's order) and the names of its partners and target groups (in the database's
    order of names). One query (UNION ALL on the three link tables) instead of one per
    field."""
    number = Value(0, output_field=IntegerField())
    empty = Value("", output_field=CharField())

    def part(field, order_by, *columns):
        """The link table's rows: the field's name, the position, then `columns` (their
        names relative to the linked model)."""
        target = Effort._meta.get_field(field).m2m_reverse_field_name()
        position = Window(RowNumber(), order_by=[F(f"{target}__{name}").asc() for name in order_by])
        columns = [
            f"{target}__{column}" if isinstance(column, str) else column for column in columns
        ]
        links = getattr(Effort, field).through.objects.filter(effort_id=effort.pk)
        return links.values_list(Value(field, output_field=CharField()), position, *columns)

    goals = part(
        "goals",
        ["spearhead__number", "number"],
        "id",
        "spearhead__number",
        "number",
        "text",
        "text_en",
    )
    names = [
        part(field, ["name"], "id", number, number, "name", empty)
        for field in ("partners", "target_groups")
    ]
    links = {"goals": [], "partners": [], "target_groups": []}
    for kind, _position, *values in sorted(goals.union(*names, all=True), key=lambda row: row[:2]):
        links[kind].append(GoalLink(*values) if kind == "goals" else values[3])
    return links


@dataclass
class EffortValues(Coded):
    """An effort read as plain values (values_list, in the order of these fields and then a
    subclass's), for lists that show many: what every such list shows, its code and its
    status's label. Loading efforts as models with their relations was most of such pages'
    ORM work."""

    pk: int
    spearhead_number: int
    number: int
    title: str
    title_en: str
    status: str
    progress: int

    def get_status_display(self) -> str:
        return Effort.Status(self.status).label


@dataclass
class EffortLine(EffortValues):
    """What a table of efforts (plan/_effort_table.html) shows of an effort."""

    is_priority: bool
    in_line: bool
    team_name: str
    late_milestone: str | None = None  # the earliest overdue milestone's title, if any
    late_milestone_due: date | None = None
    goals: list[GoalLink] = field(default_factory=list)


# the columns of EffortValues' fields, in their order
EFFORT_VALUES_COLUMNS = (
    "pk",
    "spearhead__number",
    "number",
    "title",
    "title_en",
    "status",
    "progress",
)
EFFORT_LINE_COLUMNS = (*EFFORT_VALUES_COLUMNS, "is_priority", "in_line", "team__name")


def effort_line_values(efforts, *annotations):
    """The values of an effort table's rows, to paginate: a queryset of tuples (with the
    values of the queryset's annotations named, in EffortLine's order)."""
    return efforts.values_list(*EFFORT_LINE_COLUMNS, *annotations)


def effort_lines(rows) -> list[EffortLine]:
    """Rows of effort_line_values (a page of them) as EffortLines with their goals: one
    query for the goals of the whole page."""
    lines = [EffortLine(*row) for row in rows]
    by_pk = {line.pk: line for line in lines}
    links = (
        Effort.goals.through.objects.filter(effort_id__in=by_pk)
        .order_by("goal__spearhead__number", "goal__number")
        .values_list(
            "effort_id",
            "goal_id",
            "goal__spearhead__number",
            "goal__number",
            "goal__text",
            "goal__text_en",
        )
    )
    for effort_id, *goal in links if by_pk else ():
        by_pk[effort_id].goals.append(GoalLink(*goal))
    return lines
