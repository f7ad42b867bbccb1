from django.apps import AppConfig
from django.db.models.signals import m2m_changed, pre_delete, pre_save
from django.utils.translation import gettext_lazy as _


class PlanConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "plan"
    verbose_name = _("Multi-year plan")

    def ready(self):
        from .pagecache import on_model_change

        for signal in (pre_save, pre_delete, m2m_changed):
            signal.connect(on_model_change, dispatch_uid=f"pagecache-{id(signal)}")
