import os
import re
import shutil
import tempfile
from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.test import SimpleTestCase, override_settings
from django.urls import reverse

from plan.models import Plan, Spearhead, TargetGroup, Team
from tests.base import BaseTestCase
from tests.test_url_walk import UrlWalkBase, walk

CATALOGUE = Path(settings.BASE_DIR, "locale", "nl", "LC_MESSAGES", "django.po")
SOURCES = ["leiden_intl", "plan", "reporting", "templates", "locale"]
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


def catalogue_problems(path: Path) -> tuple[list[str], list[str]]:
    """(untranslated msgids, fuzzy entries) of a .po file."""
    entries = path.read_text(encoding="utf-8").split("\n\n")[1:]  # [0] is the header
    untranslated = [
        entry.splitlines()[-1]
        for entry in entries
        if re.search(r'^msgstr(\[\d\])? ""$', entry, re.M)
        and '\n"' not in entry.split("msgstr", 1)[1]
    ]
    fuzzy = [entry for entry in entries if "#, fuzzy" in entry]
    return untranslated, fuzzy


def dutch_phrases() -> set[str]:
    """Dutch interface text: each translation (or the parts between its placeholders) that
    differs from the English and is long enough not to be a name or a number."""
    phrases = set()
    text = CATALOGUE.read_text(encoding="utf-8")
    for msgid, msgstr in re.findall(r'^msgid "(.*)"\nmsgstr "(.+)"$', text, re.M):
        for part in re.split(r"%\(\w+\)\w|%\w|\{[^}]*\}", msgstr):
            part = part.strip(" .:,;()–-")
            if len(part) >= 8 and part not in msgid:
                phrases.add(part)
    return phrases


class VisibleText(HTMLParser):
    """The text of a page outside elements marked lang="nl" (Dutch content is allowed)."""

    def __init__(self):
        super().__init__()
        self.stack: list[bool] = []  # per open element: is it (inside) Dutch?
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            if not self.dutch and tag == "input" and ("type", "submit") in attrs:
                self.parts.append(dict(attrs).get("value") or "")
            return
        self.stack.append(self.dutch or ("lang", "nl") in attrs or tag in ("script", "style"))

    def handle_endtag(self, tag):
        if tag not in VOID and self.stack:
            self.stack.pop()

    @property
    def dutch(self) -> bool:
        return bool(self.stack) and self.stack[-1]

    def handle_data(self, data):
        if not self.dutch:
            self.parts.append(data)

    def text(self) -> str:
        return " ".join(" ".join(self.parts).split())


def english_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return parser.text()


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

    def test_a_visitor_switches_to_english_before_logging_in(self):
        r = self.client.post(
            reverse("set_language"), {"language": "en", "next": "/accounts/login/"}
        )
        self.assertRedirects(r, "/accounts/login/")
        r = self.client.get(reverse("login"))
        self.assertContains(r, '<html lang="en">')
        self.assertContains(r, "Log in")

    def test_dates_and_numbers_follow_the_language(self):
        self.client.force_login(self.alice)
        url = reverse("plan:effort-detail", args=[self.effort.pk])
        self.assertContains(self.client.get(url), "31 december 2024")
        self.client.post(reverse("set_language"), {"language": "en", "next": "/"})
        self.assertContains(self.client.get(url), "31 December 2024")


class CatalogueTestCase(SimpleTestCase):
    def test_every_dutch_message_is_translated(self):
        untranslated, fuzzy = catalogue_problems(CATALOGUE)
        self.assertEqual(untranslated, [])
        self.assertEqual(fuzzy, [])

    def test_makemessages_finds_no_string_without_a_translation(self):
        """Run makemessages over a copy of the sources: a new interface string that was not
        added to the catalogue and translated shows up here as untranslated."""
        with tempfile.TemporaryDirectory() as tmp:
            for name in SOURCES:
                shutil.copytree(Path(settings.BASE_DIR, name), Path(tmp, name))
            catalogue = Path(tmp, "locale", "nl", "LC_MESSAGES", "django.po")
            cwd = os.getcwd()
            os.chdir(tmp)
            try:
                with override_settings(LOCALE_PATHS=[Path(tmp, "locale")]):
                    call_command("makemessages", locale=["nl"], no_obsolete=True, verbosity=0)
            finally:
                os.chdir(cwd)
            untranslated, fuzzy = catalogue_problems(catalogue)
        self.assertEqual(untranslated, [], "run `make makemessages` and translate these")
        self.assertEqual(fuzzy, [], "check and unflag these guesses of makemessages")


class EnglishInterfaceTestCase(UrlWalkBase):
    """English is the source language of every interface string, so its catalogue is the
    messages themselves. What can go wrong is Dutch text that does not come from the catalogue
    (typed into a template) or a string left out of it: every page in English, as every role,
    must contain no Dutch interface phrase outside content marked lang="nl"."""

    def test_every_page_in_english_has_no_dutch_interface_text(self):
        phrases = dutch_phrases()
        content = sorted(
            {
                *Plan.objects.values_list("title", flat=True),
                *Spearhead.objects.values_list("name", flat=True),
                *Team.objects.values_list("name", flat=True),
                *TargetGroup.objects.values_list("name", flat=True),
            },
            key=len,
            reverse=True,
        )
        self.assertGreater(len(phrases), 300)
        checked = 0
        for name, _converters in sorted(dict(walk()).items()):
            url = reverse(name, args=self.args_for(name))
            for user in self.users.values():
                self.client.force_login(user)
                self.client.cookies.load({settings.LANGUAGE_COOKIE_NAME: "en"})
                r = self.client.get(url)
                if r.status_code != 200 or "text/html" not in r.get("Content-Type", ""):
                    continue
                checked += 1
                text = english_text(r.content.decode())
                for value in content:  # Dutch content in places without markup (<title>)
                    text = text.replace(value, "")
                found = [
                    text[max(0, text.find(phrase) - 40) : text.find(phrase) + len(phrase) + 20]
                    for phrase in sorted(phrases)
                    if phrase in text
                ]
                self.assertEqual(found, [], f"Dutch interface text on {url} as {user}")
        self.assertGreater(checked, 60)
        print(f"English interface: {checked} pages (URL × role) free of Dutch phrases")
