"""Import a spreadsheet (.xlsx) into the current plan, as the import page does."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from plan.closing import PlanClosed
from plan.models import Plan
from plan.selectors import plan_current
from plan.spreadsheet.columns import EFFORT_SHEET, MONITOR_SHEET
from plan.spreadsheet.files import FileRefused
from plan.spreadsheet.importer import ImportHasErrors, ImportPreview, import_apply, import_preview


class Command(BaseCommand):
    help = (
        "Import efforts (and monitor values) from an .xlsx workbook into the current plan (or "
        "--plan), all or nothing. With --dry-run, only show what would change. Exits non-zero "
        "on errors; a closed plan is refused."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx workbook")
        parser.add_argument("--dry-run", action="store_true", help="show, write nothing")
        parser.add_argument("--user", help="username recorded in the history as the importer")
        parser.add_argument(
            "--plan", help="the plan's short name, e.g. 2021-2024 (default: the current plan)"
        )

    def handle(self, *args, file, dry_run, user, plan=None, **options):
        plan = plan_named(plan)
        if plan is None:
            raise CommandError(_("There is no plan to import into."))
        importer = _user(user)
        try:
            with open(file, "rb") as workbook:
                if dry_run:
                    preview = import_preview(file=workbook, plan=plan)
                else:
                    preview = import_apply(file=workbook, plan=plan, user=importer)
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(reason)s") % {"file": file, "reason": error.strerror}
            ) from None
        except (FileRefused, PlanClosed) as error:
            raise CommandError(error.message) from None
        except ImportHasErrors as error:
            preview = error.preview
        self._report(preview, verbosity=options["verbosity"])
        if preview.errors:
            count = len(preview.errors)
            raise CommandError(
                ngettext(
                    "%(count)s error; nothing was imported.",
                    "%(count)s errors; nothing was imported.",
                    count,
                )
                % {"count": count}
            )
        if dry_run:
            self.stdout.write(_("Dry run: nothing was written."))
        else:
            self.stdout.write(self.style.SUCCESS(_("Imported.")))

    def _report(self, preview: ImportPreview, *, verbosity: int) -> None:
        out = self.stdout.write
        counts = preview.counts
        line = _(
            "%(sheet)s: rows read: %(rows)s; new: %(created)s, changed: %(changed)s, "
            "unchanged: %(unchanged)s."
        )
        out(line % {"sheet": EFFORT_SHEET, "rows": preview.rows_read, **counts})
        if preview.monitor_rows_read is not None:
            out(
                line
                % {
                    "sheet": MONITOR_SHEET,
                    "rows": preview.monitor_rows_read,
                    "created": counts["monitor_created"],
                    "changed": counts["monitor_changed"],
                    "unchanged": counts["monitor_unchanged"],
                }
            )
        for label, names in (
            (_("New teams: %(names)s"), preview.new_teams),
            (_("New partners: %(names)s"), preview.new_partners),
            (_("New indicators: %(names)s"), preview.new_indicators),
        ):
            if names:
                out(label % {"names": "; ".join(names)})
        if verbosity > 1 or not preview.errors:
            for row in [*preview.changed, *preview.monitor_changed]:
                for change in row.changes:
                    out(f"  {row.key}: {change.heading}: {change.old} → {change.new}")
        for warning in preview.warnings:
            self.stderr.write(_("Warning: %(message)s") % {"message": warning})
        for error in preview.errors:
            self.stderr.write(
                _("%(sheet)s, row %(row)s, %(heading)s: %(message)s")
                % {
                    "sheet": error.sheet,
                    "row": error.row,
                    "heading": error.heading,
                    "message": error.message,
                }
            )


def plan_named(slug: str | None) -> Plan | None:
    """The plan of that short name (CommandError when there is none), else the current plan."""
    if not slug:
        return plan_current()
    try:
        return Plan.objects.get(slug=slug)
    except Plan.DoesNotExist:
        raise CommandError(_("No plan has the short name “%(plan)s”.") % {"plan": slug}) from None


def _user(username: str | None):
    if not username:
        return None
    try:
        return get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist:
        raise CommandError(
            _("No user has the username “%(username)s”.") % {"username": username}
        ) from None
