"""The plan as a spreadsheet (.xlsx and .ods) in the format the import reads back.

The rows come from `plan.spreadsheet.rows`; this module only writes them. Text that starts
with "=", "+", "-" or "@" is never a formula: in .xlsx it is a text cell with Excel's
quote-prefix flag, in .ods every text cell is a string cell, which is never evaluated.
"""

import io
from datetime import date

from odf import config, number, style, table, teletype, text
from odf.opendocument import OpenDocumentSpreadsheet
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from plan.spreadsheet.columns import (
    EFFORT_COLUMNS,
    EFFORT_SHEET,
    MONITOR_COLUMNS,
    MONITOR_SHEET,
    Column,
)
from plan.spreadsheet.rows import effort_rows, monitor_rows
from plan.spreadsheet.values import needs_quote_prefix

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODS_CONTENT_TYPE = "application/vnd.oasis.opendocument.spreadsheet"
DATE_FORMAT = "dd-mm-yyyy"


def _sheets(*, efforts) -> list[tuple[str, tuple[Column, ...], list[list]]]:
    return [
        (EFFORT_SHEET, EFFORT_COLUMNS, effort_rows(efforts=efforts)),
        (MONITOR_SHEET, MONITOR_COLUMNS, monitor_rows()),
    ]


# --- .xlsx -----------------------------------------------------------------------------------


