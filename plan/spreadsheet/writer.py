"""Writing the efforts of an import, with their relations and history, in bulk queries.

Each written effort gets exactly one history record (django-simple-history): "+" when created,
"~" when changed, holding the goals, partners and target groups as they are after the import.
A save through the portal leaves the same state, spread over a record for the save and one
per many-to-many change; one record per effort keeps a 10,000-row import to seconds.

When the database cannot return the keys of a bulk insert (SQLite before 3.35), the efforts
are saved one by one through the normal model signals instead.
"""

from django.db import connection
from django.utils import timezone

from ..models import Effort

M2M_FIELDS = ("goals", "partners", "target_groups")

# (effort with its new values set, {m2m field: ids}) and, for changed ones, the fields set
Created = tuple[Effort, dict[str, list[int]]]
Changed = tuple[Effort, list[str], dict[str, list[int]]]


def efforts_write(*, created: list[Created], changed: list[Changed], user) -> None:
    """Insert `created`, update `changed` (version already raised), set their relations and
    record who did it. Call inside a transaction."""
    for effort, *_rest in [*created, *changed]:
        effort._history_user = user  # read by django-simple-history
    if not connection.features.can_return_rows_from_bulk_insert:
        _write_one_by_one(created=created, changed=changed)
        return
    new = [effort for effort, _m2m in created]
    Effort.objects.bulk_create(new)
    if changed:
        now = timezone.now()
        fields = {"version", "updated"}
        for effort, names, _m2m in changed:
            effort.updated = now  # bulk_update does not run auto_now
            fields.update(names)
        Effort.objects.bulk_update([effort for effort, _f, _m in changed], sorted(fields))
    relations = [*created, *((effort, m2m) for effort, _f, m2m in changed)]
    for name in M2M_FIELDS:
        _relations_replace(name, [(effort, m2m[name]) for effort, m2m in relations if name in m2m])
    history = Effort.history
    records = history.bulk_history_create(new, default_user=user)
    records += history.bulk_history_create(
        [effort for effort, _f, _m in changed], update=True, default_user=user
    )
    _history_relations(records)


def _through(name: str):
    field = Effort._meta.get_field(name)
    return field.remote_field.through, field.m2m_field_name(), field.m2m_reverse_field_name()


def _relations_replace(name: str, rows: list[tuple[Effort, list[int]]]) -> None:
    """Set one many-to-many field of these efforts to exactly the given ids."""
    if not rows:
        return
    through, source, target = _through(name)
    through.objects.filter(**{f"{source}_id__in": [effort.pk for effort, _ids in rows]}).delete()
    through.objects.bulk_create(
        through(**{f"{source}_id": effort.pk, f"{target}_id": pk})
        for effort, ids in rows
        for pk in ids
    )


def _history_relations(records) -> None:
    """Store each history record's goals, partners and target groups, as simple-history does
    for a record it creates itself (the rows of the through table, copied)."""
    by_effort = {record.id: record for record in records}
    if not by_effort:
        return
    history_model = Effort.history.model
    for name in M2M_FIELDS:
        through, source, target = _through(name)
        snapshot = history_model._meta.get_field(
            f"{history_model._meta.model_name}_{name}"
        ).related_model
        rows = through.objects.filter(**{f"{source}_id__in": list(by_effort)}).values_list(
            "id", f"{source}_id", f"{target}_id"
        )
        snapshot.objects.bulk_create(
            snapshot(
                id=row_id,
                history=by_effort[effort_id],
                **{f"{source}_id": effort_id, f"{target}_id": target_id},
            )
            for row_id, effort_id, target_id in rows
        )


def _write_one_by_one(*, created: list[Created], changed: list[Changed]) -> None:
    """The portal's way: save, then set each relation; simple-history records every step."""
    for effort, m2m in created:
        effort.save()
        for name, ids in m2m.items():
            getattr(effort, name).set(ids)
    for effort, fields, m2m in changed:
        effort.save(update_fields=[*fields, "version", "updated"])
        for name, ids in m2m.items():
            getattr(effort, name).set(ids)
