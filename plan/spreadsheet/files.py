"""Opening an uploaded workbook safely, and reading its sheets row by row.

Only a real .xlsx is read. Everything else is refused with `FileRefused` before openpyxl sees
it: an old .xls (or a password-protected workbook, which is an OLE2 file too), a macro workbook,
a file over 10 MB, a zip bomb, XML with a DOCTYPE or ENTITY declaration, and anything that is
no workbook at all. openpyxl parses the XML parts with defusedxml (it uses it when installed;
`test_openpyxl_parses_with_defusedxml` checks), so a declaration that slips past the scan below
is still refused by the parser.
"""

import io
import logging
import zipfile
from dataclasses import dataclass, field

import openpyxl
from defusedxml import DefusedXmlException
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl.utils import get_column_letter

from .columns import MAX_FILE_SIZE, MAX_ROWS, Column
from .values import is_empty, one_line

logger = logging.getLogger(__name__)

OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and encrypted .xlsx
ZIP_SIGNATURE = b"PK\x03\x04"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
WORKBOOK_CONTENT_TYPES = (
    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    b"application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
)
MAX_UNPACKED_SIZE = 100 * 1024 * 1024  # the parts of a 10 MB workbook, unpacked
MAX_RATIO = 100  # unpacked / packed size of one part; real sheets stay far below
RATIO_CHECK_FROM = 1024 * 1024  # small parts may compress well without harm
MAX_MEMBERS = 2000
DECLARATIONS = tuple(
    word.encode(encoding)
    for word in ("<!doctype", "<!entity")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)
CHUNK = 1024 * 1024


class FileRefused(ValidationError):
    """The file is not read at all; the message says why and what to do."""


def _not_a_workbook() -> FileRefused:
    return FileRefused(
        _(
            "This is not an Excel file (.xlsx). "
            "Save the sheet as an Excel workbook (.xlsx) and try again."
        ),
        code="not_xlsx",
    )


def _damaged() -> FileRefused:
    return FileRefused(
        _(
            "The workbook could not be read; it may be damaged. "
            "Save it again as an Excel workbook (.xlsx) and try again."
        ),
        code="damaged",
    )


def _declarations() -> FileRefused:
    return FileRefused(
        _(
            "The workbook contains XML declarations (DOCTYPE or ENTITY) that a spreadsheet "
            "never needs; it is refused for safety."
        ),
        code="xml_declarations",
    )


