"""Every URL pattern, the admin's included, requested as anonymous and as each role.

A pattern added without a way to fill in its arguments fails this test, so no page is
forgotten. Nothing may answer 500; anonymous visitors are sent to a login page except on the
public patterns; the pages only the programme manager may use refuse everyone else; the admin
sends every non-staff user to its login and gives the staff programme manager exactly what the
permissions of plan.roles allow.
"""

import hashlib
from datetime import date
from urllib.parse import parse_qs, urlsplit

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from api.services import api_token_create
from notifications.models import DigestSent, NotificationPreference
from plan.models import (
    Effort,
    Indicator,
    IndicatorValue,
    Milestone,
    PlanYear,
    ProgressUpdate,
    SteeringRound,
)
from plan.roles import ROLE_PERMISSIONS, Role
from plan.selectors import plan_snapshot
from plan.services import steering_round_open
from plan.successors import efforts_carry_over, plan_start
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
    "oidc:authenticate",  # 404 while OpenID Connect is not configured
    "oidc:callback",
    # the open-data API: the adopted plan, its schema and documentation
    "api:schema",
    "api:docs",
    "api:public-year-list",
    "api:public-year-detail",
    "api:public-spearhead-list",
    "api:public-goal-list",
    "api:public-effort-list",
    "api:public-effort-detail",
    "api:public-monitor-list",
    "api:public-report-pdf",
    "api:public-year-csv",
    "api:public-year-json",
    "api:public-latest-csv",
    "api:public-latest-json",
}
# The API's endpoints for a logged-in user answer an anonymous request 401 (a program is not
# sent to a login page), and any logged-in user 200, as the pages they mirror.
API_LOGGED_IN = {
    "api:effort-list",
    "api:effort-detail",
    "api:update-list",
    "api:update-detail",
    "api:spearhead-list",
    "api:spearhead-detail",
}
MANAGER_ONLY = {
    "plan:round-completeness",
    "plan:round-summary",
    "plan:round-accept",
    "plan:update-review",
    "plan:milestone-create",  # the effort's lead too; no walking user leads it
    "plan:milestone-edit",
    "plan:import-upload",
    "plan:import-preview",
    "plan:monitor",
    "plan:indicator-create",
    "plan:indicator-edit",
    "plan:indicator-value-create",
    "plan:indicator-value-edit",
    "plan:plan-start",
    "plan:plan-carry-over",
    "plan:plan-spearhead-create",
    "plan:plan-spearhead-edit",
    "plan:plan-goal-create",
    "plan:plan-goal-edit",
}
# The admin shows these to whoever may view them and lets nobody add, change or delete them.
READ_ONLY_IN_ADMIN = {
    AccessLog,
    AccessFailureLog,
    AccessAttempt,
    NotificationPreference,
    DigestSent,
}


