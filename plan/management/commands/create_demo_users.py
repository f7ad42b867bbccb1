"""Create one demo user per role, for local use only."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from plan.models import Team
from plan.roles import Role

# username (= role), full name, teams. The steering-group member belongs to one team that
# owns efforts in the real plan, not to every team.
DEMO_USERS = [
    (Role.PROGRAMME_MANAGER, "Sanne", "de Vries", ["Kennis & Internationalisering"]),
    (Role.STEERING_GROUP, "Pieter", "Jansen", ["Economie"]),
    (Role.CLIENT, "Mirjam", "Bakker", []),
    (Role.DIRECTORS, "Hans", "Visser", []),
    (Role.ALDERMAN, "Fatima", "El Amrani", []),
    (Role.READER, "Joost", "Smit", []),
]


class Command(BaseCommand):
    help = "Create the demo users, one per role, with password demo-<username> (DEBUG only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Refusing to create demo users: DEBUG is off, so this may be a real "
                "environment. Demo accounts with known passwords are for local use only."
            )
        with transaction.atomic():
            for role, first_name, last_name, team_names in DEMO_USERS:
                self._create(role, first_name, last_name, team_names)
        if options["verbosity"] > 0:
            usernames = ", ".join(role.value for role, *_rest in DEMO_USERS)
            self.stdout.write(self.style.SUCCESS(f"Demo users ready: {usernames}"))

    def _create(self, role, first_name, last_name, team_names):
        user, _created = get_user_model().objects.update_or_create(
            username=role.value,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "email": f"{role.value}@example.org",
                "is_staff": role == Role.PROGRAMME_MANAGER,
                "is_superuser": False,
                "is_active": True,
            },
        )
        user.set_password(f"demo-{role.value}")
        user.save(update_fields=["password"])
        user.groups.set([Group.objects.get(name=role.value)])
        user.teams.set([Team.objects.get_or_create(name=name)[0] for name in team_names])
