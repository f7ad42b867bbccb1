from django.db import migrations


def accept_existing(apps, schema_editor):
    """Updates written before review existed already count: they are accepted."""
    ProgressUpdate = apps.get_model("plan", "ProgressUpdate")
    ProgressUpdate.objects.update(state="accepted")
    HistoricalProgressUpdate = apps.get_model("plan", "HistoricalProgressUpdate")
    HistoricalProgressUpdate.objects.update(state="accepted")


class Migration(migrations.Migration):
    dependencies = [("plan", "0013_progress_update_review")]

    operations = [migrations.RunPython(accept_existing, migrations.RunPython.noop)]
