"""E-mail the leads who have not yet submitted their updates for the open round."""

from django.core.management.base import BaseCommand, CommandError

from plan.models import SteeringRound
from plan.services import steering_round_send_reminders


class Command(BaseCommand):
    help = "Send a reminder to every lead with efforts still missing an update in the open round."

    def handle(self, *args, **options):
        steering_round = SteeringRound.objects.open().first()
        if steering_round is None:
            raise CommandError("There is no open update round.")
        sent = steering_round_send_reminders(steering_round=steering_round)
        if options["verbosity"] > 0:
            self.stdout.write(f"{len(sent)} reminder(s) sent: {', '.join(sent) or '-'}")
