"""Plan content is written in Dutch; titles and ambitions may also have an English version.

A field `name` may have a sibling `name_en`. In the English interface the English version is
shown when it is filled in, and the Dutch text otherwise; `localized` says which language the
text it returns is in, so pages can mark Dutch text inside an English page with `lang="nl"`.
Works on models and on the plain dicts of an adopted plan's snapshot alike.
"""

from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import mark_safe

CONTENT_LANGUAGE = "nl"
ENGLISH = "en"


def _get(source, name: str):
    if isinstance(source, dict):
        return source.get(name)
    return getattr(source, name, None)


def localized(source, field: str) -> tuple[str, str]:
    """(text, language) of `field` in the active language, falling back to Dutch."""
    if translation.get_language() == ENGLISH:
        english = _get(source, f"{field}_en")
        if english:
            return english, ENGLISH
    return _get(source, field) or "", CONTENT_LANGUAGE


def localized_text(source, field: str) -> str:
    return localized(source, field)[0]


def marked_dutch(text):
    """Escaped Dutch text, wrapped in <span lang="nl"> when the page is in another language."""
    return dutch_marker()(text)


def dutch_marker():
    """marked_dutch for the active language, which it looks up once: for long lists."""
    if translation.get_language() == CONTENT_LANGUAGE:
        return lambda text: escape(text if text is not None else "")
    span = f'<span lang="{CONTENT_LANGUAGE}">'
    return lambda text: mark_safe(f"{span}{escape(text)}</span>") if text else ""


def content_lang():
    """' lang="nl"' for an element holding Dutch content on a page in another language."""
    return mark_safe(' lang="nl"') if translation.get_language() != CONTENT_LANGUAGE else ""
