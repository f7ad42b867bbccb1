"""Write everything the portal holds to one JSON file (restore it with `restore`)."""

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand

# Rebuilt by migrate on an empty database, or not worth keeping.
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "admin.logentry"]


class Command(BaseCommand):
    help = "Back up the database (plan, rounds, years with their adopted PDFs, users) to FILE."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file, **options):
        call_command(
            "dumpdata",
            natural_foreign=True,
            natural_primary=True,
            exclude=EXCLUDED,
            output=str(file),
            indent=None,
            verbosity=0,
        )
        if options["verbosity"] > 0:
            self.stdout.write(f"Backed up to {file} ({file.stat().st_size:,} bytes).")
