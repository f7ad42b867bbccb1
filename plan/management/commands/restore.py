"""Restore a backup made by `backup` into an empty, migrated database."""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from plan.models import Plan


class Command(BaseCommand):
    help = "Restore FILE (made by `backup`) into a freshly migrated, empty database."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file, **options):
        if not file.exists():
            raise CommandError(f"No such file: {file}")
        if Plan.objects.exists():
            raise CommandError(
                "This database already holds a plan; restore only into an empty database "
                "(create it, run migrate, then restore)."
            )
        # The backup holds the history itself; loading must not add records of its own.
        settings.SIMPLE_HISTORY_ENABLED = False
        try:
            with transaction.atomic():  # all or nothing
                call_command("loaddata", str(file), verbosity=0)
        finally:
            del settings.SIMPLE_HISTORY_ENABLED
        if options["verbosity"] > 0:
            self.stdout.write(f"Restored {file}.")
