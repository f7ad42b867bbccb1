"""E-mail whoever still owes updates for the open round: lead, else team, else the
programme manager."""

from django.core.management.base import BaseCommand, CommandError

from plan.models import SteeringRound
from plan.services import steering_round_send_reminders


class Command(BaseCommand):
    help = "Send a reminder to every lead with efforts still missing an update in the open round."

    def handle(self, *args, **options):
        steering_round = SteeringRound.objects.open().first()
        if steering_round is None:
            raise CommandError("There is no open update round.")
        result = steering_round_send_reminders(steering_round=steering_round)
        if options["verbosity"] > 0:
            sent = result["sent"]
            self.stdout.write(f"{len(sent)} reminder(s) sent: {', '.join(sent) or '-'}")
            for effort in result["unreachable"]:
                self.stdout.write(f"No one to remind for {effort.code} {effort.title}")
