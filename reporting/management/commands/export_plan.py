"""Export the current plan to a spreadsheet (.xlsx or .ods), as the export links do."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from plan.management.commands.import_plan import plan_named
from plan.models import Effort
from reporting.exports import efforts_ods, efforts_xlsx

WRITERS = {".xlsx": efforts_xlsx, ".ods": efforts_ods}


class Command(BaseCommand):
    help = (
        "Write the efforts of the current plan (or --plan) and the monitor figures to an .xlsx "
        "or .ods file."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="where to write; the extension picks the format")
        parser.add_argument(
            "--plan", help="the plan's short name, e.g. 2021-2024 (default: the current plan)"
        )

    def handle(self, *args, file, plan=None, **options):
        path = Path(file)
        writer = WRITERS.get(path.suffix.lower())
        if writer is None:
            raise CommandError(_("Give a file name ending in .xlsx or .ods."))
        efforts = Effort.objects.filter(spearhead__plan=plan_named(plan))
        try:
            path.write_bytes(writer(efforts=efforts))
        except OSError as error:
            raise CommandError(
                _("Cannot write %(file)s: %(reason)s") % {"file": file, "reason": error.strerror}
            ) from None
        count = efforts.count()
        message = ngettext(
            "Wrote %(count)s effort to %(file)s.", "Wrote %(count)s efforts to %(file)s.", count
        )
        self.stdout.write(message % {"count": count, "file": file})