def _too_large() -> FileRefused:
    return FileRefused(
        _("The file is larger than %(limit)s MB; split it into smaller files.")
        % {"limit": MAX_FILE_SIZE // (1024 * 1024)},
        code="too_large",
    )


def read_upload(file) -> bytes:
    """The bytes of an uploaded or opened file, refused when over the size limit."""
    size = getattr(file, "size", None)
    if size is not None and size > MAX_FILE_SIZE:
        raise _too_large()
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(MAX_FILE_SIZE + 1)
    if len(data) > MAX_FILE_SIZE:
        raise _too_large()
    return data


def check_workbook(data: bytes) -> None:
    """Refuse everything that is not a plain, reasonably sized .xlsx. Reads no cells."""
    if len(data) > MAX_FILE_SIZE:
        raise _too_large()
    if data.startswith(OLE2_SIGNATURE):
        raise FileRefused(
            _(
                "This is an old Excel file (.xls) or a workbook protected with a password. "
                "Save it as an Excel workbook (.xlsx) without a password and try again."
            ),
            code="xls",
        )
    if not data.startswith(ZIP_SIGNATURE):
        raise _not_a_workbook()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise _not_a_workbook() from None
    with archive:
        _check_sizes(members)
        names = [member.filename for member in members]
        if any(name.lower().rsplit("/", 1)[-1] == "vbaproject.bin" for name in names):
            raise _macros()
        if "mimetype" in names and archive.read("mimetype").strip() == ODS_MIMETYPE:
            raise FileRefused(
                _(
                    "This is an OpenDocument spreadsheet (.ods). The import reads Excel "
                    "workbooks (.xlsx) only: save it as .xlsx and try again."
                ),
                code="ods",
            )
        if "[Content_Types].xml" not in names:
            raise _not_a_workbook()
        for member in members:
            _scan_for_declarations(archive, member)
        content_types = archive.read("[Content_Types].xml")
    if b"macroEnabled" in content_types or b"vbaProject" in content_types:
        raise _macros()
    if not any(content_type in content_types for content_type in WORKBOOK_CONTENT_TYPES):
        raise _not_a_workbook()


def _macros() -> FileRefused:
    return FileRefused(
        _(
            "This workbook contains macros (.xlsm). For safety only workbooks without macros "
            "are read: save it as an Excel workbook (.xlsx) and try again."
        ),
        code="macros",
    )


def _check_sizes(members) -> None:
    bomb = FileRefused(
        _("Unpacked, this file would be unreasonably large; it is refused for safety."),
        code="zip_bomb",
    )
    if len(members) > MAX_MEMBERS or len({m.filename for m in members}) != len(members):
        raise bomb
    if sum(member.file_size for member in members) > MAX_UNPACKED_SIZE:
        raise bomb
    for member in members:
        if member.flag_bits & 0x1:  # encrypted part
            raise _not_a_workbook()
        ratio_limit = MAX_RATIO * max(member.compress_size, 1)
        if member.file_size > RATIO_CHECK_FROM and member.file_size > ratio_limit:
            raise bomb


def _scan_for_declarations(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    """Refuse a DOCTYPE or ENTITY declaration anywhere in a part (UTF-8 or UTF-16).

    zipfile never returns more than a part's declared size, which `_check_sizes` bounded.
    """
    overlap = max(len(word) for word in DECLARATIONS) - 1
    tail = b""
    try:
        with archive.open(member) as part:
            while chunk := part.read(CHUNK):
                window = (tail + chunk).lower()
                if any(word in window for word in DECLARATIONS):
                    raise _declarations()
                tail = window[-overlap:]
    except FileRefused:
        raise
    except Exception:  # BadZipFile (wrong CRC), zlib.error, an unknown compression...
        raise _damaged() from None


def open_workbook(data: bytes):
    """Check the file, then open it with openpyxl in read-only mode (close it after use)."""
    check_workbook(data)
    try:
        return openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=False, keep_vba=False, keep_links=False
        )
    except DefusedXmlException:
        raise _declarations() from None
    except Exception:  # openpyxl raises many kinds of error on a malformed part
        logger.info("Refused an unreadable workbook", exc_info=True)
        raise _damaged() from None


# --- sheets ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    value: object
    data_type: str  # openpyxl: "s" text, "n" number, "d" date, "b" boolean, "f" formula, "e" error
    number_format: str | None


@dataclass
class Sheet:
    name: str
    headings: set[str] = field(default_factory=set)  # the format's headings present in the file
    warnings: list[str] = field(default_factory=list)
    rows: list[tuple[int, dict[str, Cell]]] = field(default_factory=list)  # (row number, cells)


def find_sheet(workbook, name: str):
    """The worksheet called `name`, ignoring case and surrounding spaces, or None."""
    for title in workbook.sheetnames:
        if one_line(title).casefold() == name.casefold():
            return workbook[title]
    return None


def read_sheet(worksheet, *, name: str, columns: tuple[Column, ...]) -> Sheet:
    """Header row (row 1) and data rows of a sheet of the format. Empty rows are skipped.

    Refuses the file when a required heading is missing, a heading appears twice, or the
    sheet holds more than MAX_ROWS data rows. Unknown headings become warnings.
    """
    if not hasattr(worksheet, "reset_dimensions"):
        raise _damaged()  # a chart sheet
    worksheet.reset_dimensions()  # the stored dimension may be wrong; read every row
    sheet = Sheet(name=name)
    try:
        header = next(iter(worksheet.iter_rows(min_row=1, max_row=1)), ())
        positions = _map_headings(header, sheet=sheet, columns=columns)
        if not positions:
            return sheet
        last = max(positions) + 1
        for row_number, row in enumerate(worksheet.iter_rows(min_row=2, max_col=last), start=2):
            cells = {
                positions[index]: Cell(cell.value, cell.data_type, cell.number_format)
                for index, cell in enumerate(row)
                if index in positions and not is_empty(cell.value)
            }
            if not cells:
                continue
            if len(sheet.rows) == MAX_ROWS:
                raise FileRefused(
                    _(
                        "The sheet “%(sheet)s” has more than %(limit)s rows; "
                        "split it into smaller files."
                    )
                    % {"sheet": name, "limit": number_format(MAX_ROWS, force_grouping=True)},
                    code="too_many_rows",
                )
            sheet.rows.append((row_number, cells))
    except FileRefused:
        raise
    except DefusedXmlException:
        raise _declarations() from None
    except Exception:
        logger.info("Refused an unreadable sheet", exc_info=True)
        raise _damaged() from None
    return sheet


def _map_headings(header, *, sheet: Sheet, columns: tuple[Column, ...]) -> dict[int, str]:
    known = {column.heading.casefold(): column.heading for column in columns}
    positions: dict[int, str] = {}
    for index, cell in enumerate(header):
        title = one_line(cell.value)
        if not title:
            continue
        heading = known.get(title.casefold())
        if heading is None:
            sheet.warnings.append(
                _(
                    "The column “%(heading)s” (column %(letter)s) is not part of the format "
                    "and is ignored."
                )
                % {"heading": title, "letter": get_column_letter(index + 1)}
            )
            continue
        if heading in sheet.headings:
            raise FileRefused(
                _("The heading “%(heading)s” appears more than once in the sheet “%(sheet)s”.")
                % {"heading": heading, "sheet": sheet.name},
                code="duplicate_heading",
            )
        sheet.headings.add(heading)
        positions[index] = heading
    missing = [c.heading for c in columns if c.required and c.heading not in sheet.headings]
    if missing:
        raise FileRefused(
            ngettext(
                "Required heading missing in sheet %(sheet)s: %(headings)s.",
                "Required headings missing in sheet %(sheet)s: %(headings)s.",
                len(missing),
            )
            % {"headings": ", ".join(f"“{heading}”" for heading in missing), "sheet": sheet.name},
            code="missing_heading",
        )
    return positions
