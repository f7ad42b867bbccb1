"""Form widgets for content that only exists in Dutch."""

from django import forms
from django.utils import translation

from .content import CONTENT_LANGUAGE


class OneTemplateSelect(forms.Select):
    """A select that renders its options in its own template rather than including one
    template per option: the same HTML, in a fraction of the time for long lists."""

    template_name = "plan/widgets/select.html"


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
