"""Form widgets for content that only exists in Dutch."""

import html

from django import forms
from django.forms.utils import flatatt
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .content import CONTENT_LANGUAGE


class OneTemplateSelect(forms.Select):
    """A select written in Python rather than through Django's widget templates and option
    dicts (one included template and one dict per option): the same HTML, in a fraction of
    the time. Options may be grouped; a single value is selected, as Django's Select does."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = self.format_value(value)
        extra = self.option_attrs()
        options = []
        for option_value, option_label in self.choices:
            if isinstance(option_label, list | tuple):  # a group of options
                items = "".join(self._option(v, label, chosen, extra) for v, label in option_label)
                options.append(f'<optgroup label="{escape(option_value)}">{items}</optgroup>')
            else:
                options.append(self._option(option_value, option_label, chosen, extra))
        attrs_html = flatatt(self.build_attrs(self.attrs, attrs))
        return mark_safe(f'<select name="{escape(name)}"{attrs_html}>{"".join(options)}</select>')

    @staticmethod
    def _option(value, label, chosen: list[str], extra: str) -> str:
        # plain strings and the standard library's escape (what Django's wraps): per option
        # flatatt and the lazy-aware escape were most of a select's cost
        value = "" if value is None else str(value)
        selected = " selected" if chosen and value == chosen[0] else ""
        extra = extra if value else ""
        return (
            f'<option value="{html.escape(value)}"{extra}{selected}>'
            f"{html.escape(str(label))}</option>"
        )

    def option_attrs(self) -> str:
        """The attributes (HTML) of every option but the empty one, beside `selected`:
        looked up once per select (a team select at 100x has 400 options)."""
        return ""


class DutchOptionsSelect(OneTemplateSelect):
    """A select of Dutch names (teams, target groups): on a page in another language each
    option but the empty one is marked lang="nl", so a screen reader reads it as Dutch."""

    def option_attrs(self) -> str:
        if translation.get_language() != CONTENT_LANGUAGE:
            return f' lang="{CONTENT_LANGUAGE}"'
        return ""


def bootstrap_classes(form) -> None:
    """Give a form's widgets Bootstrap's classes, for forms written with plain markup
    (templates/_form_fields.html) instead of crispy-forms on pages that must be fast."""
    for field in form.fields.values():
        widget = field.widget
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs.setdefault("class", css)
