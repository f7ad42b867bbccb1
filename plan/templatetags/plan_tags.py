from django import template
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html

from plan import content as plan_content
from plan.models import Effort

register = template.Library()


@register.filter
def status_label(code: str) -> str:
    """The translated label of a status code kept in a snapshot."""
    try:
        return Effort.Status(code).label
    except ValueError:
        return code


@register.filter(name="localized")
def localized_filter(source, field: str) -> str:
    """Plain text of a content field in the page's language (Dutch when there is no English
    version): for attributes and <title>, where no `lang` can be set."""
    return plan_content.localized_text(source, field)


@register.simple_tag
def content(source, field: str):
    """A content field in the page's language, escaped. Dutch text on an English page is
    wrapped in <span lang="nl"> so screen readers pronounce it as Dutch (WCAG 3.1.2)."""
    text, language = plan_content.localized(source, field)
    if language != translation.get_language():
        return format_html('<span lang="{}">{}</span>', language, text)
    return format_html("{}", text)


@register.filter
def dutch(text):
    """Content that only exists in Dutch (team names, notes), marked as Dutch on a page in
    another language; on a Dutch page it is plain escaped text."""
    return plan_content.marked_dutch(text)


@register.simple_tag
def portal_url(view_name: str, *args) -> str:
    """The absolute address of a page, for e-mails: settings.PORTAL_URL and the path."""
    return settings.PORTAL_URL + reverse(view_name, args=args)
