"""Write the annual report of a year as PDF, as the download in the portal would."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from reporting.report import LANGUAGES, annual_report_pdf


class Command(BaseCommand):
    help = "Build the annual report for the council as a tagged PDF/UA-1 file."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--out", type=Path, required=True, help="the PDF file to write")
        parser.add_argument("--lang", choices=LANGUAGES, default="nl")

    def handle(self, *args, year, out, lang, **options):
        try:
            pdf = annual_report_pdf(year=year, language=lang)
        except Http404:
            raise CommandError(f"The plan does not cover {year}.") from None
        out.write_bytes(pdf)
        if options["verbosity"] > 0:
            self.stdout.write(f"Wrote {out} ({len(pdf):,} bytes).")
