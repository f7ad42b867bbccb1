from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class PlanConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "plan"
    verbose_name = _("Multi-year plan")

    def ready(self):
        from plan.checks import translations_compiled

        checks.register(translations_compiled, checks.Tags.translation)