def walk(patterns=None, namespace=""):
    """(name, number of arguments) of every pattern outside the admin; name None if unnamed."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name == "admin":
                continue
            prefix = f"{pattern.namespace}:" if pattern.namespace else namespace
            yield from walk(pattern.url_patterns, prefix)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}{pattern.name}" if pattern.name else None
            yield name, pattern.pattern.regex.groups


def admin_patterns():
    """(pattern, model) for every pattern of the admin site; model is None for the site's own
    views (index, login, app index, ...)."""
    site = next(
        p
        for p in get_resolver().url_patterns
        if isinstance(p, URLResolver) and p.app_name == "admin"
    )
    for pattern in site.url_patterns:
        if isinstance(pattern, URLResolver):  # one model's views under <app_label>/<model>/
            app_label, model_name = str(pattern.pattern).strip("/").split("/")
            for child in pattern.url_patterns:
                assert isinstance(child, URLPattern), child
                yield child, apps.get_model(app_label, model_name)
        else:
            yield pattern, None


def admin_view_name(pattern, model) -> str:
    """changelist, add, change, ... for a model's pattern; the URL name for the site's own."""
    if model is None:
        if pattern.name is None and pattern.callback.__name__ == "catch_all_view":
            return "catch_all"
        return pattern.name or repr(pattern)
    if pattern.name is None:
        return "object_redirect" if str(pattern.pattern) == "<path:object_id>/" else repr(pattern)
    return pattern.name.removeprefix(f"{model._meta.app_label}_{model._meta.model_name}_")


@override_settings(
    PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    # every pattern as every visitor from one address: more than the API's rate limit allows
    API_RATE_ANON="10000/minute",
    API_RATE_USER="10000/minute",
)
class UrlWalkBase(BaseTestCase):
    """The base data plus a user per role, a superuser, an open round with an update, two plan
    years, monitor figures and sign-in records: every pattern has something to show. Also used
    by tests/test_hardening.py."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.users = {role: make_user(f"walk-{role.value}", role=role) for role in Role}
        cls.users[Role.PROGRAMME_MANAGER].is_staff = True
        cls.users[Role.PROGRAMME_MANAGER].save()
        cls.superuser = User.objects.create_superuser("walk-root", password="pw-walk-root-123")
        cls.round = steering_round_open(
            meeting_date=date(2023, 3, 15), deadline=date(2023, 3, 1), opened_by=cls.bob
        )
        # the other effort's update awaits review; the effort's own is still to be written
        cls.update = ProgressUpdate.objects.create(
            effort=cls.other_effort,
            steering_round=cls.round,
            author=cls.charlie,
            status="on_track",
            progress=50,
            note="-",
            state=ProgressUpdate.State.SUBMITTED,
        )
        # an accepted update of an earlier round, which every logged-in user reads through the
        # API (one awaiting review is only for who may write it and the reviewer:
        # tests/api/test_live.py); the open round still waits for the effort's update
        earlier = SteeringRound.objects.create(
            plan=cls.plan, meeting_date=date(2022, 9, 15), deadline=date(2022, 9, 1), state="closed"
        )
        cls.accepted_update = ProgressUpdate.objects.create(
            effort=cls.effort,
            steering_round=earlier,
            author=cls.alice,
            status="on_track",
            progress=40,
            note="-",
            state=ProgressUpdate.State.ACCEPTED,
        )
        cls.milestone = Milestone.objects.create(
            effort=cls.effort, title="Convenant getekend", due=date(2023, 6, 1), owner=cls.alice
        )
        PlanYear.objects.create(plan=cls.plan, year=2022)
        PlanYear.objects.create(plan=cls.plan, year=2023)
        cls.indicator = Indicator.objects.create(
            name="Aandeel internationals", unit="%", direction=Indicator.Direction.UP
        )
        cls.indicator.goals.add(cls.city_goal)
        cls.indicator_value = IndicatorValue.objects.create(
            indicator=cls.indicator, year=2021, value=12, target=11, comparison=10
        )
        now = timezone.now()
        cls.token = api_token_create(user=cls.alice, name="walk")[0]
        # an adopted year for the API's public endpoints (2022 and 2023 are drafts)
        pdf = b"%PDF-1.7\n% stand-in\n"
        PlanYear.objects.create(
            plan=cls.plan,
            year=2021,
            state=PlanYear.State.ADOPTED,
            snapshot=plan_snapshot(plan=cls.plan),
            report_pdf=pdf,
            report_sha256=hashlib.sha256(pdf).hexdigest(),
            adopted=now,
        )
        NotificationPreference.objects.create(user=cls.alice, digest=False, language="en")
        DigestSent.objects.create(user=cls.charlie, day=date(2023, 2, 22))
        # the next plan, a draft with one effort carried over
        cls.successor = plan_start(
            predecessor=cls.plan,
            title="Meerjarenplan 2025-2028",
            start_year=2025,
            end_year=2028,
            ambition="Verder",
            spearheads=list(cls.plan.spearheads.all()),
            by=cls.bob,
        )
        efforts_carry_over(plan=cls.successor, choices=[{"effort": cls.other_effort}], by=cls.bob)
        cls.successor_spearhead = cls.successor.spearheads.order_by("number").first()
        cls.successor_goal = cls.successor_spearhead.goals.first()
        sign_in = {"ip_address": "192.0.2.1", "user_agent": "test", "attempt_time": now}
        AccessLog.objects.create(username="alice", **sign_in)
        AccessFailureLog.objects.create(username="alice", **sign_in)
        AccessAttempt.objects.create(
            username="alice", get_data="", post_data="", failures_since_start=1, **sign_in
        )

    def args_for(self, name):
        effort, spearhead, goal = self.effort.pk, self.economy.pk, self.city_goal.pk
        return {
            "plan:spearhead-detail": [spearhead],
            "plan:goal-detail": [goal],
            "plan:effort-detail": [effort],
            "plan:effort-edit": [effort],
            "plan:update-create": [effort],
            "plan:update-review": [self.update.pk],
            "plan:round-accept": [self.round.pk],
            "plan:milestone-create": [effort],
            "plan:milestone-edit": [self.milestone.pk],
            "plan:milestone-done": [self.milestone.pk],
            "plan:round-detail": [self.round.pk],
            "plan:round-meeting": [self.round.pk],
            "plan:round-completeness": [self.round.pk],
            "plan:round-summary": [self.round.pk],
            "plan:round-reminders": [self.round.pk],
            "plan:round-close": [self.round.pk],
            "plan:round-reopen": [self.round.pk],
            "plan:round-minutes": [self.round.pk],
            "plan:indicator-edit": [self.indicator.pk],
            "plan:indicator-value-create": [self.indicator.pk],
            "plan:indicator-value-edit": [self.indicator_value.pk],
            "plan:indicator-value-delete": [self.indicator_value.pk],
            "plan:year-detail": [2022],
            "plan:year-transition": [2022],
            "plan:year-narrative": [2022],
            "plan:year-compare": [2022, 2023],
            "reporting:annual-report": [2022],
            "reporting:annual-report-chapter": [2022, 3],
            "reporting:annual-report-pdf": [2022],
            "plan:plan-detail": [self.successor.slug],
            "plan:plan-transition": [self.successor.slug],
            "plan:plan-carry-over": [self.successor.slug],
            "plan:plan-spearhead-create": [self.successor.slug],
            "plan:plan-spearhead-edit": [self.successor.slug, self.successor_spearhead.pk],
            "plan:plan-spearhead-delete": [self.successor.slug, self.successor_spearhead.pk],
            "plan:plan-goal-create": [self.successor.slug, self.successor_spearhead.pk],
            "plan:plan-goal-edit": [self.successor.slug, self.successor_goal.pk],
            "plan:plan-goal-delete": [self.successor.slug, self.successor_goal.pk],
            "reporting:evaluation-conclusion": [spearhead],
            "password_reset_confirm": ["MQ", "set-password"],
            "token-revoke": [self.token.pk],
            "api:public-year-detail": [2021],
            "api:public-spearhead-list": [2021],
            "api:public-goal-list": [2021],
            "api:public-effort-list": [2021],
            "api:public-effort-detail": [2021, "3.1"],
            "api:public-monitor-list": [2021],
            "api:public-report-pdf": [2021],
            "api:public-year-csv": [2021],
            "api:public-year-json": [2021],
            "api:effort-detail": [effort],
            "api:update-detail": [self.accepted_update.pk],
            "api:spearhead-detail": [spearhead],
        }.get(name, [])

    def visitors(self):
        return {"anonymous": None, **{role.value: user for role, user in self.users.items()}}

    def get_as(self, user, url):
        self.client.logout()
        if user is not None:
            self.client.force_login(user)
        return self.client.get(url)

    def portal_requests(self):
        """(name, url) for every pattern outside the admin; fails on a pattern it does not
        know how to fill in."""
        patterns = dict(walk())
        self.assertNotIn(None, patterns, "a pattern without a name cannot be walked: name it")
        self.assertIn("plan:effort-detail", patterns)
        self.assertIn("reporting:dashboard", patterns)
        requests = []
        for name, arguments in sorted(patterns.items()):
            args = self.args_for(name)
            self.assertEqual(len(args), arguments, f"no arguments for {name} in ARGS")
            requests.append((name, reverse(name, args=args)))
        return requests

    # --- the admin ---------------------------------------------------------------------------

    def admin_requests(self):
        """(view, model, url) for every admin pattern, its arguments filled in from the test
        data; fails on a pattern it does not know how to fill in."""
        effort_type = ContentType.objects.get_for_model(Effort)
        site_args = {
            "index": [[]],
            "login": [[]],
            "logout": [[]],
            "password_change": [[]],
            "password_change_done": [[]],
            "autocomplete": [[]],
            "jsi18n": [[]],
            "view_on_site": [[effort_type.pk, self.effort.pk]],
            "app_list": [[m._meta.app_label] for m in admin.site._registry],
        }
        model_views = {"changelist", "add", "change", "delete", "history", "object_redirect"}
        requests = set()
        for pattern, model in admin_patterns():
            view = admin_view_name(pattern, model)
            arguments = pattern.pattern.regex.groups
            if model is None and view == "catch_all":
                requests.add((view, None, reverse("admin:index") + "no-such-page/"))
                continue
            if model is None:
                self.assertIn(view, site_args, f"no arguments for admin:{view}")
                for args in site_args[view]:
                    self.assertEqual(len(args), arguments, f"wrong arguments for admin:{view}")
                    url = reverse(f"admin:{view}", args=args)
                    if view == "autocomplete":
                        url += "?app_label=plan&model_name=effort&field_name=team"
                    requests.add((view, None, url))
                continue
            obj = model._default_manager.order_by("pk").first()
            self.assertIsNotNone(obj, f"no {model._meta.label} in the test data for {view}")
            prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
            if view in ("changelist", "add"):
                args = []
            elif view in ("change", "delete", "history", "password_change"):
                args = [obj.pk]
            elif view == "simple_history":
                args = [obj.pk, obj.history.order_by("pk").first().history_id]
            elif view == "object_redirect":
                requests.add((view, model, reverse(f"{prefix}_changelist") + f"{obj.pk}/"))
                continue
            else:
                self.fail(f"no arguments for the admin pattern {view} of {model._meta.label}")
            self.assertEqual(len(args), arguments, f"wrong arguments for {prefix}_{view}")
            requests.add((view, model, reverse(f"{prefix}_{view}", args=args)))
        registered = {model for _view, model, _url in requests} - {None}
        self.assertEqual(registered, set(admin.site._registry))
        for model in registered:
            views = {view for view, m, _url in requests if m is model}
            self.assertLessEqual(model_views, views, model)
        return sorted(requests, key=lambda r: r[2])

    def staff_expects(self, user, view, model):
        """The status the admin owes a staff user, from the role's permissions in plan.roles
        (a superuser has them all)."""
        if user.is_superuser:
            perms = None
        else:
            (group,) = user.groups.values_list("name", flat=True)
            perms = set(ROLE_PERMISSIONS[group])

        def may(action, some_model=model):
            opts = some_model._meta
            return perms is None or f"{opts.app_label}.{action}_{opts.model_name}" in perms

        site = {
            "index": 200,
            "login": 302,  # already logged in: on to the index
            "logout": 405,  # only by POST
            "password_change": 200,
            "password_change_done": 200,
            "jsi18n": 200,
            "view_on_site": 302,  # on to the effort's page in the portal
            "autocomplete": 200 if may("view", apps.get_model("plan", "team")) else 403,
            "catch_all": 404,
        }
        if model is None:
            if view == "app_list":
                return None  # checked in the test: 200 with at least one model of that app
            return site[view]
        read_only = model in READ_ONLY_IN_ADMIN
        if view in ("changelist", "change", "history", "simple_history"):
            return 200 if may("view") or (may("change") and not read_only) else 403
        if view in ("add", "delete"):
            return 200 if may(view) and not read_only else 403
        if view == "password_change":
            return 200 if may("change") else 403
        if view == "object_redirect":
            return 302
        raise AssertionError(view)


