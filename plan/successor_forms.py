"""Forms of starting the next plan and shaping it while it is a draft; they only validate."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import TEXT_MAX_LENGTH, Goal, Plan, Spearhead
from .successors import plan_years_check


class PlanStartForm(forms.Form):
    """Title, years and ambition of the new plan, and per spearhead of the plan it follows
    whether to copy it (with its goals)."""

    title = forms.CharField(label=_("Title"), max_length=200)
    title_en = forms.CharField(label=_("Title in English"), max_length=200, required=False)
    start_year = forms.IntegerField(label=_("Start year"))
    end_year = forms.IntegerField(label=_("End year"))
    ambition = forms.CharField(
        label=_("Ambition"), widget=forms.Textarea(attrs={"rows": 3}), max_length=TEXT_MAX_LENGTH
    )
    ambition_en = forms.CharField(
        label=_("Ambition in English"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_MAX_LENGTH,
        required=False,
    )

    def __init__(self, *args, predecessor: Plan, spearheads: list[Spearhead], **kwargs):
        super().__init__(*args, **kwargs)
        self.predecessor, self.spearheads = predecessor, spearheads
        for name in ("start_year", "end_year"):
            self.fields[name].widget.attrs["inputmode"] = "numeric"
        for spearhead in spearheads:
            self.fields[f"copy_{spearhead.pk}"] = forms.BooleanField(
                label=_("Copy spearhead %(number)s with its goals") % {"number": spearhead.number},
                required=False,
                initial=True,
            )

    def text_fields(self) -> list:
        return [self[name] for name in self.fields if not name.startswith("copy_")]

    def spearhead_rows(self) -> list[tuple]:
        """(spearhead, its copy checkbox) in number order."""
        return [(spearhead, self[f"copy_{spearhead.pk}"]) for spearhead in self.spearheads]

    def chosen_spearheads(self) -> list[Spearhead]:
        return [s for s in self.spearheads if self.cleaned_data.get(f"copy_{s.pk}")]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_year"), cleaned.get("end_year")
        if start is not None and end is not None:
            try:
                plan_years_check(predecessor=self.predecessor, start_year=start, end_year=end)
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, errors in error.error_dict.items():
                        self.add_error(field, errors)
                else:
                    raise
        return cleaned


class SpearheadForm(forms.ModelForm):
    number = forms.IntegerField(label=_("Number"), min_value=1, max_value=99)

    class Meta:
        model = Spearhead
        fields = ["number", "name", "name_en", "ambition", "ambition_en"]
        widgets = {
            "ambition": forms.Textarea(attrs={"rows": 3}),
            "ambition_en": forms.Textarea(attrs={"rows": 3}),
        }


class GoalForm(forms.ModelForm):
    number = forms.IntegerField(label=_("Number"), min_value=1, max_value=99)

    class Meta:
        model = Goal
        fields = ["spearhead", "number", "text", "text_en"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 3}),
            "text_en": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["spearhead"].queryset = plan.spearheads.order_by("number")


class ConclusionForm(forms.ModelForm):
    class Meta:
        model = Spearhead
        fields = ["conclusion", "conclusion_en"]
        widgets = {
            "conclusion": forms.Textarea(attrs={"rows": 4}),
            "conclusion_en": forms.Textarea(attrs={"rows": 4}),
        }
