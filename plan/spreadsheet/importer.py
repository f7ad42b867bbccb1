"""The two-step import of the spreadsheet format: `import_preview`, then `import_apply`.

Both read the whole file and compare it with the plan as it is now; the preview shows what
would be written, `import_apply` writes it in one short transaction that locks only the rows it
changes, or writes nothing when one row has an error. The plan is loaded once into dicts (a
fixed number of queries, whatever the file's size); nothing is queried per row. Unchanged rows
are never saved, so re-importing an unchanged export writes nothing, not even history.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..closing import ensure_plan_open
from ..models import (
    NOTE_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    Effort,
    Indicator,
    IndicatorValue,
    Partner,
    Plan,
    Spearhead,
    Team,
)
from . import columns as col
from .files import Cell, FileRefused, Sheet, find_sheet, open_workbook, read_sheet, read_upload
from .lookups import Names, PlanLookups
from .preview import (
    CREATE,
    UNCHANGED,
    UPDATE,
    Change,
    ImportHasErrors,
    ImportOutdated,
    ImportPreview,
    Problem,
    RowResult,
)
from .values import (
    CellError,
    code_text,
    dutch_labels,
    label_key,
    one_line,
    parse_bool,
    parse_code,
    parse_codes,
    parse_decimal,
    parse_period,
    parse_progress,
    parse_whole_number,
    parse_year,
    spearhead_key,
    split_names,
    text,
)
from .writer import M2M_FIELDS, efforts_write

__all__ = ["ImportHasErrors", "ImportOutdated", "ImportPreview", "import_apply", "import_preview"]

ABSENT = object()  # the column is not in the file: the value is left alone
INVALID = object()  # the cell has an error (recorded); the row is not written
SHOWN_TEXT = 300  # characters of a long text shown in the preview

# heading -> Effort field, for the columns that map onto one field
EFFORT_FIELDS = {
    col.TITLE: "title",
    col.DESCRIPTION: "description",
    col.GOALS: "goals",
    col.TEAM: "team",
    col.LEAD: "lead",
    col.PARTNERS: "partners",
    col.TARGET_GROUPS: "target_groups",
    col.ROLE: "international_role",
    col.POLICY: "policy_relation",
    col.FINANCING: "financing",
    col.PRIORITY: "is_priority",
    col.IN_LINE: "in_line",
    col.STATUS: "status",
    col.PROGRESS: "progress",
    col.START: "start",
    col.END: "end",
    col.NOTE: "note",
}
TEXT_LIMITS = {
    col.TITLE: Effort._meta.get_field("title").max_length,
    col.DESCRIPTION: TEXT_MAX_LENGTH,
    col.ROLE: TEXT_MAX_LENGTH,
    col.POLICY: TEXT_MAX_LENGTH,
    col.NOTE: NOTE_MAX_LENGTH,
    col.TEAM: Team._meta.get_field("name").max_length,
    col.PARTNERS: Partner._meta.get_field("name").max_length,
    col.INDICATOR: Indicator._meta.get_field("name").max_length,
    col.UNIT: Indicator._meta.get_field("unit").max_length,
    col.SOURCE: IndicatorValue._meta.get_field("source").max_length,
}


# --- entry points ----------------------------------------------------------------------------


def import_preview(*, file, plan: Plan) -> ImportPreview:
    """What importing `file` would change in `plan`; writes nothing.

    Raises FileRefused (a ValidationError) when the file is not read at all.
    """
    sheets = _read_file(file)
    return _Import(sheets=sheets, plan=plan).preview


def import_apply(*, file, plan: Plan, user, expected: str | None = None) -> ImportPreview:
    """Import `file` into `plan`, all or nothing; returns what was written.

    The file is compared with the plan outside any transaction, without locks. The short
    transaction that writes locks only the efforts and monitor values it changes, and refuses
    (ImportOutdated) when one of them changed after the comparison; a name or effort that
    someone else created meanwhile breaks a unique constraint, with the same result. So nobody
    editing, submitting or signing in waits for a long import, and it never overwrites them.

    Raises FileRefused when the file is not read, ImportHasErrors when any row has an error and
    ImportOutdated when `expected` (a preview's fingerprint) no longer matches, and PlanClosed
    (a PermissionDenied) for a closed plan, before reading the file.
    """
    ensure_plan_open(plan)
    sheets = _read_file(file)
    run = _Import(sheets=sheets, plan=plan)
    if run.preview.errors:
        raise ImportHasErrors(run.preview)
    if expected is not None and expected != run.preview.fingerprint:
        raise ImportOutdated
    if not run.preview.has_changes:
        return run.preview
    try:
        with transaction.atomic():
            run.write(user=user)
    except IntegrityError:  # someone added the same effort or name meanwhile
        raise ImportOutdated from None
    return run.preview


@dataclass
class _Sheets:
    efforts: Sheet
    monitor: Sheet | None


def import_read(*, file) -> _Sheets:
    """The sheets of `file`, read once: import_preview and import_apply take them as `file`
    (plan.views.imports keeps them between the preview and the confirmation)."""
    return _read_file(file)


def _read_file(file) -> _Sheets:
    if isinstance(file, _Sheets):  # read before, by import_read
        return file
    workbook = open_workbook(read_upload(file))
    try:
        worksheet = find_sheet(workbook, col.EFFORT_SHEET)
        if worksheet is None:
            raise FileRefused(
                _("The workbook has no sheet named “%(sheet)s”.") % {"sheet": col.EFFORT_SHEET},
                code="no_sheet",
            )
        efforts = read_sheet(worksheet, name=col.EFFORT_SHEET, columns=col.EFFORT_COLUMNS)
        monitor_sheet = find_sheet(workbook, col.MONITOR_SHEET)
        monitor = None
        if monitor_sheet is not None:
            monitor = read_sheet(monitor_sheet, name=col.MONITOR_SHEET, columns=col.MONITOR_COLUMNS)
    finally:
        workbook.close()
    return _Sheets(efforts=efforts, monitor=monitor)


# --- the plan as it is, loaded once ----------------------------------------------------------


# --- one run: parse, compare, then maybe write ------------------------------------------------


@dataclass
class _EffortWrite:
    row: int
    code: tuple[int, int]
    spearhead: Spearhead
    effort: Effort | None  # None: create
    values: dict  # field -> new value (team and partners as "#<pk>" or "+<name key>")


@dataclass
class _MonitorWrite:
    indicator: str  # "#<pk>" or "+<name key>"
    year: int
    value: IndicatorValue | None  # None: create
    values: dict  # field -> new value


MONITOR_FIELDS = ("value", "source", "target", "comparison")


class _Import:
    def __init__(self, *, sheets: _Sheets, plan: Plan):
        self.sheets = sheets
        self.plan = PlanLookups(plan, monitor=sheets.monitor is not None)
        self.preview = ImportPreview(rows_read=len(sheets.efforts.rows))
        self.preview.warnings.extend(sheets.efforts.warnings)
        self.new_teams: dict[str, str] = {}  # name key -> name as first written
        self.new_partners: dict[str, str] = {}
        self.new_indicators: dict[str, str] = {}
        self.effort_writes: list[_EffortWrite] = []
        self.monitor_writes: list[_MonitorWrite] = []
        # the unit is the indicator's: ref -> (unit, first row naming it), and the new units
        self.monitor_units: dict[str, tuple[str, int]] = {}
        self.unit_writes: dict[str, str] = {}
        self._fingerprint: list = []

        seen: dict[tuple[int, int], int] = {}
        for row_number, cells in sheets.efforts.rows:
            self._effort_row(row_number, cells, seen)
        if sheets.monitor is not None:
            self.preview.monitor_rows_read = len(sheets.monitor.rows)
            self.preview.warnings.extend(sheets.monitor.warnings)
            seen_values: dict[tuple[str, int], int] = {}
            for row_number, cells in sheets.monitor.rows:
                self._monitor_row(row_number, cells, seen_values)
        self.preview.new_teams = sorted(self.new_teams.values(), key=str.casefold)
        self.preview.new_partners = sorted(self.new_partners.values(), key=str.casefold)
        self.preview.new_indicators = sorted(self.new_indicators.values(), key=str.casefold)
        self.preview.errors.sort(key=_problem_order)
        self._fingerprint.extend([self.preview.new_teams, self.preview.new_partners])
        self._fingerprint.append(self.preview.new_indicators)
        digest = json.dumps(self._fingerprint, default=str, sort_keys=True).encode()
        self.preview.fingerprint = hashlib.sha256(digest).hexdigest()

    # -- reading cells --

    def _error(self, sheet: str, row: int, heading: str, message: str) -> None:
        self.preview.errors.append(Problem(sheet, row, heading, message))

    def _read(self, sheet: Sheet, row: int, cells: dict, heading: str, parse, *, empty=None):
        """The parsed cell; `empty` for an empty cell (or an error when required), ABSENT when
        the column is not in the file, INVALID after recording an error."""
        if heading not in sheet.headings:
            return ABSENT
        cell: Cell | None = cells.get(heading)
        required = heading in _REQUIRED[sheet.name]
        if cell is None:
            if required:
                self._error(sheet.name, row, heading, _("Required; this cell is empty."))
                return INVALID
            return empty
        if cell.data_type == "f":
            message = _("This cell holds a formula; formulas are not read. Type the value itself.")
            self._error(sheet.name, row, heading, message)
            return INVALID
        if cell.data_type == "e":
            message = _("This cell holds an error value (%(value)s).") % {"value": cell.value}
            self._error(sheet.name, row, heading, message)
            return INVALID
        try:
            value = parse(cell)
        except CellError as error:
            self._error(sheet.name, row, heading, error.message)
            return INVALID
        limit = TEXT_LIMITS.get(heading)
        if limit and isinstance(value, str) and len(value) > limit:
            message = _("This text is too long: at most %(limit)s characters, not %(count)s.")
            self._error(sheet.name, row, heading, message % {"limit": limit, "count": len(value)})
            return INVALID
        return value

    # -- the Inspanningen sheet --

    def _effort_row(self, row: int, cells: dict, seen: dict) -> None:
        sheet = self.sheets.efforts
        errors = len(self.preview.errors)

        def read(heading, parse, empty=None):
            return self._read(sheet, row, cells, heading, parse, empty=empty)

        code = read(col.NR, lambda c: parse_code(c.value))
        spearhead = read(col.SPEARHEAD, self._spearhead)
        if code is not INVALID and spearhead is not INVALID and code[0] != spearhead.number:
            message = _(
                "The number %(code)s does not belong to spearhead %(spearhead)s: its first part "
                "must be the spearhead's number."
            ) % {"code": code_text(*code), "spearhead": spearhead.number}
            self._error(sheet.name, row, col.NR, message)
        if code is not INVALID:
            if code in seen:
                message = _("The number %(code)s appears twice: in rows %(first)s and %(row)s.")
                params = {"code": code_text(*code), "first": seen[code], "row": row}
                self._error(sheet.name, row, col.NR, message % params)
            seen.setdefault(code, row)

        values = {
            "title": read(col.TITLE, lambda c: text(c.value)),
            "description": read(col.DESCRIPTION, lambda c: text(c.value), ""),
            "goals": read(col.GOALS, self._goals, frozenset()),
            "team": read(col.TEAM, self._team),
            "lead": read(col.LEAD, self._lead),
            "partners": read(col.PARTNERS, self._partners, frozenset()),
            "target_groups": read(col.TARGET_GROUPS, self._target_groups, frozenset()),
            "international_role": read(col.ROLE, lambda c: text(c.value), ""),
            "policy_relation": read(col.POLICY, lambda c: text(c.value), ""),
            "financing": read(col.FINANCING, self._financing, ""),
            "is_priority": read(col.PRIORITY, lambda c: parse_bool(c.value), False),
            "in_line": read(col.IN_LINE, lambda c: parse_bool(c.value), False),
            "status": read(col.STATUS, self._status),
            "progress": read(col.PROGRESS, lambda c: parse_progress(c.value, c.number_format), 0),
            "start": read(col.START, lambda c: parse_period(c.value, end=False)),
            "end": read(col.END, lambda c: parse_period(c.value, end=True)),
            "note": read(col.NOTE, lambda c: text(c.value), ""),
        }
        effort = self.plan.efforts.get(code) if code is not INVALID else None
        self._check_period(row, values, effort)
        if len(self.preview.errors) > errors or code is INVALID:
            return
        values = {name: value for name, value in values.items() if value is not ABSENT}
        old = self._effort_values(effort) if effort else {}
        changes = [name for name in values if effort is None or old[name] != values[name]]
        action = CREATE if effort is None else (UPDATE if changes else UNCHANGED)
        title = values["title"]
        result = RowResult(row=row, key=code_text(*code), title=title, action=action)
        if action == UPDATE:
            result.changes = [
                Change(_heading(name), self._show(name, old[name]), self._show(name, values[name]))
                for name in changes
            ]
        self.preview.efforts.append(result)
        raw = {name: _raw(values[name]) for name in changes}
        self._fingerprint.append([row, result.key, action, raw])
        if action != UNCHANGED:
            self.effort_writes.append(
                _EffortWrite(row, code, spearhead, effort, {n: values[n] for n in changes})
            )

    def _check_period(self, row: int, values: dict, effort: Effort | None) -> None:
        start, end = values["start"], values["end"]
        if start is INVALID or end is INVALID:
            return
        if start is ABSENT:
            start = effort.start if effort else None
        if end is ABSENT:
            end = effort.end if effort else None
        if start and end and end < start:
            message = _("The end (%(end)s) is before the start (%(start)s).") % {
                "end": date_format(end, "j F Y"),
                "start": date_format(start, "j F Y"),
            }
            self._error(self.sheets.efforts.name, row, col.END, message)

    def _effort_values(self, effort: Effort) -> dict:
        """The effort's stored values in the form the parsers return (text normalised)."""
        m2m = {name: self.plan.effort_m2m[name].get(effort.pk, frozenset()) for name in M2M_FIELDS}
        return {
            "title": text(effort.title),
            "description": text(effort.description),
            "goals": m2m["goals"],
            "team": f"#{effort.team_id}",
            "lead": effort.lead_id,
            "partners": frozenset(f"#{pk}" for pk in m2m["partners"]),
            "target_groups": m2m["target_groups"],
            "international_role": text(effort.international_role),
            "policy_relation": text(effort.policy_relation),
            "financing": effort.financing,
            "is_priority": effort.is_priority,
            "in_line": effort.in_line,
            "status": effort.status,
            "progress": effort.progress,
            "start": effort.start,
            "end": effort.end,
            "note": text(effort.note),
        }

    def _spearhead(self, cell: Cell) -> Spearhead:
        number = parse_whole_number(cell.value)
        spearhead = (
            self.plan.spearheads.get(number)
            if number is not None
            else self.plan.spearheads_by_name.get(spearhead_key(cell.value))
        )
        if spearhead is None:
            raise CellError(
                _("Unknown spearhead “%(value)s”: write its number (1 to %(last)s) or its name.")
                % {"value": one_line(cell.value), "last": max(self.plan.spearheads, default=0)}
            )
        return spearhead

    def _goals(self, cell: Cell) -> frozenset:
        codes = parse_codes(cell.value)
        unknown = sorted(code for code in codes if code not in self.plan.goals)
        if unknown:
            raise CellError(
                ngettext("Unknown goal %(codes)s.", "Unknown goals %(codes)s.", len(unknown))
                % {"codes": ", ".join(code_text(*code) for code in unknown)}
            )
        return frozenset(self.plan.goals[code].pk for code in codes)

    def _team(self, cell: Cell) -> str:
        name = one_line(cell.value)
        _check_name_length(name, TEXT_LIMITS[col.TEAM])
        return self.plan.teams.resolve(name, self.new_teams)

    def _partners(self, cell: Cell) -> frozenset:
        names = split_names(cell.value)
        for name in names:
            _check_name_length(name, TEXT_LIMITS[col.PARTNERS])
        return frozenset(self.plan.partners.resolve(name, self.new_partners) for name in names)

    def _target_groups(self, cell: Cell) -> frozenset:
        found = set()
        for name in split_names(cell.value):
            group = self.plan.target_groups.find(name)
            if group is None:
                choices = ", ".join(g.name for g in self.plan.target_groups.by_id.values())
                raise CellError(
                    _("Unknown target group “%(value)s”. Choose from: %(choices)s.")
                    % {"value": name, "choices": choices}
                )
            found.add(group.pk)
        return frozenset(found)

    def _lead(self, cell: Cell) -> int:
        value = one_line(cell.value)
        matches = self.plan.users.find(value)
        if not matches:
            raise CellError(
                _("No user has the e-mail address or name “%(value)s”.") % {"value": value}
            )
        if len(matches) > 1:
            raise CellError(
                _("“%(value)s” matches %(count)s users; write the e-mail address instead.")
                % {"value": value, "count": len(matches)}
            )
        return next(iter(matches))

    def _choice(self, cell: Cell, keys: dict, choices) -> str:
        code = keys.get(label_key(cell.value))
        if code is None:
            raise CellError(
                _("Unknown value “%(value)s”. Choose from: %(choices)s.")
                % {"value": one_line(cell.value), "choices": ", ".join(dutch_labels(choices))}
            )
        return code

    def _status(self, cell: Cell) -> str:
        return self._choice(cell, self.plan.status_keys, Effort.Status)

    def _financing(self, cell: Cell) -> str:
        return self._choice(cell, self.plan.financing_keys, Effort.Financing)

    def _show(self, name: str, value) -> str:
        """A value as the preview shows it."""
        if name == "goals":
            goals = [self.plan.goals_by_id[pk] for pk in value]
            goals.sort(key=lambda goal: (goal.spearhead.number, goal.number))
            return ", ".join(goal.code for goal in goals) or "–"
        if name == "partners":
            names = [self.plan.partners.show(ref, self.new_partners) for ref in value]
            return "; ".join(sorted(names, key=str.casefold)) or "–"
        if name == "target_groups":
            names = sorted(self.plan.target_groups.by_id[pk].name for pk in value)
            return "; ".join(names) or "–"
        if name == "team":
            return self.plan.teams.show(value, self.new_teams)
        if name == "lead":
            return self.plan.users.label(value) if value else "–"
        if value in (None, ""):
            return "–"
        if name == "status":
            return str(Effort.Status(value).label)
        if name == "financing":
            return str(Effort.Financing(value).label)
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        if isinstance(value, date):
            return date_format(value, "j F Y")
        if name == "progress":
            return f"{value}%"
        return Truncator(str(value)).chars(SHOWN_TEXT)

    # -- the Monitor sheet --

    def _monitor_row(self, row: int, cells: dict, seen: dict) -> None:
        """One value of an indicator. The unit (Eenheid) is the indicator's: the first row of
        an indicator sets it, and another row of it naming another unit is an error."""
        sheet = self.sheets.monitor
        errors = len(self.preview.errors)

        def read(heading, parse, empty=None):
            return self._read(sheet, row, cells, heading, parse, empty=empty)

        def number(cell):
            return parse_decimal(cell.value, cell.number_format)

        name = read(col.INDICATOR, lambda c: one_line(c.value))
        year = read(col.YEAR, lambda c: parse_year(c.value))
        values = {
            "value": read(col.VALUE, number),
            "source": read(col.SOURCE, lambda c: one_line(c.value), ""),
            "target": read(col.TARGET, number),
            "comparison": read(col.COMPARISON, number),
        }
        unit = read(col.UNIT, lambda c: one_line(c.value), "")
        if name is INVALID or year is INVALID:
            return
        ref = self.plan.indicators.resolve(name, self.new_indicators)
        if (ref, year) in seen:
            message = _(
                "The indicator “%(name)s” for %(year)s appears twice: "
                "in rows %(first)s and %(row)s."
            ) % {"name": name, "year": year, "first": seen[(ref, year)], "row": row}
            self._error(sheet.name, row, col.INDICATOR, message)
        seen.setdefault((ref, year), row)
        unit_change = self._monitor_unit(row, ref, name, unit)
        if len(self.preview.errors) > errors:
            return
        values = {name: value for name, value in values.items() if value is not ABSENT}
        existing = None
        if ref.startswith("#"):
            existing = self.plan.indicator_values.get((int(ref[1:]), year))
        old = {}
        if existing is not None:
            old = {name: getattr(existing, name) for name in MONITOR_FIELDS}
        changes = [n for n in values if existing is None or old[n] != values[n]]
        action = CREATE
        if existing is not None:
            action = UPDATE if changes or unit_change else UNCHANGED
        shown = self.plan.indicators.show(ref, self.new_indicators)
        result = RowResult(row=row, key=f"{shown}, {year}", title=shown, action=action)
        if action == UPDATE:
            result.changes = [
                Change(_MONITOR_HEADINGS[n], _show_plain(old[n]), _show_plain(values[n]))
                for n in changes
            ]
        elif action == CREATE:
            result.changes = [
                Change(_MONITOR_HEADINGS[n], "–", _show_plain(values[n]))
                for n in changes
                if values[n] not in (None, "")
            ]
        if unit_change:
            result.changes.append(Change(col.UNIT, *map(_show_plain, unit_change)))
        self.preview.monitor.append(result)
        self._fingerprint.append(
            [row, ref, year, action, {n: str(values[n]) for n in changes}, unit_change]
        )
        if action != UNCHANGED:
            self.monitor_writes.append(
                _MonitorWrite(ref, year, existing, {n: values[n] for n in changes})
            )

    def _monitor_unit(self, row: int, ref: str, name: str, unit) -> tuple[str, str] | None:
        """(old, new) when this row, the indicator's first, changes its unit; else None."""
        if unit in (ABSENT, INVALID):
            return None
        first = self.monitor_units.get(ref)
        if first is not None:
            if first[0] != unit:
                message = _(
                    "The indicator “%(name)s” has the unit “%(unit)s” in row %(first)s; an "
                    "indicator has one unit in every year."
                ) % {"name": name, "unit": first[0] or "–", "first": first[1]}
                self._error(self.sheets.monitor.name, row, col.UNIT, message)
            return None
        self.monitor_units[ref] = (unit, row)
        old = self.plan.indicators.by_id[int(ref[1:])].unit if ref.startswith("#") else ""
        if unit == old:
            return None
        self.unit_writes[ref] = unit
        return old, unit

    # -- writing --

    def write(self, *, user) -> None:
        """Write what the preview shows. Call inside a transaction: it locks the rows it
        changes and raises ImportOutdated when one is no longer as it was compared."""
        self._lock_efforts()
        if self.monitor_writes or self.unit_writes:
            self._lock_monitor()
        teams = _created(Team, self.plan.teams, self.new_teams)
        partners = _created(Partner, self.plan.partners, self.new_partners)
        created, changed = [], []
        for write in self.effort_writes:
            values = dict(write.values)
            m2m = {name: values.pop(name) for name in M2M_FIELDS if name in values}
            if "partners" in m2m:
                m2m["partners"] = [partners[ref].pk for ref in m2m["partners"]]
            if "team" in values:
                values["team"] = teams[values["team"]]
            if "lead" in values:
                values["lead_id"] = values.pop("lead")
            effort = write.effort
            if effort is None:
                effort = Effort(spearhead=write.spearhead, number=write.code[1], version=1)
            else:
                effort.version += 1
            for name, value in values.items():
                setattr(effort, name, value)
            if write.effort is None:
                created.append((effort, m2m))
            else:
                changed.append((effort, [name.removesuffix("_id") for name in values], m2m))
        efforts_write(created=created, changed=changed, user=user)
        if self.monitor_writes or self.unit_writes:
            self._write_monitor(user=user)

    def _lock_efforts(self) -> None:
        """Lock the efforts to be changed (in pk order, so two imports never deadlock) and
        check that each still has the version it was compared at. Every save of an effort, in
        the portal, the admin or an import, raises its version, its relations included."""
        compared = {w.effort.pk: w.effort.version for w in self.effort_writes if w.effort}
        if not compared:
            return
        current = dict(
            Effort.objects.select_for_update()
            .filter(pk__in=compared)
            .order_by("pk")
            .values_list("pk", "version")
        )
        if current != compared:  # changed, or deleted, after the comparison
            raise ImportOutdated

    def _lock_monitor(self) -> None:
        """The same for the monitor values and indicators' units to be changed (they have no
        version: their values are compared)."""
        compared = {
            w.value.pk: tuple(getattr(w.value, name) for name in MONITOR_FIELDS)
            for w in self.monitor_writes
            if w.value is not None
        }
        if compared:
            current = {
                pk: tuple(rest)
                for pk, *rest in IndicatorValue.objects.select_for_update()
                .filter(pk__in=compared)
                .order_by("pk")
                .values_list("pk", *MONITOR_FIELDS)
            }
            if current != compared:
                raise ImportOutdated
        units = {
            int(ref[1:]): self.plan.indicators.by_id[int(ref[1:])].unit
            for ref in self.unit_writes
            if ref.startswith("#")
        }
        if units:
            current = dict(
                Indicator.objects.select_for_update()
                .filter(pk__in=units)
                .order_by("pk")
                .values_list("pk", "unit")
            )
            if current != units:
                raise ImportOutdated

    def _write_monitor(self, *, user) -> None:
        indicators = _created(Indicator, self.plan.indicators, self.new_indicators)
        for ref, unit in self.unit_writes.items():
            indicator = indicators[ref]
            indicator.unit = unit
            indicator._history_user = user  # read by django-simple-history
            indicator.save(update_fields=["unit"])
        new_values = []
        for write in self.monitor_writes:
            if write.value is None:
                indicator = indicators[write.indicator]
                new_values.append(
                    IndicatorValue(indicator=indicator, year=write.year, **write.values)
                )
                continue
            for name, value in write.values.items():
                setattr(write.value, name, value)
            write.value._history_user = user
            write.value.save(update_fields=list(write.values))
        if connection.features.can_return_rows_from_bulk_insert:
            IndicatorValue.objects.bulk_create(new_values)
            IndicatorValue.history.bulk_history_create(new_values, default_user=user)
        else:  # one by one, each recorded by django-simple-history
            for value in new_values:
                value._history_user = user
                value.save()


_REQUIRED = {
    col.EFFORT_SHEET: {c.heading for c in col.EFFORT_COLUMNS if c.required},
    col.MONITOR_SHEET: {c.heading for c in col.MONITOR_COLUMNS if c.required},
}
_HEADINGS = {name: heading for heading, name in EFFORT_FIELDS.items()}
_MONITOR_HEADINGS = {
    "value": col.VALUE,
    "source": col.SOURCE,
    "target": col.TARGET,
    "comparison": col.COMPARISON,
}
_ORDER = {
    col.EFFORT_SHEET: {c.heading: i for i, c in enumerate(col.EFFORT_COLUMNS)},
    col.MONITOR_SHEET: {c.heading: i for i, c in enumerate(col.MONITOR_COLUMNS)},
}


def _created(model, names: Names, new: dict[str, str]) -> dict:
    """ref -> object for the known names and the new ones, which are created now."""
    objects = {f"#{pk}": obj for pk, obj in names.by_id.items()}
    for key, name in new.items():
        objects[f"+{key}"] = model.objects.create(name=name)
    return objects


def _check_name_length(name: str, limit: int) -> None:
    if len(name) > limit:
        raise CellError(
            _("This name is too long: at most %(limit)s characters: “%(name)s”.")
            % {"limit": limit, "name": Truncator(name).chars(40)}
        )


def _heading(name: str) -> str:
    return _HEADINGS[name]


def _problem_order(problem: Problem):
    sheet = 0 if problem.sheet == col.EFFORT_SHEET else 1
    return (sheet, problem.row, _ORDER[problem.sheet].get(problem.heading, 99))


def _raw(value):
    """A value in a stable, language-independent form for the fingerprint."""
    if isinstance(value, frozenset):
        return sorted(str(item) for item in value)
    return str(value)


def _show_plain(value) -> str:
    if value in (None, ""):
        return "–"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return str(value)
