"""System checks: the compiled translations are present and say what their catalogues say.

The Dutch interface comes from locale/nl/LC_MESSAGES/django.mo, compiled from django.po and
committed beside it. A missing .mo shows the interface in English on pages marked lang="nl" and
makes the import refuse Dutch status labels; a stale one shows old wording. Both are errors, so
`manage.py check`, `migrate` and `runserver` stop on them. The catalogues are compared by
content, not by modification time: a git checkout does not keep file times.
"""

import gettext
import re
from pathlib import Path

from django.conf import settings
from django.core.checks import Error

FIELD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+"(.*)"\s*$')
CONTINUATION = re.compile(r'^"(.*)"\s*$')
ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b"}


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m[1], m[1]), text)


def po_catalogue(path: Path) -> dict:
    """The translations msgfmt compiles from a .po file (translated, not fuzzy, no header),
    keyed the way gettext.GNUTranslations keys its catalogue: "context\\x04msgid" for an
    entry with a context, (msgid, n) for each plural form."""
    catalogue = {}
    entry: dict = {}
    fuzzy = False
    field = None

    def flush():
        msgid = entry.get("msgid")
        if msgid and not fuzzy:
            key = f"{entry['msgctxt']}\x04{msgid}" if "msgctxt" in entry else msgid
            if "msgid_plural" in entry:
                forms = sorted((k, v) for k, v in entry.items() if isinstance(k, int))
                if forms and all(text for _, text in forms):
                    catalogue.update({(key, n): text for n, text in forms})
            elif entry.get("msgstr"):
                catalogue[key] = entry["msgstr"]

    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#~"):  # obsolete entries are not compiled
            field = None
            continue
        if line.startswith("#"):
            if line.startswith("#,") and "fuzzy" in line:
                flush()
                entry, fuzzy, field = {}, True, None
            continue
        if match := FIELD.match(line):
            name, form, text = match.groups()
            starts_entry = name in ("msgctxt", "msgid")
            if starts_entry and any(k == "msgstr" or isinstance(k, int) for k in entry):
                flush()
                entry, fuzzy = {}, False
            field = int(form) if form is not None else name
            entry[field] = unescape(text)
        elif (match := CONTINUATION.match(line)) and field is not None:
            entry[field] += unescape(match[1])
    flush()
    return catalogue


def mo_catalogue(path: Path) -> dict:
    """The translations in a compiled .mo file, without its header."""
    with path.open("rb") as file:
        translations = gettext.GNUTranslations(file)
    return {key: text for key, text in translations._catalog.items() if key != ""}


def translations_compiled(app_configs=None, **kwargs) -> list[Error]:
    errors = []
    for locale_dir in settings.LOCALE_PATHS:
        for po in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
            mo = po.with_suffix(".mo")
            hint = (
                "Compile the catalogue with `make messages` (manage.py compilemessages) "
                "and commit the .mo file with the .po file."
            )
            if not mo.is_file():
                errors.append(Error(f"{mo} is missing.", hint=hint, id="plan.E001"))
                continue
            expected, compiled = po_catalogue(po), mo_catalogue(mo)
            if compiled != expected:
                differ = sorted(
                    str(key[0] if isinstance(key, tuple) else key)
                    for key in expected.keys() | compiled.keys()
                    if expected.get(key) != compiled.get(key)
                )
                examples = ", ".join(repr(msgid) for msgid in differ[:3])
                errors.append(
                    Error(
                        f"{mo} is out of step with {po.name}: {len(differ)} messages differ "
                        f"({examples}).",
                        hint=hint,
                        id="plan.E002",
                    )
                )
    return errors
