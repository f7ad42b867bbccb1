"""Form widgets for content that only exists in Dutch."""

from django import forms
from django.forms.utils import flatatt
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .content import CONTENT_LANGUAGE


class OneTemplateSelect(forms.Select):
    """A select written in Python rather than through Django's widget templates (one
    included template per option): the same HTML, in a fraction of the time."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = []
        for group_name, group_choices, _index in widget["optgroups"]:
            items = "".join(
                f'<option value="{escape(option["value"])}"{flatatt(option["attrs"])}>'
                f"{escape(option['label'])}</option>"
                for option in group_choices
            )
            options.append(
                f'<optgroup label="{escape(group_name)}">{items}</optgroup>'
                if group_name
                else items
            )
        attrs_html = flatatt(widget["attrs"])
        return mark_safe(
            f'<select name="{escape(widget["name"])}"{attrs_html}>{"".join(options)}</select>'
        )


class DutchOptionsSelect(OneTemplateSelect):
    """A select of Dutch names (teams, target groups): on a page in another language each
    option but the empty one is marked lang="nl", so a screen reader reads it as Dutch."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value not in ("", None) and translation.get_language() != CONTENT_LANGUAGE:
            option["attrs"]["lang"] = CONTENT_LANGUAGE
        return option


def bootstrap_classes(form) -> None:
    """Give a form's widgets Bootstrap's classes, for forms written with plain markup
    (templates/_form_fields.html) instead of crispy-forms on pages that must be fast."""
    for field in form.fields.values():
        widget = field.widget
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs.setdefault("class", css)
