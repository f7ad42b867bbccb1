"""The daily digest: run once a day from cron, e.g.
`0 7 * * * cd /srv/portal && .venv/bin/python manage.py send_digests`."""

from datetime import date

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from notifications.services import digests_send


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--date must be YYYY-MM-DD, not {value!r}") from error


class Command(BaseCommand):
    help = (
        "E-mail each person at most one digest a day of what is due for them: updates of the "
        "open round (7 and 2 days before its deadline), returned updates, milestones due "
        "within 14 days or overdue, and to the programme managers what is still missing the "
        "day after the deadline. Running it again the same day sends nothing new."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            type=_day,
            default=None,
            help="run as of this day (YYYY-MM-DD); default today in settings.TIME_ZONE",
        )

    def handle(self, *args, **options):
        day = options["date"] or timezone.localdate()
        try:
            result = digests_send(day=day)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        if options["verbosity"] > 0:
            sent = result["sent"]
            listed = ", ".join(sent) or "-"
            self.stdout.write(f"{day:%Y-%m-%d}: {len(sent)} digest(s) sent: {listed}")
            if result["already"]:
                self.stdout.write(f"Already sent that day: {', '.join(result['already'])}")
            if result["off"]:
                self.stdout.write(f"Digests switched off: {', '.join(result['off'])}")
        if result["failed"]:
            raise CommandError(
                f"Sending failed for {', '.join(result['failed'])}; run again to retry them."
            )
