"""Forms of the plan: they only validate (STYLE.md section 5)."""

import re
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib.auth.models import User
from django.db.models import F, Q, Value, Window
from django.db.models.functions import RowNumber
from django.forms.models import ModelChoiceIterator
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.html import escape
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .content import localized_text, marked_dutch
from .models import (
    MONITOR_FIRST_YEAR,
    TEXT_MAX_LENGTH,
    Effort,
    Goal,
    Indicator,
    IndicatorValue,
    Milestone,
    ProgressUpdate,
    SteeringRound,
)
from .spreadsheet.files import check_workbook, read_upload
from .spreadsheet.values import decimal_text
from .widgets import DutchCheckboxList, DutchOptionsSelect, OneTemplateSelect

MONITOR_YEARS_AHEAD = 10  # a figure's year may be up to this many years from now

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class IsoDateInput(forms.DateInput):
    """<input type="date">; a typed value that is no date is not written back into it (a
    date input holds only a valid YYYY-MM-DD; the error beside the field says what was
    wrong)."""

    input_type = "date"

    def format_value(self, value):
        formatted = super().format_value(value)
        if formatted and not ISO_DATE.fullmatch(str(formatted)):
            return None
        return formatted


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
DATE_INPUT = IsoDateInput(format="%Y-%m-%d")


class ValuesChoiceIterator(ModelChoiceIterator):
    """(pk, label) choices read with values_list: no model instance per option. The field
    names the columns (`label_fields`) and writes the label from them (`label_from_values`).
    A field in `OptionLists` reads its options together with the others there."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        label = self.field.label_from_values
        together = getattr(self.field, "option_lists", None)
        if together is not None:
            rows = together.rows(self.field)
        else:
            rows = self.queryset.values_list("pk", *self.field.label_fields)
        for pk, *values in rows:
            yield (pk, label(*values))


class OptionLists:
    """The options of several ValuesChoices fields of one form, labelled by one column each,
    read in one query (UNION ALL, each list numbered in its own order) the first time one of
    them is shown: a form with teams, partners, target groups and users makes one round trip
    instead of four. Validating a chosen value is each field's own query, as before. Building
    the union costs the ORM more than two plain queries (about 0.3 ms): worth it from three
    lists on, not for the filters' two.

        OptionLists(form.fields["team"], form.fields["target_group"])
    """

    def __init__(self, *fields):
        self.fields = fields
        self._rows = None
        for field in fields:
            if len(field.label_fields) != 1:
                raise ValueError(f"{field!r}: one label column to read options together")
            field.option_lists = self

    def rows(self, field) -> list[tuple]:
        if self._rows is None:
            self._rows = self._read()
        return self._rows[self.fields.index(field)]

    def _read(self) -> list[list[tuple]]:
        parts = []
        for number, field in enumerate(self.fields):
            queryset = field.queryset
            ordering = queryset.query.order_by or queryset.model._meta.ordering or ["pk"]
            position = Window(RowNumber(), order_by=[_order(name) for name in ordering])
            parts.append(
                queryset.order_by()
                .annotate(list_number=Value(number), position=position)
                .values_list("list_number", "position", "pk", field.label_fields[0])
            )
        lists: list[list[tuple]] = [[] for _field in self.fields]
        union = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
        for number, _position, pk, label in sorted(union, key=lambda row: row[:2]):
            lists[number].append((pk, label))
        return lists


def _order(name: str):
    """An ordering as a queryset's order_by names it ("name", "-name") as an expression."""
    return F(name[1:]).desc() if name.startswith("-") else F(name).asc()


class ValuesChoices:
    """For a ModelChoiceField or ModelMultipleChoiceField: its options from plain values.
    Validation is the field's own (the chosen pk must be in the queryset)."""

    iterator = ValuesChoiceIterator
    label_fields = ("name",)

    def label_from_values(self, *values) -> str:
        return str(values[0])


