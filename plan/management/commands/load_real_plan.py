"""Load Leiden's real plan (fixtures/leiden_2021_2024.json) into an empty database."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from plan.models import Plan

FIXTURE = "leiden_2021_2024"


class Command(BaseCommand):
    help = (
        "Load the real meerjarenplan 2021-2024 unless a plan is already present, so that "
        "running it again never overwrites edits."
    )

    def handle(self, *args, **options):
        if Plan.objects.exists():
            self.stdout.write("A plan is already present; left alone.")
            return
        call_command("loaddata", FIXTURE, verbosity=0)
        # loaddata bypasses the history; record the loaded state as each object's first entry
        call_command(
            "populate_history",
            "plan.Effort",
            "plan.Goal",
            "plan.Indicator",
            "plan.IndicatorValue",
            verbosity=0,
        )
        self.stdout.write(self.style.SUCCESS(f"Loaded the real plan ({FIXTURE})."))
