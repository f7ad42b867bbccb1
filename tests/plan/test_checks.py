"""The system check that the committed Dutch catalogue is compiled and in step with its .po."""

import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.checks import run_checks
from django.test import SimpleTestCase, override_settings

from plan.checks import mo_catalogue, po_catalogue, translations_compiled

MESSAGES = Path(settings.BASE_DIR, "locale", "nl", "LC_MESSAGES")

SAMPLE = r"""msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\n"

#: plan/models.py:1
msgid "On track"
msgstr "Loopt volgens planning"

msgctxt "effort"
msgid "Status"
msgstr "Stand"

msgid "%(count)d effort"
msgid_plural "%(count)d efforts"
msgstr[0] "%(count)d inspanning"
msgstr[1] "%(count)d inspanningen"

msgid ""
"A long text over "
"two lines with \"quotes\"\n"
msgstr ""
"Een lange tekst over "
"twee regels met \"aanhalingstekens\"\n"

#, fuzzy
msgid "Delayed"
msgstr "Vertraging?"

msgid "Not translated yet"
msgstr ""

#~ msgid "Old"
#~ msgstr "Oud"
"""


def compile_po(po: Path, mo: Path) -> None:
    subprocess.run(["msgfmt", "--check-format", "-o", str(mo), str(po)], check=True)


class TranslationsCompiledTestCase(SimpleTestCase):
    def setUp(self):
        self.locale = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.locale)
        self.messages = self.locale / "nl" / "LC_MESSAGES"
        self.messages.mkdir(parents=True)
        self.po = self.messages / "django.po"
        self.mo = self.messages / "django.mo"
        shutil.copy(MESSAGES / "django.po", self.po)

    def check(self):
        with override_settings(LOCALE_PATHS=[self.locale]):
            return [error.id for error in run_checks() if error.id.startswith("plan.")]

    def test_the_committed_catalogue_is_in_step_with_its_po(self):
        self.assertEqual(translations_compiled(), [])

    def test_it_passes_a_freshly_compiled_catalogue(self):
        compile_po(self.po, self.mo)
        self.assertEqual(self.check(), [])

    def test_it_reports_a_missing_catalogue(self):
        self.assertEqual(self.check(), ["plan.E001"])

    def test_it_reports_a_catalogue_older_than_its_po(self):
        compile_po(self.po, self.mo)
        text = self.po.read_text(encoding="utf-8")
        self.po.write_text(
            text.replace('msgstr "Loopt volgens planning"', 'msgstr "Op schema"'),
            encoding="utf-8",
        )
        self.assertEqual(self.check(), ["plan.E002"])
        with override_settings(LOCALE_PATHS=[self.locale]):
            (error,) = translations_compiled()
        self.assertIn("1 messages differ ('On track')", error.msg)

    def test_it_reports_a_translation_added_to_the_po_only(self):
        compile_po(self.po, self.mo)
        with self.po.open("a", encoding="utf-8") as po:
            po.write('\nmsgid "A new sentence"\nmsgstr "Een nieuwe zin"\n')
        self.assertEqual(self.check(), ["plan.E002"])

    def test_it_reads_a_po_file_as_msgfmt_compiles_it(self):
        self.po.write_text(SAMPLE, encoding="utf-8")
        compile_po(self.po, self.mo)
        self.assertEqual(po_catalogue(self.po), mo_catalogue(self.mo))
        self.assertEqual(
            po_catalogue(self.po),
            {
                "On track": "Loopt volgens planning",
                "effort\x04Status": "Stand",
                ("%(count)d effort", 0): "%(count)d inspanning",
                ("%(count)d effort", 1): "%(count)d inspanningen",
                'A long text over two lines with "quotes"\n': (
                    'Een lange tekst over twee regels met "aanhalingstekens"\n'
                ),
            },
        )
