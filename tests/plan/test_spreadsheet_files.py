"""Hostile and wrong files are refused before a cell is read (plan.spreadsheet.files), and the
database stays as it was."""

import io
import re
import secrets
import struct
import time
import zipfile

import defusedxml
import openpyxl

from plan.models import Effort
from plan.spreadsheet.files import FileRefused, check_workbook
from plan.spreadsheet.importer import import_apply, import_preview
from reporting.exports import efforts_ods
from tests.base import BaseTestCase
from tests.workbooks import REQUIRED, effort_row, snapshot, with_member, xlsx

BILLION_LAUGHS = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"
 xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="&lol3;" sheetId="1" r:id="rId1"/></sheets></workbook>"""


def valid_workbook() -> bytes:
    return xlsx([effort_row(Inspanning="Overschreven")], headings=REQUIRED).getvalue()


def zip_bomb(*, size: int) -> bytes:
    """A workbook whose sheet unpacks to `size` bytes of zeros (a few hundred KB packed)."""
    buffer = io.BytesIO()
    source = zipfile.ZipFile(io.BytesIO(valid_workbook()))
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            if member.filename != "xl/worksheets/sheet1.xml":
                target.writestr(member, source.read(member.filename))
        with target.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            block = b"\0" * (1024 * 1024)
            for _ in range(size // len(block)):
                sheet.write(block)
    return buffer.getvalue()


def with_sheet(rows: bytes, *, header: bool = True) -> bytes:
    """The valid workbook with `rows` added to its sheet (or in place of all rows)."""
    data = valid_workbook()
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    if header:
        sheet = sheet.replace(b"</sheetData>", rows + b"</sheetData>")
    else:
        sheet = re.sub(
            rb"<sheetData>.*</sheetData>", b"<sheetData>" + rows + b"</sheetData>", sheet
        )
    return with_member(data, "xl/worksheets/sheet1.xml", sheet, replace=True)


def sst(strings: bytes) -> bytes:
    main = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    return (
        b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="' + main + b'">' + strings + b"</sst>"
    )


def lying_sizes(data: bytes, name: str, content: bytes) -> bytes:
    """The workbook with part `name` holding `content`, its zip headers saying it unpacks to
    100 bytes."""
    data = with_member(data, name, content, replace=True)
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(name)
    patched = bytearray(data)
    local = info.header_offset
    assert patched[local : local + 4] == b"PK\x03\x04"
    struct.pack_into("<I", patched, local + 22, 100)  # uncompressed size
    central = data.index(b"PK\x01\x02")
    while patched[central + 46 : central + 46 + len(name)] != name.encode():
        central = data.index(b"PK\x01\x02", central + 4)
    struct.pack_into("<I", patched, central + 24, 100)
    return bytes(patched)


class HostileFileTestCase(BaseTestCase):
    def assert_refused(self, data: bytes, text: str) -> None:
        """Refused by the preview and by the import, with `text` in the message; no change."""
        before = snapshot()
        with self.assertRaises(FileRefused) as refused:
            import_preview(file=io.BytesIO(data), plan=self.plan)
        self.assertIn(text, refused.exception.message)
        with self.assertRaises(FileRefused):
            import_apply(file=io.BytesIO(data), plan=self.plan, user=self.bob)
        self.assertEqual(snapshot(), before)
        self.assertEqual(Effort.objects.get(pk=self.effort.pk).title, self.effort.title)

    def test_the_valid_workbook_used_below_is_read(self):
        preview = import_preview(file=io.BytesIO(valid_workbook()), plan=self.plan)
        self.assertEqual(len(preview.changed), 1)

    def test_an_old_xls_file_is_refused(self):
        ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096
        self.assert_refused(ole2, "(.xls)")

    def test_a_macro_workbook_with_a_vba_project_is_refused(self):
        data = with_member(valid_workbook(), "xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 macro")
        self.assert_refused(data, "macro's")

    def test_a_workbook_declared_macro_enabled_is_refused(self):
        source = zipfile.ZipFile(io.BytesIO(valid_workbook()))
        types = source.read("[Content_Types].xml").replace(
            b"spreadsheetml.sheet.main+xml", b"ms-excel.sheet.macroEnabled.main+xml"
        )
        data = with_member(valid_workbook(), "[Content_Types].xml", types, replace=True)
        self.assert_refused(data, "macro's")

    def test_a_file_over_10_mb_is_refused(self):
        data = valid_workbook()
        self.assert_refused(data + b"\0" * (10 * 1024 * 1024 + 1 - len(data)), "10 MB")

    def test_a_zip_bomb_is_refused(self):
        self.assert_refused(zip_bomb(size=200 * 1024 * 1024), "onredelijk groot")

    def test_a_part_that_unpacks_a_thousand_times_its_size_is_refused(self):
        data = zip_bomb(size=8 * 1024 * 1024)
        self.assertLess(len(data), 100_000)
        self.assert_refused(data, "onredelijk groot")

    def assert_refused_at_once(self, data: bytes, text: str) -> None:
        started = time.monotonic()
        self.assert_refused(data, text)
        self.assertLess(time.monotonic() - started, 1)

    def test_a_row_numbered_3_million_is_refused_at_once(self):
        data = with_sheet(
            b'<row r="3000000"><c r="A3000000" t="inlineStr"><is><t>x</t></is></c></row>'
        )
        self.assertLess(len(data), 10_000)
        self.assert_refused_at_once(data, "voorbij rij 10.001 of kolom AX")
        self.assert_refused_at_once(with_sheet(b'<row r="3e6"/>'), "voorbij rij 10.001")

    def test_a_heading_in_column_xfd_is_refused_at_once(self):
        cell = b'<row r="1"><c r="XFD1" t="inlineStr"><is><t>Nr</t></is></c></row>'
        data = with_sheet(cell, header=False)
        self.assert_refused_at_once(data, "voorbij rij 10.001 of kolom AX")

    def test_cells_and_rows_without_numbers_are_counted(self):
        cells = b"<c><v>1</v></c>" * 51
        self.assert_refused_at_once(with_sheet(b"<row>" + cells + b"</row>"), "kolom AX")
        rows = b"<row/>" * 10_001
        self.assert_refused_at_once(with_sheet(rows), "voorbij rij 10.001")

    def test_a_greater_than_in_an_attribute_hides_no_row_number(self):
        row = b"""<row foo=">" r='3000000' bar='"'/>"""
        self.assert_refused_at_once(with_sheet(row), "voorbij rij 10.001")

    def test_a_sheet_in_utf_16_is_refused(self):
        sheet = zipfile.ZipFile(io.BytesIO(valid_workbook())).read("xl/worksheets/sheet1.xml")
        text = sheet.decode().replace('encoding="UTF-8"', 'encoding="UTF-16"')
        data = with_member(
            valid_workbook(), "xl/worksheets/sheet1.xml", text.encode("utf-16"), replace=True
        )
        self.assert_refused_at_once(data, "beschadigd")

    def test_shared_strings_over_20_mb_are_refused_at_once(self):
        # a thousandth of random text keeps the packing ratio under the zip bomb limit
        block = b"<si><t>" + b"a" * 1000 + b"</t></si>"
        strings = b"".join(
            block.replace(b"a" * 16, secrets.token_hex(8).encode(), 1) for _ in range(21_000)
        )
        data = with_member(valid_workbook(), "xl/sharedStrings.xml", sst(strings), replace=True)
        part = zipfile.ZipFile(io.BytesIO(data)).getinfo("xl/sharedStrings.xml")
        self.assertLess(part.file_size / part.compress_size, 100)  # no bomb by its ratio
        self.assert_refused_at_once(data, "onredelijk groot")

    def test_a_part_that_unpacks_to_more_than_its_header_says_is_refused(self):
        data = lying_sizes(
            valid_workbook(), "xl/sharedStrings.xml", sst(b"<si><t>a</t></si>" * 2_000_000)
        )
        self.assert_refused_at_once(data, "beschadigd")

    def test_xml_with_entity_declarations_is_refused(self):
        data = with_member(valid_workbook(), "xl/workbook.xml", BILLION_LAUGHS, replace=True)
        self.assert_refused(data, "DOCTYPE")

    def test_a_declaration_in_utf_16_is_refused_too(self):
        core = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "b">]><x/>'
        data = with_member(
            valid_workbook(), "docProps/core.xml", core.encode("utf-16"), replace=True
        )
        self.assert_refused(data, "DOCTYPE")

    def test_openpyxl_parses_with_defusedxml(self):
        """Behind our own scan, openpyxl refuses entity declarations itself."""
        self.assertTrue(openpyxl.DEFUSEDXML)
        data = with_member(valid_workbook(), "xl/workbook.xml", BILLION_LAUGHS, replace=True)
        with self.assertRaises(ValueError) as raised:  # openpyxl wraps the parser's error
            openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        self.assertIsInstance(raised.exception.__cause__, defusedxml.EntitiesForbidden)

    def test_a_png_renamed_to_xlsx_is_refused(self):
        png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + b"\0" * 200
        self.assert_refused(png, "Dit is geen Excel-bestand (.xlsx)")

    def test_another_zip_file_is_refused(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("word/document.xml", "<document/>")
        self.assert_refused(buffer.getvalue(), "Dit is geen Excel-bestand (.xlsx)")

    def test_an_ods_file_is_refused_with_its_own_message(self):
        self.assert_refused(efforts_ods(efforts=Effort.objects.all()), "OpenDocument")

    def test_a_damaged_workbook_is_refused(self):
        data = valid_workbook()
        self.assert_refused(data[: len(data) // 2], "Dit is geen Excel-bestand (.xlsx)")
        broken = with_member(data, "xl/workbook.xml", b"<workbook><sheets>", replace=True)
        self.assert_refused(broken, "beschadigd")

    def test_more_than_10000_rows_is_refused(self):
        rows = [[f"3.{n}", 3, "Inspanning", "Wonen", "Gestopt"] for n in range(1, 10_002)]
        self.assert_refused(xlsx(rows, headings=REQUIRED).getvalue(), "10")

    def test_10000_rows_are_read(self):
        rows = [[f"3.{n}", 3, "Inspanning", "Wonen", "Gestopt"] for n in range(1, 10_001)]
        preview = import_preview(file=xlsx(rows, headings=REQUIRED), plan=self.plan)
        self.assertEqual((preview.rows_read, preview.errors), (10_000, []))


class CheckWorkbookTestCase(BaseTestCase):
    def test_an_exported_workbook_passes(self):
        from reporting.exports import efforts_xlsx

        check_workbook(efforts_xlsx(efforts=Effort.objects.all()))  # no exception
