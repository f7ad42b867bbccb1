"""Opening an uploaded workbook safely, and reading its sheets row by row.

Only a real .xlsx is read. Everything else is refused with `FileRefused` before openpyxl sees
it: an old .xls (or a password-protected workbook, which is an OLE2 file too), a macro workbook,
a file over 10 MB, a zip bomb (a part over 20 MB unpacked, or all over 50 MB), XML with a
DOCTYPE or ENTITY declaration, a cell beyond row 10,001 or column AX (openpyxl would fill every
row and column up to it), and anything that is no workbook at all. openpyxl parses the XML
parts with defusedxml (it uses it when installed; `test_openpyxl_parses_with_defusedxml`
checks), so a declaration that slips past the scan below is still refused by the parser.
"""

import io
import logging
import re
import zipfile
from dataclasses import dataclass, field

import openpyxl
from defusedxml import DefusedXmlException
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl.utils import column_index_from_string, get_column_letter

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
MAX_UNPACKED_SIZE = 50 * 1024 * 1024  # all parts of a workbook, unpacked
MAX_PART_SIZE = 20 * 1024 * 1024  # one part unpacked; 10,000 full rows take about 10 MB
MAX_SHEET_ROW = MAX_ROWS + 1  # the header and 10,000 rows
MAX_SHEET_COLUMN = 50  # AX; the format has 19 columns
# An XML part starts with "<" (after a UTF-8 byte order mark) and declares no encoding other
# than UTF-8, ASCII or Latin-1; UTF-16 and EBCDIC would hide the tags from _check_bounds.
ASCII_COMPATIBLE = re.compile(
    rb"""^(?:\xef\xbb\xbf)?\s*<(?!\?xml[^>]*encoding\s*=\s*["'](?!(?:utf-?8|us-ascii|ascii|iso-8859-1|latin-?1)["']))""",
    re.IGNORECASE,
)
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
        for member in members:
            if member.filename.lower().endswith(".xml"):
                _check_bounds(archive, member)
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
    if any(member.file_size > MAX_PART_SIZE for member in members):
        raise bomb
    for member in members:
        if member.flag_bits & 0x1:  # encrypted part
            raise _not_a_workbook()
        ratio_limit = MAX_RATIO * max(member.compress_size, 1)
        if member.file_size > RATIO_CHECK_FROM and member.file_size > ratio_limit:
            raise bomb


def _scan_for_declarations(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    """Refuse a DOCTYPE or ENTITY declaration anywhere in a part (UTF-8 or UTF-16).

    zipfile never returns more than a part's declared size, which `_check_sizes` bounded; the
    count below makes sure of it, whatever the zip headers claim.
    """
    overlap = max(len(word) for word in DECLARATIONS) - 1
    tail = b""
    unpacked = 0
    try:
        with archive.open(member) as part:
            while chunk := part.read(CHUNK):
                unpacked += len(chunk)
                if unpacked > min(member.file_size, MAX_PART_SIZE):
                    raise _damaged()
                window = (tail + chunk).lower()
                if any(word in window for word in DECLARATIONS):
                    raise _declarations()
                tail = window[-overlap:]
    except FileRefused:
        raise
    except Exception:  # BadZipFile (wrong CRC), zlib.error, an unknown compression...
        raise _damaged() from None


class _OutOfBounds(Exception):
    pass


class _SheetBounds:
    """Follows the row and column numbers of `<row>` and `<c>` elements as openpyxl counts
    them: from the `r` attribute when there is one, else one more than the last. A regular
    expression over the bytes, as a parser takes ten times as long; so only parts in an
    ASCII-compatible encoding are read (Excel writes UTF-8)."""

    # A start tag as XML defines it, so that a ">" inside an attribute value ends nothing;
    # group 2 (or 3) is the r attribute's value
    TAG = re.compile(
        rb"""<(?:[^\s<>/:"'=]+:)?(row|c)(?:\s+(?:r\s*=\s*(?:"([^"]*)"|'([^']*)')"""
        rb"""|[^\s=>/"']+\s*=\s*(?:"[^"]*"|'[^']*')))*\s*/?>"""
    )
    COLUMNS = {get_column_letter(n).encode(): n for n in range(1, MAX_SHEET_COLUMN + 1)}

    def __init__(self):
        self.row = self.column = 0

    def feed(self, text: bytes) -> None:
        row, column = self.row, self.column
        for tag, double_quoted, single_quoted in self.TAG.findall(text):
            reference = double_quoted or single_quoted
            if tag == b"c":
                if not reference:
                    column += 1
                else:
                    letters = reference.strip().rstrip(b"0123456789")
                    column = self.COLUMNS.get(letters) or column_index_from_string(letters.decode())
                if column > MAX_SHEET_COLUMN:
                    raise _OutOfBounds
            else:
                row, column = row + 1 if not reference else _row_number(reference), 0
                if row > MAX_SHEET_ROW:
                    raise _OutOfBounds
        self.row, self.column = row, column


def _row_number(text: bytes) -> int:
    number = float(text)  # openpyxl reads "1e6" as row 1,000,000
    if not number.is_integer():
        raise ValueError(text)
    return int(number)


def _check_bounds(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    """Refuse an XML part with a cell beyond row MAX_SHEET_ROW or column MAX_SHEET_COLUMN,
    before openpyxl would fill every row and column up to it. Stops at the first one."""
    bounds = _SheetBounds()
    try:
        with archive.open(member) as part:
            chunk, rest = part.read(CHUNK), b""
            if chunk and not ASCII_COMPATIBLE.match(chunk):
                raise _damaged()
            while chunk:
                text, chunk, rest = rest + chunk, part.read(CHUNK), b""
                cut = text.rfind(b"<")
                if chunk and cut != -1:  # the last tag may be cut in two: read it whole
                    text, rest = text[:cut], text[cut:]
                    if len(rest) > 4 * CHUNK:
                        raise _damaged()
                bounds.feed(text)
    except _OutOfBounds:
        raise FileRefused(
            _(
                "The workbook has cells beyond row %(rows)s or column %(column)s, more than "
                "the format holds. Delete the rows and columns after your data (also empty "
                "ones that have a format), or copy the data to a new workbook, and try again."
            )
            % {
                "rows": number_format(MAX_SHEET_ROW, force_grouping=True),
                "column": get_column_letter(MAX_SHEET_COLUMN),
            },
            code="out_of_bounds",
        ) from None
    except FileRefused:
        raise
    except Exception:  # a row number that is no number, a wrong CRC...
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