class UrlWalkTestCase(UrlWalkBase):
    def test_every_pattern_as_everyone(self):
        for name, url in self.portal_requests():
            for visitor, user in self.visitors().items():
                with self.subTest(url=url, visitor=visitor):
                    status = self.get_as(user, url).status_code
                    self.assertLess(status, 500)
                    if user is None and name in API_LOGGED_IN:
                        self.assertEqual(status, 401, "the API refuses anonymous requests")
                    elif user is None and name not in PUBLIC:
                        self.assertEqual(status, 302, "anonymous must be sent to login")
                    if name in PUBLIC | API_LOGGED_IN and name.startswith("api:"):
                        self.assertEqual(status, 200 if user or name in PUBLIC else 401)
                    if user is not None and name in ("token-revoke", "notification-settings"):
                        self.assertEqual(status, 405)  # POST only
                    if user is not None and name in MANAGER_ONLY:
                        expected = 200 if visitor == Role.PROGRAMME_MANAGER else 403
                        if name == "plan:import-preview" and expected == 200:
                            expected = 302  # nothing uploaded yet: back to the upload
                        if name == "plan:round-accept" and expected == 200:
                            expected = 302  # nothing chosen: back to the completeness page
                        if name == "plan:plan-start" and expected == 200:
                            expected = 302  # the next plan exists: on to it
                        self.assertEqual(status, expected)

    def test_every_admin_pattern_as_everyone(self):
        requests = self.admin_requests()
        visitors = {**self.visitors(), "superuser": self.superuser}
        admin_login = reverse("admin:login")
        portal_login = reverse("login")
        for view, model, url in requests:
            for visitor, user in visitors.items():
                with self.subTest(url=url, visitor=visitor):
                    r = self.get_as(user, url)
                    self.assertLess(r.status_code, 500)
                    location = urlsplit(r.get("Location", ""))
                    if view == "login" and (user is None or not user.is_staff):
                        self.assertEqual(r.status_code, 200)  # the admin's login form
                        self.assertContains(r, 'name="password"')
                    elif user is None or not user.is_staff:
                        self.assertEqual(r.status_code, 302, "must be sent to a login")
                        if view == "logout" and user is not None:
                            self.assertEqual(location.path, reverse("admin:index"))
                            continue
                        # Site views send anonymous visitors to the admin's login, model views
                        # (through LoginRequiredMiddleware) to the portal's; both come back.
                        logins = {admin_login} if user else {admin_login, portal_login}
                        self.assertIn(location.path, logins)
                        self.assertEqual(parse_qs(location.query)["next"], [url])
                    elif view == "app_list":
                        label = url.strip("/").split("/")[-1]
                        app_perms = user.is_superuser or user.has_module_perms(label)
                        self.assertEqual(r.status_code, 200 if app_perms else 404)
                    else:
                        self.assertEqual(r.status_code, self.staff_expects(user, view, model))
                        if view == "object_redirect":
                            self.assertEqual(location.path, url + "change/")
                        if view == "view_on_site":
                            self.assertEqual(location.path, self.effort.get_absolute_url())
                        if view == "login":
                            self.assertEqual(location.path, reverse("admin:index"))

    def test_the_programme_manager_has_some_but_not_all_of_the_admin(self):
        """Guards the expectations above: the role sees much of the admin, and not everything."""
        manager = self.users[Role.PROGRAMME_MANAGER]
        outcomes = {
            self.staff_expects(manager, view, model)
            for view, model, _url in self.admin_requests()
            if model is not None
        }
        self.assertEqual(outcomes, {200, 302, 403})
        self.client.force_login(manager)
        self.assertEqual(self.client.get(reverse("admin:auth_group_changelist")).status_code, 403)
        self.assertEqual(self.client.get(reverse("admin:plan_effort_add")).status_code, 200)


