"""Formatted text written in the portal (the annual report's foreword, introductions and
outlook): paragraphs, lists, bold, italics and links, nothing else.

The editor writes limited HTML in a plain textarea; a blank line starts a new paragraph when
the text holds no paragraphs or lists of its own. We chose HTML over a Markdown dialect
because nh3 (a maintained sanitiser, Rust's ammonia) makes it safe in one call and we need
no parser of our own. The text is sanitised when it is stored (`richtext_clean`) and again
when it is shown (`richtext_html`): that is cheap, and it also defends against rows written
around the form (the shell, a restored backup, an old snapshot).
"""

import re

import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {"p", "br", "ul", "ol", "li", "strong", "em", "a"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "noopener noreferrer"

_BLOCKS = re.compile(r"<\s*(p|ul|ol)[\s>]", re.IGNORECASE)
_BLANK_LINE = re.compile(r"\n\s*\n")


def richtext_clean(text: str) -> str:
    """`text` with every tag, attribute and link scheme outside the allowed few removed
    (the content of <script> and <style> too). What is stored."""
    if not text:
        return ""
    return nh3.clean(
        text.replace("\r\n", "\n"),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    ).strip()


def richtext_html(text: str) -> SafeString:
    """Stored text as HTML to show: plain paragraphs (split at blank lines) put in <p>, then
    sanitised again, so only the allowed tags can ever reach a page or the PDF."""
    text = (text or "").replace("\r\n", "\n").strip()
    if text and not _BLOCKS.search(text):
        paragraphs = _BLANK_LINE.split(text)
        text = "".join(f"<p>{p.strip().replace(chr(10), '<br>')}</p>" for p in paragraphs)
    return mark_safe(richtext_clean(text))  # noqa: S308 - sanitised by nh3 just now