class NameChoiceField(ValuesChoices, forms.ModelChoiceField):
    """Teams: labelled by name, as Team.__str__ is."""


class NameMultipleChoiceField(ValuesChoices, forms.ModelMultipleChoiceField):
    """Partners, target groups: labelled by name, as their __str__ is."""


class UserChoiceField(ValuesChoices, forms.ModelChoiceField):
    """Users, labelled by their username as User.__str__ is."""

    label_fields = (User.USERNAME_FIELD,)


class SpearheadChoiceField(ValuesChoices, forms.ModelChoiceField):
    """Spearheads, labelled as Spearhead.__str__ is: "N. name" in the page's language."""

    label_fields = ("number", "name", "name_en")

    def label_from_values(self, number, name, name_en) -> str:
        return f"{number}. {localized_text({'name': name, 'name_en': name_en}, 'name')}"


class GoalLabelChoiceField(ValuesChoices, forms.ModelChoiceField):
    """One goal, labelled as Goal.__str__ is: its code and its text in the page's
    language."""

    label_fields = ("spearhead__number", "number", "text", "text_en")

    def label_from_values(self, spearhead_number, number, text, text_en) -> str:
        text = localized_text({"text": text, "text_en": text_en}, "text")
        return f"{spearhead_number}.{number} {text}"


class GoalChoiceField(ValuesChoices, forms.ModelMultipleChoiceField):
    label_fields = ("spearhead__number", "number", "text")

    def label_from_values(self, spearhead_number, number, text) -> str:
        return f"{spearhead_number}.{number} {text}"  # Goal.code and its text


class EffortForm(forms.ModelForm):
    """What a steering-group member edits on their own team's efforts."""

    version = forms.IntegerField(label=_("version"), widget=forms.HiddenInput)
    goals = GoalChoiceField(
        label=_("Contributes to goals"),
        queryset=Goal.objects.all(),
        widget=DutchCheckboxList,
        required=False,
    )

    class Meta:
        model = Effort
        fields = [
            "title",
            "title_en",
            "description",
            "description_en",
            "status",
            "progress",
            "note",
            "start",
            "end",
            "goals",
            "partners",
            "target_groups",
            "international_role",
            "policy_relation",
            "financing",
        ]
        widgets = {
            "start": DATE_INPUT,
            "end": DATE_INPUT,
            "description": forms.Textarea(attrs={"rows": 4}),
            # English versions: screen readers and spell checkers read them as English
            "title_en": forms.TextInput(attrs={"lang": "en"}),
            "description_en": forms.Textarea(attrs={"rows": 4, "lang": "en"}),
            "note": forms.Textarea(attrs={"rows": 3}),
            "international_role": forms.Textarea(attrs={"rows": 2}),
            "policy_relation": forms.Textarea(attrs={"rows": 2}),
            "partners": DutchCheckboxList,
            "target_groups": DutchCheckboxList,
            "status": OneTemplateSelect,
            "financing": OneTemplateSelect,
        }
        field_classes = {
            "partners": NameMultipleChoiceField,
            "target_groups": NameMultipleChoiceField,
        }

    options_together = ("partners", "target_groups")  # their options in one query

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        OptionLists(*(self.fields[name] for name in self.options_together))
        self.fields["status"].choices = Effort.Status.choices  # no empty choice
        self.fields["progress"].widget.attrs.update({"min": 0, "max": 100})
        if self.instance.spearhead_id:  # the goals of the effort's own plan: a later plan
            goals = self.fields["goals"]  # has goals of the same numbers
            goals.queryset = goals.queryset.filter(
                spearhead__plan__spearheads=self.instance.spearhead_id
            )
        if not self.is_bound:
            self.initial["version"] = self.instance.version