class ClosedPlanWalkTestCase(UrlWalkBase):
    """With 2025-2028 adopted, 2021-2024 is closed: its plan-wide pages (`?plan=2021-2024`)
    and object pages answer every role as before, and every write to it is refused to every
    role, the programme manager's included."""

    PLAN_WIDE = [
        "plan:overview",
        "plan:effort-list",
        "plan:my-efforts",
        "plan:round-list",
        "plan:year-list",
        "plan:monitor",
        "plan:import-upload",
        "plan:public-plan",
        "reporting:dashboard",
        "reporting:dashboard-goals",
        "reporting:dashboard-changes",
        "reporting:dashboard-monitor",
        "reporting:evaluation",
        "reporting:export-xlsx",
        "reporting:export-ods",
    ]

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        from tests.plan.test_plan_periods import successor_start

        cls.successor = successor_start(cls.plan)

    def test_the_old_plans_pages_as_everyone(self):
        for name in self.PLAN_WIDE:
            url = reverse(name) + "?plan=2021-2024"
            for visitor, user in self.visitors().items():
                with self.subTest(url=url, visitor=visitor):
                    status = self.get_as(user, url).status_code
                    if user is None:
                        self.assertEqual(status, 200 if name in PUBLIC else 302)
                    elif name == "plan:import-upload":
                        self.assertEqual(status, 403)  # closed: no import, for anyone
                    elif name in MANAGER_ONLY:
                        manager = visitor == Role.PROGRAMME_MANAGER
                        self.assertEqual(status, 200 if manager else 403)
                    else:
                        self.assertEqual(status, 200)

    def test_the_old_plans_object_pages_as_everyone(self):
        for name in [
            "plan:effort-detail",
            "plan:spearhead-detail",
            "plan:goal-detail",
            "plan:round-detail",
            "plan:year-detail",
            "reporting:annual-report",
            "reporting:annual-report-pdf",
        ]:
            url = reverse(name, args=self.args_for(name))
            for visitor, user in self.visitors().items():
                if user is None:
                    continue
                with self.subTest(url=url, visitor=visitor):
                    self.assertEqual(self.get_as(user, url).status_code, 200)

    def test_every_write_to_the_old_plan_is_refused_to_everyone(self):
        writes = [
            "plan:effort-edit",
            "plan:update-create",
            "plan:update-review",
            "plan:round-accept",
            "plan:milestone-create",
            "plan:milestone-edit",
            "plan:milestone-done",
            "plan:round-detail",
            "plan:round-close",
            "plan:round-reopen",
            "plan:round-reminders",
            "plan:year-transition",
            "plan:year-narrative",
        ]
        self.effort.refresh_from_db()
        version = self.effort.version
        for name in writes:
            url = reverse(name, args=self.args_for(name))
            for visitor, user in {**self.visitors(), "superuser": self.superuser}.items():
                with self.subTest(url=url, visitor=visitor):
                    self.client.logout()
                    if user is not None:
                        self.client.force_login(user)
                    r = self.client.post(url, {"to": "advised", "title": "x", "reason": "x"})
                    self.assertEqual(r.status_code, 302 if user is None else 403)
        self.effort.refresh_from_db()
        self.assertEqual(self.effort.version, version)
        self.assertTrue(SteeringRound.objects.get(pk=self.round.pk).is_open)
        self.assertEqual(PlanYear.objects.get(plan=self.plan, year=2022).state, "concept")
