from django.db import migrations

from plan.migrations import _roles


class Migration(migrations.Migration):
    """Let the programme manager read the audit trail of sign-ins (django-axes' logs)."""

    dependencies = [
        ("plan", "0007_english_content"),
        ("axes", "0008_accessfailurelog"),  # the newest of the models whose logs are read
    ]

    operations = [migrations.RunPython(_roles.sync, migrations.RunPython.noop)]
