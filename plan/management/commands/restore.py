"""Restore a backup made by `backup` into an empty, migrated database and its file storage."""

from pathlib import Path

from django.core.management.base import BaseCommand

from plan.backups import backup_restore


class Command(BaseCommand):
    help = (
        "Restore FILE (made by `backup`) into a freshly migrated, empty database, and put its "
        "uploaded files back in storage; all or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file, **options):
        count = backup_restore(path=file)
        if options["verbosity"] > 0:
            self.stdout.write(f"Restored {file} with {count} uploaded file(s).")
