"""Write everything the portal holds to one zip file (restore it with `restore`)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from plan.backups import backup_write


class Command(BaseCommand):
    help = (
        "Back up the database (plan, rounds, years with their adopted PDFs, users) and the "
        "uploaded files it refers to (the rounds' minutes) to the zip FILE."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file, **options):
        missing = backup_write(path=file)
        if missing:  # the backup is written, but fails loudly: these files are lost already
            raise CommandError(
                f"Backed up to {file}, but storage lacks {len(missing)} file(s) the database "
                "refers to: " + ", ".join(missing)
            )
        if options["verbosity"] > 0:
            self.stdout.write(f"Backed up to {file} ({file.stat().st_size:,} bytes).")