class EffortManageForm(EffortForm):
    """The programme manager also decides team, lead, priority and 'in the line'."""

    class Meta(EffortForm.Meta):
        fields = [*EffortForm.Meta.fields, "team", "lead", "is_priority", "in_line"]
        widgets = {**EffortForm.Meta.widgets, "team": DutchOptionsSelect, "lead": OneTemplateSelect}
        field_classes = {
            **EffortForm.Meta.field_classes,
            "team": NameChoiceField,
            "lead": UserChoiceField,
        }

    options_together = (*EffortForm.options_together, "team", "lead")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        lead = self.fields["lead"]
        lead.queryset = lead.queryset.order_by(User.USERNAME_FIELD)  # as they are labelled


class ProgressUpdateForm(forms.ModelForm):
    class Meta:
        model = ProgressUpdate
        fields = ["status", "progress", "note", "next_steps", "risks"]
        widgets = {
            "note": forms.Textarea(attrs={"rows": 4}),
            "next_steps": forms.Textarea(attrs={"rows": 3}),
            "risks": forms.Textarea(attrs={"rows": 3}),
            "status": OneTemplateSelect,
        }
        help_texts = {
            "note": _("What happened since the last meeting. Shown in the annual report."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "---------"), *Effort.Status.choices]
        self.fields["progress"].widget.attrs.update({"min": 0, "max": 100})


class RoundEffortsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} {localized_text(obj, 'title')} ({obj.get_status_display()})"


class SteeringRoundForm(forms.ModelForm):
    """A new round: its dates, and the efforts that take part. The running efforts of the
    plan are ticked; efforts that ended in the past year are listed, unticked, in case one
    still reports; older ones are not offered."""

    efforts = RoundEffortsField(
        label=_("Efforts that take part"),
        queryset=Effort.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The running efforts are ticked."),
        error_messages={"required": _("Choose at least one effort.")},
    )

    class Meta:
        model = SteeringRound
        fields = ["meeting_date", "deadline"]
        widgets = {"meeting_date": DATE_INPUT, "deadline": DATE_INPUT}

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        ended = [Effort.Status.DONE, Effort.Status.STOPPED]
        year_ago = timezone.now() - timedelta(days=365)
        offered = (
            Effort.objects.filter(spearhead__plan=plan)
            .filter(~Q(status__in=ended) | Q(updated__gte=year_ago))
            .select_related("spearhead")
            .order_by("spearhead__number", "number")
        )
        self.fields["efforts"].queryset = offered
        self.fields["efforts"].initial = [e.pk for e in offered if e.status not in ended]

    def clean_meeting_date(self):
        meeting_date = self.cleaned_data["meeting_date"]
        if meeting_date < timezone.localdate():
            raise forms.ValidationError(_("The meeting date has passed; choose a later date."))
        return meeting_date


class RoundReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for reopening"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_MAX_LENGTH,
        help_text=_("The round keeps the reason with your name and the date."),
    )


MINUTES_TYPES = (".pdf", ".docx", ".odt")
MINUTES_MAX_BYTES = 10 * 1024 * 1024


class SteeringRoundMeetingForm(forms.ModelForm):
    """What the meeting produced: advice, decisions and the minutes."""

    def clean_minutes(self):
        minutes = self.cleaned_data.get("minutes")
        if minutes and hasattr(minutes, "size"):
            if not minutes.name.lower().endswith(MINUTES_TYPES):
                raise forms.ValidationError(
                    _("Upload the minutes as PDF, Word (.docx) or OpenDocument (.odt).")
                )
            if minutes.size > MINUTES_MAX_BYTES:
                raise forms.ValidationError(_("The minutes may be at most 10 MB."))
        return minutes

    class Meta:
        model = SteeringRound
        fields = ["advice", "decisions", "minutes"]
        widgets = {
            "advice": forms.Textarea(attrs={"rows": 4}),
            "decisions": forms.Textarea(attrs={"rows": 4}),
            "minutes": forms.FileInput,  # the current file is linked above the form
        }