def efforts_xlsx(*, efforts) -> bytes:
    """The efforts (a QuerySet) and the monitor figures as an Excel workbook."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, columns, rows in _sheets(efforts=efforts):
        _xlsx_sheet(workbook.create_sheet(name), columns, rows)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_sheet(worksheet, columns: tuple[Column, ...], rows: list[list]) -> None:
    worksheet.append([column.heading for column in columns])
    bold = Font(bold=True)
    for cell in worksheet[1]:
        cell.font = bold
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    for row_number, row in enumerate(rows, start=2):
        for column_number, (column, value) in enumerate(zip(columns, row, strict=True), start=1):
            if value is None:
                continue
            cell = worksheet.cell(row=row_number, column=column_number)
            cell.value = value
            cell.alignment = wrap if column.wrap else top
            if isinstance(value, str):
                cell.data_type = "s"  # openpyxl takes text starting with "=" for a formula
                if needs_quote_prefix(value):
                    cell.quotePrefix = True
            elif isinstance(value, date):
                cell.number_format = DATE_FORMAT
    for index, column in enumerate(columns, start=1):
        worksheet.column_dimensions[get_column_letter(index)].width = column.width
    worksheet.freeze_panes = "A2"
    last = get_column_letter(len(columns))
    worksheet.auto_filter.ref = f"A1:{last}{max(len(rows) + 1, 1)}"


# --- .ods ------------------------------------------------------------------------------------


def efforts_ods(*, efforts) -> bytes:
    """The same content as `efforts_xlsx`, as an OpenDocument spreadsheet."""
    document = OpenDocumentSpreadsheet()
    styles = _ods_styles(document)
    sheets = _sheets(efforts=efforts)
    ranges = table.DatabaseRanges()
    for name, columns, rows in sheets:
        document.spreadsheet.addElement(_ods_table(name, columns, rows, styles))
        last = get_column_letter(len(columns))
        ranges.addElement(
            table.DatabaseRange(
                name=f"filter_{name}",
                targetrangeaddress=f"'{name}'.A1:'{name}'.{last}{len(rows) + 1}",
                displayfilterbuttons="true",
            )
        )
    document.spreadsheet.addElement(ranges)
    _ods_freeze_header(document, [name for name, _columns, _rows in sheets])
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def _ods_styles(document) -> dict:
    date_style = number.DateStyle(name="date-dmy")
    date_style.addElement(number.Day(style="long"))
    date_style.addElement(number.Text(text="-"))
    date_style.addElement(number.Month(style="long"))
    date_style.addElement(number.Text(text="-"))
    date_style.addElement(number.Year(style="long"))
    document.automaticstyles.addElement(date_style)
    heading = style.Style(name="heading", family="table-cell")
    heading.addElement(style.TextProperties(fontweight="bold"))
    document.automaticstyles.addElement(heading)
    dated = style.Style(
        name="date", family="table-cell", datastylename="date-dmy", parentstylename="Default"
    )
    document.automaticstyles.addElement(dated)
    wrapped = style.Style(name="wrapped", family="table-cell")
    wrapped.addElement(style.TableCellProperties(wrapoption="wrap", verticalalign="top"))
    document.automaticstyles.addElement(wrapped)
    widths = {}
    for column in (*EFFORT_COLUMNS, *MONITOR_COLUMNS):
        if column.width not in widths:
            width = style.Style(name=f"width{column.width}", family="table-column")
            width.addElement(style.TableColumnProperties(columnwidth=f"{column.width * 0.2}cm"))
            document.automaticstyles.addElement(width)
            widths[column.width] = width
    return {"heading": heading, "date": dated, "wrapped": wrapped, "widths": widths}


def _ods_table(name: str, columns: tuple[Column, ...], rows: list[list], styles: dict):
    sheet = table.Table(name=name)
    for column in columns:
        sheet.addElement(table.TableColumn(stylename=styles["widths"][column.width]))
    header = table.TableRow()
    for column in columns:
        cell = table.TableCell(valuetype="string", stylename=styles["heading"])
        cell.addElement(text.P(text=column.heading))
        header.addElement(cell)
    sheet.addElement(header)
    for row in rows:
        line = table.TableRow()
        for column, value in zip(columns, row, strict=True):
            line.addElement(_ods_cell(value, column, styles))
        sheet.addElement(line)
    return sheet


def _ods_cell(value, column: Column, styles: dict):
    if value is None:
        return table.TableCell()
    if isinstance(value, bool):
        raise TypeError("booleans are written as Ja/Nee text")
    if isinstance(value, date):
        cell = table.TableCell(
            valuetype="date", datevalue=value.isoformat(), stylename=styles["date"]
        )
        cell.addElement(text.P(text=value.strftime("%d-%m-%Y")))
        return cell
    if isinstance(value, int | float):
        cell = table.TableCell(valuetype="float", value=value)
        cell.addElement(text.P(text=str(value)))
        return cell
    attributes = {"valuetype": "string"}
    if column.wrap:
        attributes["stylename"] = styles["wrapped"]
    cell = table.TableCell(**attributes)
    paragraph = text.P()
    teletype.addTextToElement(paragraph, value)  # keeps line breaks and runs of spaces
    cell.addElement(paragraph)
    return cell


def _ods_freeze_header(document, names: list[str]) -> None:
    """Keep the header row in view while scrolling (LibreOffice's view settings)."""
    view_settings = config.ConfigItemSet(name="ooo:view-settings")
    views = config.ConfigItemMapIndexed(name="Views")
    view = config.ConfigItemMapEntry()
    view.addElement(_config_item("ViewId", "string", "view1"))
    tables = config.ConfigItemMapNamed(name="Tables")
    for name in names:
        entry = config.ConfigItemMapEntry(name=name)
        for key, kind, value in (
            ("VerticalSplitMode", "short", "2"),
            ("VerticalSplitPosition", "int", "1"),
            ("ActiveSplitRange", "short", "2"),
            ("PositionTop", "int", "0"),
            ("PositionBottom", "int", "1"),
        ):
            entry.addElement(_config_item(key, kind, value))
        tables.addElement(entry)
    view.addElement(tables)
    views.addElement(view)
    view_settings.addElement(views)
    document.settings.addElement(view_settings)


def _config_item(name: str, kind: str, value: str):
    item = config.ConfigItem(name=name, type=kind)
    item.addText(value)
    return item
