"""The plan as it is, loaded once into dicts for an import: nothing is queried per row."""

from django.contrib.auth import get_user_model

from ..models import (
    Effort,
    Goal,
    Indicator,
    IndicatorValue,
    Partner,
    Plan,
    Spearhead,
    TargetGroup,
    Team,
)
from .values import choice_keys, name_key, one_line, spearhead_key
from .writer import M2M_FIELDS


class PlanLookups:
    """Everything a row is compared with, in dicts. A fixed number of queries."""

    def __init__(self, plan: Plan, *, monitor: bool):
        self.spearheads = {s.number: s for s in Spearhead.objects.filter(plan=plan)}
        self.spearheads_by_id = {s.pk: s for s in self.spearheads.values()}
        self.spearheads_by_name = {spearhead_key(s.name): s for s in self.spearheads.values()}
        goals = Goal.objects.filter(spearhead__plan=plan).select_related("spearhead")
        self.goals = {(g.spearhead.number, g.number): g for g in goals}
        self.goals_by_id = {g.pk: g for g in self.goals.values()}

        efforts = Effort.objects.filter(spearhead__plan=plan)  # read without locks
        self.efforts = {
            (self.spearheads_by_id[e.spearhead_id].number, e.number): e for e in efforts
        }
        self.effort_m2m = {name: self._m2m(plan, name) for name in M2M_FIELDS}

        self.teams = Names(Team.objects.all())
        self.partners = Names(Partner.objects.all())
        self.target_groups = Names(TargetGroup.objects.all())
        fields = ("id", "username", "email", "first_name", "last_name")
        self.users = Users(get_user_model().objects.only(*fields))
        self.status_keys = choice_keys(Effort.Status)
        self.financing_keys = choice_keys(Effort.Financing)
        if monitor:
            self.indicators = Names(Indicator.objects.all())
            self.indicator_values = {
                (value.indicator_id, value.year): value for value in IndicatorValue.objects.all()
            }

    @staticmethod
    def _m2m(plan: Plan, name: str) -> dict[int, frozenset]:
        through = Effort._meta.get_field(name).remote_field.through
        target = Effort._meta.get_field(name).m2m_reverse_field_name()
        rows = through.objects.filter(effort__spearhead__plan=plan).values_list(
            "effort_id", f"{target}_id"
        )
        collected: dict[int, set] = {}
        for effort_id, target_id in rows:
            collected.setdefault(effort_id, set()).add(target_id)
        return {effort_id: frozenset(ids) for effort_id, ids in collected.items()}


class Names:
    """Objects with a `name`, found by name ignoring case and spaces (exact spelling first)."""

    def __init__(self, objects):
        self.by_id = {obj.pk: obj for obj in objects}
        self.exact = {obj.name: obj for obj in self.by_id.values()}
        self.by_key: dict[str, object] = {}
        for obj in sorted(self.by_id.values(), key=lambda obj: obj.pk):
            self.by_key.setdefault(name_key(obj.name), obj)

    def find(self, name: str):
        return self.exact.get(name) or self.by_key.get(name_key(name))

    def resolve(self, name: str, new: dict[str, str]) -> str:
        """ "#<pk>" for a known name, "+<key>" for a new one (noted in `new`)."""
        found = self.find(name)
        if found is not None:
            return f"#{found.pk}"
        new.setdefault(name_key(name), name)
        return f"+{name_key(name)}"

    def show(self, ref: str, new: dict[str, str]) -> str:
        if ref.startswith("#"):
            return self.by_id[int(ref[1:])].name
        return new[ref[1:]]


class Users:
    """Users found by e-mail address, full name or username, ignoring case."""

    def __init__(self, users):
        self.by_id = {}
        self.by_key: dict[str, set[int]] = {}
        for user in users:
            self.by_id[user.pk] = user
            for key in (user.email, user.get_full_name(), user.get_username()):
                if one_line(key):
                    self.by_key.setdefault(one_line(key).casefold(), set()).add(user.pk)

    def find(self, value: str) -> set[int]:
        return self.by_key.get(one_line(value).casefold(), set())

    def label(self, user_id) -> str:
        user = self.by_id.get(user_id)
        if user is None:
            return "–"
        return user.get_full_name() or user.email or user.get_username()