class ImportUploadForm(forms.Form):
    """A spreadsheet to import. Cleaning checks the file itself (not its rows): its cleaned
    value is the file's bytes."""

    file = forms.FileField(
        label=_("Spreadsheet (.xlsx)"),
        help_text=format_lazy(
            _(
                "An Excel workbook with the sheet {sheet} (and optionally Monitor), as the "
                "export writes it. At most 10 MB and 10,000 rows."
            ),
            sheet=lazy(lambda: marked_dutch("Inspanningen"), str)(),  # rendered |safe by crispy
        ),
        widget=forms.FileInput(attrs={"accept": f".xlsx,{XLSX_CONTENT_TYPE}"}),
    )

    def clean_file(self) -> bytes:
        data = read_upload(self.cleaned_data["file"])
        check_workbook(data)  # raises FileRefused, a ValidationError
        return data


RICHTEXT_HELP = _(
    "A blank line starts a new paragraph. You may use <strong>, <em>, lists (<ul> or <ol> "
    'with <li>) and links (<a href="https://…">); any other markup is removed.'
)
ENGLISH_HELP = _("Optional. Without it the English report shows the Dutch text.")


def _richtext_field(label, *, english=False):
    """Built per request: crispy renders help texts as HTML, so the tags it names are
    escaped here, in the active language."""
    help_text = f"{ENGLISH_HELP} {RICHTEXT_HELP}" if english else str(RICHTEXT_HELP)
    return forms.CharField(
        label=label,
        required=False,
        max_length=TEXT_MAX_LENGTH,
        help_text=escape(help_text),
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class YearNarrativeForm(forms.Form):
    """The annual report's texts of one year: foreword, an introduction per spearhead and
    the outlook, each in Dutch and optionally in English. `version` is the version the
    editor started from (0 when there were no texts yet)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, spearheads, **kwargs):
        super().__init__(*args, **kwargs)
        self.spearheads = list(spearheads)
        self.fields["foreword"] = _richtext_field(_("Foreword (by the alderman)"))
        self.fields["foreword_en"] = _richtext_field(_("Foreword in English"), english=True)
        for spearhead in self.spearheads:
            name = {"number": spearhead.number, "name": localized_text(spearhead, "name")}
            self.fields[f"intro_{spearhead.pk}"] = _richtext_field(
                gettext("Spearhead %(number)s: %(name)s – what we achieved and learned") % name
            )
            self.fields[f"intro_{spearhead.pk}_en"] = _richtext_field(
                gettext("Spearhead %(number)s in English") % name, english=True
            )
        self.fields["outlook"] = _richtext_field(_("Outlook"))
        self.fields["outlook_en"] = _richtext_field(_("Outlook in English"), english=True)

    def texts(self) -> dict[str, str]:
        return {
            field: self.cleaned_data[field]
            for field in ("foreword", "foreword_en", "outlook", "outlook_en")
        }

    def intros(self) -> dict[int, tuple[str, str]]:
        return {
            s.pk: (self.cleaned_data[f"intro_{s.pk}"], self.cleaned_data[f"intro_{s.pk}_en"])
            for s in self.spearheads
        }

    @staticmethod
    def initial_from(narrative, spearheads) -> dict:
        if narrative is None:
            return {"version": 0}
        initial = {"version": narrative.version}
        for field in ("foreword", "foreword_en", "outlook", "outlook_en"):
            initial[field] = getattr(narrative, field)
        for row in narrative.spearheads.all():
            initial[f"intro_{row.spearhead_id}"] = row.text
            initial[f"intro_{row.spearhead_id}_en"] = row.text_en
        return initial


class UpdateReviewForm(forms.Form):
    """Accept a submitted update, or return it with a reason (required for returning)."""

    ACTIONS = [("accept", _("Accept")), ("return", _("Return to the lead"))]

    action = forms.ChoiceField(choices=ACTIONS, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason for returning"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you return the update; the lead receives it by e-mail."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "return" and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Give the reason for returning the update."))
        return cleaned


class MilestoneForm(forms.ModelForm):
    """A milestone of an effort: what, when due, who; the done date ticks it off."""

    class Meta:
        model = Milestone
        fields = ["title", "due", "owner", "done"]
        widgets = {"due": DATE_INPUT, "done": DATE_INPUT}
        help_texts = {"done": _("Leave empty while it is not done.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(is_active=True).order_by(
            "first_name", "last_name", "username"
        )
        self.fields["owner"].label_from_instance = lambda u: u.get_full_name() or u.get_username()


class DecimalCommaField(forms.DecimalField):
    """A figure typed with a decimal comma or point, as the spreadsheet import reads it:
    "11,6", "11.6" and "14.500,5" are all understood, whatever the page's language."""

    widget = forms.TextInput

    def __init__(self, **kwargs):
        super().__init__(localize=True, **kwargs)
        self.widget.attrs["inputmode"] = "decimal"

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            number = Decimal(decimal_text(str(value).strip()))
        except InvalidOperation:
            raise forms.ValidationError(
                _("Write a number, such as 11,6 or 14500."), code="invalid"
            ) from None
        return number


class IndicatorForm(forms.ModelForm):
    """An indicator of the Monitor: its name, unit, desired direction and the goals it informs."""

    goals = GoalChoiceField(
        label=_("Goals it informs"),
        queryset=Goal.objects.none(),
        widget=DutchCheckboxList,
        required=False,
    )

    class Meta:
        model = Indicator
        fields = ["name", "description", "unit", "direction", "comparison_label", "goals"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "direction": OneTemplateSelect,
        }

    def __init__(self, *args, plan, **kwargs):
        """`plan`: the plan whose goals are offered (None: none yet). The goals of other
        plans the indicator informs are kept as they are."""
        super().__init__(*args, **kwargs)
        self.plan = plan
        goals = Goal.objects.filter(spearhead__plan=plan) if plan else Goal.objects.none()
        self.fields["goals"].queryset = goals.select_related("spearhead").order_by(
            "spearhead__number", "number"
        )

    def clean_goals(self):
        chosen = list(self.cleaned_data["goals"])
        if self.instance.pk is None:
            return chosen
        others = self.instance.goals.all()
        if self.plan is not None:
            others = others.exclude(spearhead__plan=self.plan)
        return [*chosen, *others]


class IndicatorValueForm(forms.ModelForm):
    """One year's figure of an indicator, with the year's target and a comparison figure."""

    year = forms.IntegerField(label=_("Year"))
    value = DecimalCommaField(label=_("Value"), max_digits=14, decimal_places=2)
    target = DecimalCommaField(
        label=_("Target"),
        max_digits=14,
        decimal_places=2,
        required=False,
        help_text=_("The value aimed at for this year; leave empty when there is none."),
    )
    comparison = DecimalCommaField(
        label=_("Comparison figure"), max_digits=14, decimal_places=2, required=False
    )

    class Meta:
        model = IndicatorValue
        fields = ["year", "value", "target", "comparison", "source"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        compared_with = self.instance.indicator.comparison_label
        if compared_with:
            self.fields["comparison"].help_text = _("The figure of %(what)s that year.") % {
                "what": compared_with
            }
        self.fields["year"].widget.attrs["inputmode"] = "numeric"

    def clean_year(self):
        year = self.cleaned_data["year"]
        last = timezone.localdate().year + MONITOR_YEARS_AHEAD
        if not MONITOR_FIRST_YEAR <= year <= last:
            raise forms.ValidationError(
                _("Write a year from %(first)s to %(last)s.")
                % {"first": MONITOR_FIRST_YEAR, "last": last}
            )
        taken = IndicatorValue.objects.filter(indicator=self.instance.indicator, year=year)
        if taken.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(
                _("This indicator already has a value for %(year)s; change that one instead.")
                % {"year": year}
            )
        return year
