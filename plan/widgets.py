"""Form widgets written in Python (hot pages), and for content that only exists in Dutch."""

import html

from django import forms
from django.forms.boundfield import BoundField
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .content import content_lang


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
        return content_lang()


class CheckboxList(forms.CheckboxSelectMultiple):
    """Checkboxes in Bootstrap's markup (a div.form-check per option), written in Python
    rather than through Django's per-option templates and dicts. Shown by
    plan_tags.form_fields inside a fieldset whose legend is the field's label. The
    attributes (class, aria-invalid) go on every checkbox; options are not grouped."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        id_ = attrs.pop("id", None)
        shared = flatatt(attrs)
        chosen = set(self.format_value(value))
        label_attrs = self.label_attrs()
        name = html.escape(name)
        items = []
        for index, (option_value, option_label) in enumerate(self.choices):
            option_value = "" if option_value is None else str(option_value)
            id_attr = f' id="{html.escape(id_)}_{index}"' if id_ else ""
            for_attr = f' for="{html.escape(id_)}_{index}"' if id_ else ""
            checked = " checked" if option_value in chosen else ""
            items.append(
                f'<div class="form-check"><input type="checkbox" name="{name}" '
                f'value="{html.escape(option_value)}"{shared}{id_attr}{checked}>'
                f'<label class="form-check-label"{for_attr}{label_attrs}>'
                f"{html.escape(str(option_label))}</label></div>"
            )
        return mark_safe(f"<div>{''.join(items)}</div>")

    def label_attrs(self) -> str:
        """The attributes (HTML) of every option's label."""
        return ""


class DutchCheckboxList(CheckboxList):
    """Checkboxes of Dutch names or texts (goals, partners, target groups): on a page in
    another language each label is marked lang="nl"."""

    def label_attrs(self) -> str:
        return content_lang()


class BootstrapBoundField(BoundField):
    """A field whose widget is marked `is-invalid` (Bootstrap's red border) when the field
    has errors; Django itself adds aria-invalid and aria-describedby."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if self.errors and not widget.is_hidden:
            css = attrs.get("class", widget.attrs.get("class", ""))
            attrs["class"] = f"{css} is-invalid".strip()
        return attrs


def bootstrap_classes(form) -> None:
    """Give a form's widgets Bootstrap's classes, for forms written with plain markup
    (plan_tags.form_fields) instead of crispy-forms on pages that must be fast.
    Call it before validating the form: its fields then mark their errors (is-invalid)."""
    form.bound_field_class = BootstrapBoundField
    for field in form.fields.values():
        widget = field.widget
        if widget.is_hidden:
            continue
        if getattr(widget, "input_type", None) in ("checkbox", "radio"):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs.setdefault("class", css)
