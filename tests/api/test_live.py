"""The endpoints for a logged-in user: the plan as it stands, exactly as the pages show it."""

import html
import json
from datetime import date, timedelta

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from api import selectors
from api.models import ApiToken
from api.selectors import efforts_link
from api.serializers import (
    EffortSerializer,
    ProgressUpdateSerializer,
    PublicEffortSerializer,
    PublicSpearheadSerializer,
)
from api.views_live import EffortViewSet, ProgressUpdateViewSet
from plan.models import Effort, ProgressUpdate
from plan.services import progress_update_review, progress_update_submit, steering_round_open

from .base import ApiTestCase

LIVE = ["api:effort-list", "api:update-list", "api:spearhead-list"]


class LiveTestCase(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.round = steering_round_open(
            meeting_date=date(2023, 3, 15), deadline=date(2023, 3, 1), opened_by=cls.bob
        )
        update = progress_update_submit(
            effort=cls.effort,
            steering_round=cls.round,
            author=cls.alice,
            status="at_risk",
            progress=45,
            note="Budget onzeker",
            risks="Capaciteit",
            next_steps="Overleg met partners",
        )
        progress_update_review(update=update, by=cls.bob, accept=True)  # now it counts
        Effort.objects.filter(pk=cls.effort.pk).update(lead=cls.alice)
        cls.effort.refresh_from_db()

    def setUp(self):
        self.key = self.token_for(self.charlie)

    def api(self, name, *args, key=None, scheme="Token", **query):
        url = reverse(name, args=args)
        return self.client.get(url, query, **self.with_token(key or self.key, scheme))


class TokenAuthenticationTestCase(LiveTestCase):
    def test_a_token_reads_with_either_scheme(self):
        for scheme in ("Token", "Bearer", "bearer"):
            with self.subTest(scheme=scheme):
                r = self.api("api:effort-list", scheme=scheme)
                self.assertEqual(r.status_code, 200)
                self.assertEqual(r.json()["count"], 2)

    def test_without_a_valid_token_it_answers_401_and_names_the_scheme(self):
        for header in (None, "Token lei_wrong", "Token", "Token a b", "Basic YWxpY2U6cHc="):
            with self.subTest(header=header):
                extra = {"HTTP_AUTHORIZATION": header} if header else {}
                r = self.client.get(reverse("api:effort-list"), **extra)
                self.assertEqual(r.status_code, 401)  # Basic: not read, so anonymous
                self.assertEqual(r["WWW-Authenticate"], 'Token realm="api"')
                self.assertNotIn("results", r.json())

    def test_a_revoked_token_or_an_inactive_user_is_refused(self):
        self.assertEqual(self.api("api:effort-list").status_code, 200)
        ApiToken.objects.get(user=self.charlie).revoke()
        self.assertEqual(self.api("api:effort-list").status_code, 401)
        key = self.token_for(self.charlie, "tweede")
        self.charlie.is_active = False
        self.charlie.save()
        self.assertEqual(self.api("api:effort-list", key=key).status_code, 401)

    def test_only_the_hash_is_stored_and_use_is_recorded(self):
        token = ApiToken.objects.get(user=self.charlie)
        self.assertNotIn(self.key, {token.key_hash, token.key_start, token.name})
        self.assertTrue(self.key.startswith(token.key_start))
        self.assertIsNone(token.last_used)
        self.api("api:effort-list")
        token.refresh_from_db()
        self.assertAlmostEqual(token.last_used, timezone.now(), delta=timedelta(seconds=5))

    def test_the_portals_session_also_reads(self):
        self.client.force_login(self.reader)
        self.assertEqual(self.client.get(reverse("api:effort-list")).status_code, 200)

    def test_answers_are_kept_by_no_cache(self):
        r = self.api("api:effort-list")
        self.assertIn("no-store", r["Cache-Control"])
        self.assertIn("private", r["Cache-Control"])


class SameAsThePagesTestCase(LiveTestCase):
    """A token user sees what their pages show: the same efforts for the same filters, with
    the values the effort's page shows."""

    def page_ids(self, user, query=""):
        self.client.force_login(user)
        r = self.client.get(reverse("plan:effort-list") + query)
        self.client.logout()
        return [e.pk for e in r.context["page"].object_list]

    def api_ids(self, key, query=""):
        r = self.client.get(reverse("api:effort-list") + query, **self.with_token(key))
        self.assertEqual(r.status_code, 200, r.content)
        return [e["id"] for e in r.json()["results"]]

    def test_the_effort_list_for_every_user_and_filter(self):
        self.add_efforts(3)
        queries = [
            "",
            "?status=at_risk",
            f"?team={self.team_w.pk}",
            f"?goal={self.city_goal.pk}",
            f"?spearhead={self.integration.pk}",
            "?is_priority=true",
            "?in_line=false&attention=true",
            "?q=Huurteam",
            "?q=3.1",
            f"?target_group={self.students.pk}",
            "?overdue=false",
        ]
        for user in (self.alice, self.bob, self.charlie, self.wethouder, self.reader):
            key = self.token_for(user, "vergelijking")
            for query in queries:
                with self.subTest(user=user.username, query=query):
                    expected = self.page_ids(user, query)
                    self.assertEqual(self.api_ids(key, query), expected)
        self.assertNotEqual(self.page_ids(self.bob, "?status=at_risk"), [])

    def test_an_effort_shows_what_its_page_shows(self):
        self.client.force_login(self.charlie)
        page = self.client.get(self.effort.get_absolute_url()).content.decode()
        self.client.logout()
        effort = self.api("api:effort-detail", self.effort.pk).json()
        self.assertEqual(effort["code"], "3.1")
        self.assertEqual(effort["status"], "at_risk")
        self.assertEqual(
            effort["goals"],
            [{"id": self.meeting_goal.pk, "code": "1.3"}, {"id": self.city_goal.pk, "code": "3.1"}],
        )
        for shown in (effort["title"], effort["note"], effort["lead"], effort["team"]["name"]):
            self.assertIn(html.escape(shown), page)
        self.assertIn(f"{effort['progress']}%", page)

    def test_an_update_awaiting_review_is_shown_as_on_the_effort_page(self):
        pending = progress_update_submit(
            effort=self.other_effort,
            steering_round=self.round,
            author=self.charlie,
            status="delayed",
            progress=20,
            note="Nog niet beoordeeld",
        )
        for user, sees in ((self.charlie, True), (self.bob, True), (self.reader, False)):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                page = self.client.get(self.other_effort.get_absolute_url())
                self.client.logout()
                shown = [u.pk for u in page.context["updates"]]
                self.assertEqual(shown, [pending.pk] if sees else [])
                key = self.token_for(user, f"review-{user.username}")
                r = self.api("api:update-list", key=key, effort=self.other_effort.pk)
                self.assertEqual([u["id"] for u in r.json()["results"]], shown)

    def test_the_updates_are_those_the_effort_pages_show(self):
        self.client.force_login(self.charlie)
        page = self.client.get(self.effort.get_absolute_url())
        self.client.logout()
        r = self.api("api:update-list", effort=self.effort.pk)
        (update,) = r.json()["results"]
        self.assertEqual([u.pk for u in page.context["updates"]], [update["id"]])
        self.assertEqual(update["author"], "alice")
        self.assertEqual(
            (update["risks"], update["next_steps"]), ("Capaciteit", "Overleg met partners")
        )
        self.assertEqual(
            self.api("api:update-list", effort=self.other_effort.pk).json()["count"], 0
        )

    def test_a_bad_filter_is_refused_with_its_message(self):
        r = self.api("api:effort-list", q=" ".join(["woord"] * 11))
        self.assertEqual(r.status_code, 400)
        self.assertIn("q", r.json())
        r = self.api("api:effort-list", status="bogus")
        self.assertEqual(r.status_code, 400)
        self.assertIn("status", r.json())

    def test_an_unknown_effort_is_404(self):
        self.assertEqual(self.api("api:effort-detail", 999999).status_code, 404)


class WritesRefusedTestCase(LiveTestCase):
    @override_settings(API_RATE_ANON="1000/minute", API_RATE_USER="1000/minute")
    def test_anonymous_and_token_writes_are_refused_and_change_nothing(self):
        urls = [reverse(name) for name in LIVE] + [
            reverse("api:effort-detail", args=[self.effort.pk]),
            reverse("api:update-detail", args=[ProgressUpdate.objects.get().pk]),
            reverse("api:spearhead-detail", args=[self.economy.pk]),
        ]
        body = {"title": "Overschreven", "status": "done"}
        for url in urls:
            for method in ("post", "put", "patch", "delete"):
                send = getattr(self.client, method)
                with self.subTest(url=url, method=method):
                    r = send(url, body, content_type="application/json")
                    self.assertEqual(r.status_code, 401)
                    r = send(
                        url, body, content_type="application/json", **self.with_token(self.key)
                    )
                    self.assertEqual(r.status_code, 405)
                    self.assertEqual(r["Allow"], "GET, HEAD, OPTIONS")
        self.client.force_login(self.bob)  # the portal's session: CSRF first
        r = self.client.delete(urls[3])
        self.assertIn(r.status_code, (403, 405))
        self.effort.refresh_from_db()
        self.assertEqual(self.effort.title, "Doorontwikkeling Expat Centre")
        self.assertEqual(Effort.objects.count(), 2)
        self.assertEqual(ProgressUpdate.objects.count(), 1)


class QueryCountTestCase(LiveTestCase):
    """Token (1 query, the user with it), its last use (1, at most once a minute), then the
    page's count and rows with their relations."""

    EXPECTED = {
        # count, efforts with spearhead/team/lead, goals, partners, target groups
        "api:effort-list": 5,
        # the user's permissions (who may see updates not yet accepted: one query,
        # leiden_intl.auth), count, updates with effort, round and author
        "api:update-list": 3,
        "api:spearhead-list": 3,  # count, spearheads, goals
    }

    def test_lists_run_the_same_queries_at_1x_and_10x(self):
        for factor in (1, 10):
            if factor == 10:
                self.add_efforts(18)
                for effort in Effort.objects.exclude(pk=self.effort.pk):
                    self.round.efforts.add(effort)
                    ProgressUpdate.objects.create(
                        effort=effort,
                        steering_round=self.round,
                        author=self.charlie,
                        status="on_track",
                        progress=1,
                        note="-",
                    )
            self.api("api:effort-list")  # records the token's use: a write, once a minute
            for name, expected in self.EXPECTED.items():
                with self.subTest(name=name, factor=factor), self.assertNumQueries(1 + expected):
                    r = self.api(name)
                    self.assertEqual(r.status_code, 200)
        self.assertEqual(self.api("api:effort-list").json()["count"], 20)
        self.assertEqual(self.api("api:update-list").json()["count"], 20)

    def test_a_token_in_use_is_written_at_most_once_a_minute(self):
        with self.assertNumQueries(2 + 5):
            self.api("api:effort-list")
        with self.assertNumQueries(1 + 5):
            self.api("api:effort-list")
        ApiToken.objects.update(last_used=timezone.now() - timedelta(minutes=2))
        with self.assertNumQueries(2 + 5):
            self.api("api:effort-list")


class SerializerTestCase(LiveTestCase):
    """The serializers write their fields out by hand for speed: what they write must be
    exactly what DRF's own conversion of the declared fields gives."""

    def test_the_hand_written_output_equals_drfs(self):
        request = APIRequestFactory().get("/api/v1/efforts/")
        context = {"request": request}
        Effort.objects.filter(pk=self.other_effort.pk).update(
            start=date(2023, 1, 1), financing="subsidy"
        )
        for model_serializer, queryset in [
            (EffortSerializer, efforts_link(list(EffortViewSet.queryset.all()))),
            (ProgressUpdateSerializer, ProgressUpdateViewSet.queryset.all()),
        ]:
            for obj in queryset:
                serializer = model_serializer(context=context)
                generic = serializers.ModelSerializer.to_representation(serializer, obj)
                self.assertEqual(serializer.to_representation(obj), dict(generic))
        snapshot = self.adopt(2022).snapshot
        for public_serializer, rows in [
            (PublicEffortSerializer, selectors.public_efforts(snapshot)),
            (PublicSpearheadSerializer, selectors.public_spearheads(snapshot)),
        ]:
            for row in rows:
                serializer = public_serializer()
                generic = serializers.Serializer.to_representation(serializer, row)
                self.assertEqual(json_round(serializer.to_representation(row)), json_round(generic))


def json_round(data):
    return json.loads(json.dumps(data))
