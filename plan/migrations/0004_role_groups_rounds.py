from django.db import migrations

from plan.migrations import _roles


class Migration(migrations.Migration):
    """Give the roles their permissions on update rounds and progress updates."""

    dependencies = [("plan", "0003_steering_rounds_updates_history")]

    operations = [migrations.RunPython(_roles.sync, migrations.RunPython.noop)]
