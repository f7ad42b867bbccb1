import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse

from tests.base import BaseTestCase

CATALOGUE = Path(settings.BASE_DIR, "locale", "nl", "LC_MESSAGES", "django.po")


class LanguageTestCase(BaseTestCase):
    def test_dutch_is_the_default_whatever_the_browser_asks(self):
        self.client.force_login(self.alice)
        r = self.client.get(reverse("plan:effort-list"), HTTP_ACCEPT_LANGUAGE="en-US,en")
        self.assertContains(r, '<html lang="nl">')
        self.assertContains(r, "Inspanningen")

    def test_the_language_switch_persists_english(self):
        self.client.force_login(self.alice)
        r = self.client.post(reverse("set_language"), {"language": "en", "next": "/efforts/"})
        self.assertRedirects(r, "/efforts/")
        r = self.client.get(reverse("plan:overview"))
        self.assertContains(r, '<html lang="en">')
        self.assertContains(r, "On track")
        self.assertNotContains(r, "Loopt volgens planning")


class CatalogueTestCase(BaseTestCase):
    def test_every_dutch_message_is_translated(self):
        text = CATALOGUE.read_text(encoding="utf-8")
        entries = text.split("\n\n")[1:]  # the first entry is the header
        untranslated = [
            entry.splitlines()[-1]
            for entry in entries
            if re.search(r'^msgstr(\[\d\])? ""$', entry, re.M)
            and '\n"' not in entry.split("msgstr", 1)[1]
        ]
        fuzzy = [entry for entry in entries if "#, fuzzy" in entry]
        self.assertEqual(untranslated, [])
        self.assertEqual(fuzzy, [])
