"""An effort's history: its changes, who made them, and what changed since a version."""

from collections import defaultdict
from datetime import date

from django.contrib.auth.models import User
from django.db.models import (
    Value,
)
from django.utils.formats import date_format
from django.utils.translation import gettext

from ..models import (
    Effort,
    Goal,
    Partner,
    Spearhead,
    TargetGroup,
    Team,
)

HISTORY_HIDDEN = {"version", "id"}
EFFORT_M2M = {"goals": Goal, "partners": Partner, "target_groups": TargetGroup}


def _m2m_snapshots(records) -> dict[int, dict[str, frozenset]]:
    """For each historical effort record: the ids of its goals, partners, target groups. One
    query (the three link tables' rows in a UNION ALL)."""
    history_model = Effort.history.model
    ids = [record.history_id for record in records]
    parts = []
    for name, model in EFFORT_M2M.items():
        through = history_model._meta.get_field(f"historicaleffort_{name}").related_model
        parts.append(
            through.objects.filter(history__in=ids)
            .annotate(kind=Value(name))
            .values_list("kind", "history_id", f"{model._meta.model_name}_id")
        )
    collected: dict[tuple, set] = defaultdict(set)
    for name, history_id, target_id in parts[0].union(*parts[1:], all=True):
        collected[history_id, name].add(target_id)
    return {
        history_id: {name: frozenset(collected[history_id, name]) for name in EFFORT_M2M}
        for history_id in ids
    }


class _Labels:
    """Turns stored values into what a reader recognises, with one query per kind at most."""

    def __init__(self):
        self._cache: dict[str, dict] = {}

    def _lookup(self, kind: str, ids) -> dict:
        if kind not in self._cache:
            model = {"team": Team, "spearhead": Spearhead, "lead": User, **EFFORT_M2M}[kind]
            queryset = model.objects.all()
            if model is Goal:
                queryset = queryset.select_related("spearhead")
            self._cache[kind] = queryset.in_bulk()
        return self._cache[kind]

    def show(self, field, value) -> str:
        name = field.name
        if name in EFFORT_M2M:
            objects = self._lookup(name, value)
            shown = [
                objects[pk].code if name == "goals" else str(objects[pk])
                for pk in value
                if pk in objects
            ]
            return ", ".join(sorted(shown)) or "–"
        if value in (None, ""):
            return "–"
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(value, bool):
            return gettext("Yes") if value else gettext("No")
        if name in ("team", "spearhead", "lead"):
            obj = self._lookup(name, [value]).get(value)
            if obj is None:
                return str(value)
            if name == "lead":
                return obj.get_full_name() or obj.get_username()
            return str(obj)
        if isinstance(value, date):
            return date_format(value, "j F Y")
        if name == "progress":
            return f"{value}%"
        return str(value)


_DIFFED = [
    field
    for field in Effort._meta.concrete_fields
    if field.name not in HISTORY_HIDDEN and field.name not in ("created", "updated")
]


def _effort_record_changes(newer, older, snapshots, labels) -> list[dict]:
    """What differs between two history records of an effort, in the form's field order;
    compared field by field (simple_history's diff_against costs ten times as much)."""
    names = [
        field.name
        for field in _DIFFED
        if getattr(newer, field.attname) != getattr(older, field.attname)
    ]
    old_values = {name: getattr(older, Effort._meta.get_field(name).attname) for name in names}
    new_values = {name: getattr(newer, Effort._meta.get_field(name).attname) for name in names}
    for name in EFFORT_M2M:
        if snapshots[newer.history_id][name] != snapshots[older.history_id][name]:
            names.append(name)
            old_values[name] = snapshots[older.history_id][name]
            new_values[name] = snapshots[newer.history_id][name]
    order = [field.name for field in Effort._meta.get_fields() if hasattr(field, "verbose_name")]
    changes = []
    for name in sorted(names, key=lambda n: order.index(n) if n in order else 99):
        field = Effort._meta.get_field(name)
        changes.append(
            {
                "field": field.verbose_name,
                "old": labels.show(field, old_values[name]),
                "new": labels.show(field, new_values[name]),
            }
        )
    return changes


def _group_edits(records) -> list[list]:
    """Records newest first -> groups that belong to one edit.

    Every save through the portal raises the effort's version once; the many-to-many saves
    that follow it in the same edit are recorded with that same version.
    """
    groups: list[list] = []
    for record in records:
        if groups and groups[-1][-1].version == record.version:
            groups[-1].append(record)
        else:
            groups.append([record])
    return groups


def effort_history(*, effort: Effort, limit: int = 25) -> list[dict]:
    """The effort's changes, newest first: who, when, and each field's old -> new value.

    Queries: the records, one per many-to-many field, and one per kind of name shown.
    """
    records = list(
        effort.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : limit * 4
        ]
    )
    if not records:
        return []
    snapshots = _m2m_snapshots(records)
    labels = _Labels()
    groups = _group_edits(records)
    entries = []
    for index, group in enumerate(groups[:limit]):
        newest = group[0]
        previous = groups[index + 1][0] if index + 1 < len(groups) else None
        entry = {"user": newest.history_user, "date": newest.history_date, "changes": []}
        if previous is None:
            entry["created"] = group[-1].history_type == "+"
            if not entry["created"]:
                continue  # the oldest record we kept: nothing to compare with
        else:
            entry["changes"] = _effort_record_changes(newest, previous, snapshots, labels)
            if not entry["changes"]:
                continue
        entries.append(entry)
    return entries


def effort_changes_since(*, effort: Effort, version: int) -> list[dict]:
    """What others changed after `version` of the effort: field, old, new, by whom."""
    records = list(
        effort.history.filter(version__gte=version)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    )
    base = next((r for r in reversed(records) if r.version == version), None)
    if base is None or records[0].history_id == base.history_id:
        return []
    snapshots = _m2m_snapshots([records[0], base])
    changes = _effort_record_changes(records[0], base, snapshots, _Labels())
    authors = sorted(
        {
            r.history_user.get_full_name() or r.history_user.get_username()
            for r in records
            if r.version > version and r.history_user
        }
    )
    for change in changes:
        change["by"] = ", ".join(authors)
    return changes
