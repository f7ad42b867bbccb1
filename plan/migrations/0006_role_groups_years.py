from django.db import migrations

from plan.migrations import _roles


class Migration(migrations.Migration):
    """Give the roles their permissions on plan years and their steps."""

    dependencies = [("plan", "0005_plan_years")]

    operations = [migrations.RunPython(_roles.sync, migrations.RunPython.noop)]
