"""Every URL pattern outside the admin, requested as anonymous and as each role.

A pattern added without an entry in ARGS fails this test, so no page is forgotten. Nothing may
answer 500; anonymous visitors are sent to the login page except on the public patterns; the
pages only the programme manager may use refuse everyone else.
"""

from datetime import date

from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from plan.models import PlanYear, ProgressUpdate
from plan.roles import Role
from plan.services import steering_round_open
from tests.base import BaseTestCase, make_user

PUBLIC = {
    "login",
    "plan:healthz",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "logout",
    "set_language",
    "security-txt",
    "plan:public-plan",
    "plan:accessibility",
}
MANAGER_ONLY = {
    "plan:round-completeness",
    "plan:import-upload",
    "plan:import-preview",
}


def walk(patterns=None, namespace=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name == "admin":
                continue
            prefix = f"{pattern.namespace}:" if pattern.namespace else namespace
            yield from walk(pattern.url_patterns, prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", list(pattern.pattern.converters)


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class UrlWalkTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.users = {role: make_user(f"walk-{role.value}", role=role) for role in Role}
        cls.users[Role.PROGRAMME_MANAGER].is_staff = True
        cls.users[Role.PROGRAMME_MANAGER].save()
        cls.round = steering_round_open(
            meeting_date=date(2023, 3, 15), deadline=date(2023, 3, 1), opened_by=cls.bob
        )
        ProgressUpdate.objects.create(
            effort=cls.effort,
            steering_round=cls.round,
            author=cls.alice,
            status="on_track",
            progress=50,
            note="-",
        )
        PlanYear.objects.create(plan=cls.plan, year=2022)
        PlanYear.objects.create(plan=cls.plan, year=2023)

    def args_for(self, name):
        effort, spearhead, goal = self.effort.pk, self.economy.pk, self.city_goal.pk
        return {
            "plan:spearhead-detail": [spearhead],
            "plan:goal-detail": [goal],
            "plan:effort-detail": [effort],
            "plan:effort-edit": [effort],
            "plan:update-create": [effort],
            "plan:round-detail": [self.round.pk],
            "plan:round-completeness": [self.round.pk],
            "plan:round-reminders": [self.round.pk],
            "plan:round-close": [self.round.pk],
            "plan:round-minutes": [self.round.pk],
            "plan:year-detail": [2022],
            "plan:year-transition": [2022],
            "plan:year-compare": [2022, 2023],
            "reporting:annual-report": [2022],
            "reporting:annual-report-pdf": [2022],
            "password_reset_confirm": ["MQ", "set-password"],
        }.get(name, [])

    def test_every_pattern_as_everyone(self):
        patterns = dict(walk())
        self.assertIn("plan:effort-detail", patterns)
        self.assertIn("reporting:dashboard", patterns)
        visitors = {"anonymous": None, **{role.value: user for role, user in self.users.items()}}
        for name, converters in sorted(patterns.items()):
            args = self.args_for(name)
            self.assertEqual(len(args), len(converters), f"no arguments for {name} in ARGS")
            url = reverse(name, args=args)
            for visitor, user in visitors.items():
                with self.subTest(url=url, visitor=visitor):
                    self.client.logout()
                    if user is not None:
                        self.client.force_login(user)
                    status = self.client.get(url).status_code
                    self.assertLess(status, 500)
                    if user is None and name not in PUBLIC:
                        self.assertEqual(status, 302, "anonymous must be sent to login")
                    if user is not None and name in MANAGER_ONLY:
                        expected = 200 if visitor == Role.PROGRAMME_MANAGER else 403
                        if name == "plan:import-preview" and expected == 200:
                            expected = 302  # nothing uploaded yet: back to the upload
                        self.assertEqual(status, expected)
