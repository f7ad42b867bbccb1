"""Real .xlsx files for the import tests, written with openpyxl (no mocks)."""

import io
import zipfile
from dataclasses import dataclass

from openpyxl import Workbook

from plan.models import Effort, Indicator, IndicatorValue, Partner, Team
from plan.spreadsheet.columns import EFFORT_HEADINGS, MONITOR_HEADINGS

REQUIRED = ("Nr", "Speerpunt", "Inspanning", "Team", "Status")


@dataclass(frozen=True)
class Formatted:
    """A cell value with a number format, e.g. Formatted(0.75, "0%")."""

    value: object
    number_format: str


def xlsx(
    rows,
    *,
    headings=EFFORT_HEADINGS,
    sheet="Inspanningen",
    monitor=None,
    monitor_headings=MONITOR_HEADINGS,
) -> io.BytesIO:
    """A workbook with one row per dict (heading -> value) under `headings` in row 1.

    A string starting with "=" becomes a formula cell, as typed in Excel.
    """
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    _fill(worksheet, headings, rows)
    if monitor is not None:
        _fill(workbook.create_sheet("Monitor"), monitor_headings, monitor)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def _fill(worksheet, headings, rows) -> None:
    worksheet.append(list(headings))
    for row_number, row in enumerate(rows, start=2):
        if isinstance(row, dict):
            unknown = {key for key, value in row.items() if value is not None} - set(headings)
            assert not unknown, f"not in the headings: {unknown}"
            row = [row.get(heading) for heading in headings]
        for column, value in enumerate(row, start=1):
            cell = worksheet.cell(row=row_number, column=column)
            if isinstance(value, Formatted):
                cell.value = value.value
                cell.number_format = value.number_format
            else:
                cell.value = value


def effort_row(**values) -> dict:
    """The base data's effort 3.1 as a row of the five required columns, with changes."""
    row = {
        "Nr": "3.1",
        "Speerpunt": 3,
        "Inspanning": "Doorontwikkeling Expat Centre",
        "Team": "Kennis & Internationalisering",
        "Status": "Loopt volgens planning",
    }
    row.update(values)
    return row


def with_member(data: bytes, name: str, content: bytes, *, replace: bool = False) -> bytes:
    """The workbook `data` with a part added (or replaced)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            if replace and member.filename == name:
                continue
            target.writestr(member, source.read(member.filename))
        target.writestr(name, content)
    return buffer.getvalue()


def snapshot() -> dict:
    """Enough of the database to see that nothing changed."""
    efforts = Effort.objects.order_by("pk")
    return {
        "efforts": list(
            efforts.values_list("pk", "title", "status", "progress", "team_id", "version")
        ),
        "goals": sorted(Effort.goals.through.objects.values_list("effort_id", "goal_id")),
        "partners": sorted(Effort.partners.through.objects.values_list("effort_id", "partner_id")),
        "teams": list(Team.objects.order_by("pk").values_list("name", flat=True)),
        "partner_names": list(Partner.objects.order_by("pk").values_list("name", flat=True)),
        "monitor": list(
            IndicatorValue.objects.order_by("pk").values_list(
                "value", "source", "target", "comparison"
            )
        ),
        "units": list(Indicator.objects.order_by("pk").values_list("name", "unit")),
        "history": Effort.history.count(),
    }
