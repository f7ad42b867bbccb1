from django import forms

from .models import NotificationPreference


class NotificationPreferenceForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ["digest", "language"]
        widgets = {"language": forms.RadioSelect}


def preference_form(user, data=None) -> NotificationPreferenceForm:
    """The person's preference as a form; the defaults (digest on, Dutch) without a row."""
    preference = NotificationPreference.objects.filter(user=user).first()
    return NotificationPreferenceForm(
        data, instance=preference or NotificationPreference(user=user)
    )
