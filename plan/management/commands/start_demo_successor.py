"""Make an invented 2025-2028 successor of the current plan, adopted, for demonstrations."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from plan.models import Effort, Plan
from plan.roles import Role
from plan.selectors import plan_current
from plan.successors import efforts_carry_over, plan_start, plan_transition

# Invented for the demonstration: Leiden has not adopted a plan after 2021-2024 in this data.
TITLE = "Meerjarenplan internationalisering {start}-{end} (demo, verzonnen)"
TITLE_EN = "Multi-year plan for internationalisation {start}-{end} (demo, invented)"
AMBITION = (
    "Voortbouwend op de evaluatie van {old}: Leiden blijft een inclusieve stad waar "
    "Leidenaren en internationale Leidenaren samen het leefklimaat bepalen. (Verzonnen "
    "voor de demonstratie.)"
)
AMBITION_EN = (
    "Building on the evaluation of {old}: Leiden remains an inclusive city where residents "
    "and international residents shape the living climate together. (Invented for the "
    "demonstration.)"
)
# Who takes each step of the chain: the demo users of create_demo_users.
CHAIN = [
    (Plan.State.ADVISED, Role.PROGRAMME_MANAGER, "Besproken in de regiegroep (demo)."),
    (Plan.State.ENDORSED, Role.CLIENT, "Akkoord (demo)."),
    (Plan.State.REVIEWED, Role.DIRECTORS, "Gezien door het directieteam (demo)."),
    (Plan.State.ADOPTED, Role.ALDERMAN, "Vastgesteld (demo)."),
    (Plan.State.SENT_TO_COUNCIL, Role.PROGRAMME_MANAGER, "Ter kennisname aan de raad (demo)."),
]


class Command(BaseCommand):
    help = (
        "Make an INVENTED successor of the current plan (the four years after it, e.g. "
        "2025-2028) for demonstrations (DEBUG only): copy all its spearheads and goals, carry "
        "over its running efforts and take it through the approval chain to adoption with the "
        "demo users (run create_demo_users first), which closes the current plan. Its texts "
        "are invented, not Leiden's policy. Refuses when any plan already has a successor."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Refusing to make a demo successor: DEBUG is off, so this may be a real "
                "environment. The successor is invented and for local use only."
            )
        current = plan_current()
        if current is None:
            raise CommandError("There is no plan: load the real plan first (make run).")
        if Plan.objects.filter(predecessor__isnull=False).exists():
            raise CommandError("A successor exists already: the demo makes only one.")
        users = {
            user.username: user
            for user in get_user_model().objects.filter(username__in=[r.value for r in Role])
        }
        missing = {role for _state, role, _comment in CHAIN} - users.keys()
        if missing:
            raise CommandError(
                f"Demo users missing ({', '.join(sorted(missing))}): run create_demo_users first."
            )
        manager = users[Role.PROGRAMME_MANAGER]
        start, end = current.end_year + 1, current.end_year + 4
        with transaction.atomic():
            plan = plan_start(
                predecessor=current,
                title=TITLE.format(start=start, end=end),
                title_en=TITLE_EN.format(start=start, end=end),
                start_year=start,
                end_year=end,
                ambition=AMBITION.format(old=current.slug),
                ambition_en=AMBITION_EN.format(old=current.slug),
                spearheads=list(current.spearheads.order_by("number")),
                by=manager,
            )
            running = [
                {"effort": effort}
                for effort in Effort.objects.filter(spearhead__plan=current).open()
            ]
            carried = efforts_carry_over(plan=plan, choices=running, by=manager)
            for state, role, comment in CHAIN:
                plan_transition(plan=plan, to=state, by=users[role], comment=comment)
        if options["verbosity"] > 0:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Made the invented plan {plan.slug} with {len(carried)} efforts carried "
                    f"over; {current.slug} is now closed."
                )
            )
