"""Fill a database with a synthetic plan many times the size of the real one (tests, benchmarks)."""

import random
from datetime import date, timedelta

from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from plan.models import (
    Effort,
    Goal,
    Indicator,
    IndicatorValue,
    Partner,
    Plan,
    ProgressUpdate,
    Spearhead,
    SteeringRound,
    TargetGroup,
    Team,
)
from plan.roles import Role

EFFORTS_PER_FACTOR = 50  # factor 10: about 500 efforts
ROUNDS = 8
YEARS = 10
TARGET_GROUPS = [
    "Kenniswerkers",
    "Arbeidsmigranten (EU)",
    "Internationale studenten",
    "Vluchtelingen/statushouders",
]


class Command(BaseCommand):
    help = (
        "Create a synthetic plan: factor x 50 efforts over 6 spearheads and 23 goals, "
        f"{ROUNDS} update rounds with updates, {YEARS} years of monitor values."
    )

    def add_arguments(self, parser):
        parser.add_argument("--factor", type=int, default=10)
        parser.add_argument("--seed", type=int, default=2024)
        parser.add_argument(
            "--force", action="store_true", help="also when the database holds a plan already"
        )

    def handle(self, *args, factor, seed, force, **options):
        if factor < 1:
            raise CommandError("--factor must be at least 1.")
        if Plan.objects.exists() and not force:
            raise CommandError(
                "This database already holds a plan (perhaps the real one); refusing to add "
                "synthetic data to it. Use an empty database, or --force."
            )
        rng = random.Random(seed)
        with transaction.atomic():
            efforts = self._plan(rng, factor)
            self._rounds(rng, efforts)
            self._monitor(rng)
        if options["verbosity"] > 0:
            self.stdout.write(f"Created a synthetic plan with {len(efforts)} efforts.")

    def _plan(self, rng, factor):
        plan = Plan.objects.create(
            title=f"Synthetisch meerjarenplan ×{factor}",
            start_year=2021,
            end_year=2024,
            ambition="Een synthetisch plan voor tests en metingen.",
            state=Plan.State.SENT_TO_COUNCIL,
        )
        goals = []
        for number, goal_count in enumerate([5, 3, 4, 5, 4, 2], start=1):
            spearhead = Spearhead.objects.create(
                plan=plan, number=number, name=f"Speerpunt {number}", ambition="Ambitie"
            )
            goals += Goal.objects.bulk_create(
                Goal(spearhead=spearhead, number=n, text=f"Doel {number}.{n}")
                for n in range(1, goal_count + 1)
            )
        spearheads = list(plan.spearheads.all())
        teams = [Team.objects.get_or_create(name=f"Team {n}")[0] for n in range(1, 4 * factor + 1)]
        partners = [Partner.objects.get_or_create(name=f"Partner {n}")[0] for n in range(30)]
        groups = [TargetGroup.objects.get_or_create(name=name)[0] for name in TARGET_GROUPS]
        leads = self._leads(teams)
        statuses = list(Effort.Status)
        efforts = []
        numbers = dict.fromkeys(spearheads, 0)
        for index in range(factor * EFFORTS_PER_FACTOR):
            spearhead = spearheads[index % len(spearheads)]
            numbers[spearhead] += 1
            start = date(2021 + rng.randrange(4), 1 + rng.randrange(12), 1)
            team = teams[index % len(teams)]
            efforts.append(
                Effort(
                    spearhead=spearhead,
                    number=numbers[spearhead],
                    title=f"Inspanning {spearhead.number}.{numbers[spearhead]}",
                    description="Synthetische inspanning. " * rng.randrange(1, 6),
                    team=team,
                    lead=leads[team.pk],
                    status=rng.choice(statuses),
                    progress=rng.randrange(0, 101, 5),
                    is_priority=rng.random() < 0.1,
                    in_line=rng.random() < 0.5,
                    financing=rng.choice(list(Effort.Financing)),
                    start=start,
                    end=start + timedelta(days=rng.randrange(90, 1200)),
                    note="Voortgang volgens plan. " * rng.randrange(0, 4),
                )
            )
        efforts = Effort.objects.bulk_create(efforts)
        for effort in efforts:
            effort.goals.set(rng.sample(goals, rng.randrange(1, 4)))
            effort.partners.set(rng.sample(partners, rng.randrange(0, 4)))
            effort.target_groups.set(rng.sample(groups, rng.randrange(1, 3)))
        return efforts

    def _leads(self, teams):
        group = Group.objects.get(name=Role.STEERING_GROUP)
        leads = {}
        for team in teams:
            lead, _created = User.objects.get_or_create(
                username=f"lead-{team.pk}", defaults={"email": f"lead-{team.pk}@example.org"}
            )
            lead.groups.add(group)
            team.members.add(lead)
            leads[team.pk] = lead
        return leads

    def _rounds(self, rng, efforts):
        statuses = list(Effort.Status)
        for index in range(ROUNDS):
            meeting = date(2021, 3, 15) + timedelta(days=182 * index)
            last = index == ROUNDS - 1
            steering_round = SteeringRound.objects.create(
                plan=efforts[0].spearhead.plan,
                meeting_date=meeting,
                deadline=meeting - timedelta(days=14),
                state=SteeringRound.State.OPEN if last else SteeringRound.State.CLOSED,
                closed=None if last else timezone.now(),
                advice=f"Advies van overleg {index + 1}",
            )
            steering_round.efforts.set(efforts)
            reported = [e for e in efforts if not last or rng.random() < 0.6]
            # the closed rounds' updates were accepted; the open round's half still await
            # review
            accepted, submitted = ProgressUpdate.State.ACCEPTED, ProgressUpdate.State.SUBMITTED
            ProgressUpdate.objects.bulk_create(
                ProgressUpdate(
                    effort=effort,
                    steering_round=steering_round,
                    author=effort.lead,
                    status=rng.choice(statuses),
                    progress=rng.randrange(0, 101, 5),
                    note=f"Stand van zaken in ronde {index + 1}.",
                    state=submitted if last and rng.random() < 0.5 else accepted,
                )
                for effort in reported
            )
            if not last:  # as steering_round_close keeps them
                steering_round.status_counts = steering_round.count_statuses()
                steering_round.save(update_fields=["status_counts"])

    def _monitor(self, rng):
        all_goals = list(Goal.objects.order_by("pk"))
        goals = rng.sample(all_goals, min(3, len(all_goals)))
        for name, unit, base, direction in [
            ("Inwoners met een niet-Nederlandse nationaliteit", "inwoners", 10_000, "none"),
            ("Aandeel inwoners met een niet-Nederlandse nationaliteit", "%", 9, "up"),
            ("Internationale studenten", "inwoners", 3_000, "up"),
        ]:
            indicator, _created = Indicator.objects.get_or_create(
                name=name, defaults={"unit": unit, "direction": direction}
            )
            indicator.goals.add(*goals)
            IndicatorValue.objects.bulk_create(
                [
                    IndicatorValue(
                        indicator=indicator,
                        year=2015 + offset,
                        value=round(base * (1 + 0.04 * offset + rng.random() * 0.02), 1),
                        source="Synthetisch",
                        target=round(base * (1 + 0.045 * offset), 1) if offset % 2 else None,
                        comparison=round(base * (1 + 0.03 * offset), 1),
                    )
                    for offset in range(YEARS)
                ],
                ignore_conflicts=True,  # --force on a database that has these figures already
            )
