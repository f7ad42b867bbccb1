from datetime import date, timedelta

from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from plan import services
from plan.models import Effort, Goal, Plan, ProgressUpdate, SteeringRound
from plan.roles import Role
from plan.selectors import plan_current
from tests.base import BaseTestCase, cache_clear, make_user

URL = reverse("reporting:dashboard")
GOALS = reverse("reporting:dashboard-goals")
CHANGES = reverse("reporting:dashboard-changes")
MONITOR = reverse("reporting:dashboard-monitor")
PAGES = [URL, GOALS, CHANGES, MONITOR]
TAB_LABELS = ["Overzicht", "Doelen", "Sinds de vorige ronde", "Monitor"]


class DashboardTestCase(BaseTestCase):
    def setUp(self):
        cache_clear()
        self.client.force_login(self.wethouder)

    def get(self, url=URL, **params):
        r = self.client.get(url, params)
        self.assertEqual(r.status_code, 200)
        return r

    def test_the_alderman_directors_and_client_land_here(self):
        for role in (Role.ALDERMAN, Role.DIRECTORS, Role.CLIENT):
            make_user(f"user-{role.value}", role=role)
            self.client.logout()
            r = self.client.post(
                reverse("login"),
                {"username": f"user-{role.value}", "password": f"pw-user-{role.value}-123"},
            )
            self.assertRedirects(r, URL)

    def test_numbers_per_spearhead_match_the_database(self):
        self.add_efforts(7)
        Effort.objects.filter(number__in=[2, 3]).update(status=Effort.Status.AT_RISK)
        r = self.get()
        for row in r.context["per_spearhead"]:
            efforts = Effort.objects.filter(spearhead=row["spearhead"])
            self.assertEqual(row["total"], efforts.count())
            for status in Effort.Status:
                self.assertEqual(row["counts"][status], efforts.filter(status=status).count())
            progress = [e.progress for e in efforts]
            self.assertEqual(row["progress"], round(sum(progress) / len(progress)))

    def test_blocks_match_the_database(self):
        today = timezone.localdate()
        self.other_effort.end = today - timedelta(days=1)
        self.other_effort.save()
        r = self.get()
        self.assertEqual(
            [e.pk for e in r.context["priorities"]],
            list(Effort.objects.priority().values_list("pk", flat=True)),
        )
        self.assertEqual(
            [e.pk for e in r.context["overdue"]],
            list(Effort.objects.overdue(today).values_list("pk", flat=True)),
        )
        self.assertEqual(
            [e.pk for e in r.context["attention"]],
            list(
                Effort.objects.filter(status__in=["at_risk", "delayed"]).values_list(
                    "pk", flat=True
                )
            ),
        )
        running = Effort.objects.open()
        gaps = Goal.objects.exclude(efforts__in=running)
        r = self.get(GOALS)
        self.assertEqual({g.pk for g in r.context["gaps"]}, set(gaps.values_list("pk", flat=True)))

    def test_a_goal_losing_its_last_running_effort_becomes_a_gap(self):
        self.effort.set_status(Effort.Status.DONE, by=self.bob)
        r = self.get(GOALS)
        self.assertEqual([g.code for g in r.context["gaps"]], ["3.1"])
        self.assertContains(r, self.city_goal.get_absolute_url())

    def test_goals_served_by_many(self):
        self.add_efforts(3)  # each serves 1.3 and 3.1
        r = self.get(GOALS)
        self.assertEqual(
            [(g.code, g.running) for g in r.context["well_served"]], [("1.3", 5), ("3.1", 4)]
        )

    def test_long_blocks_show_the_first_ten_and_say_how_many_there_are(self):
        self.add_efforts(12)  # each serves 1.3 and 3.1
        Effort.objects.update(is_priority=True)
        for number in range(4, 16):  # twelve more goals served by three running efforts
            goal = Goal.objects.create(spearhead=self.economy, number=number, text=f"Doel {number}")
            goal.efforts.set(Effort.objects.order_by("pk")[:3])
        r = self.get()
        self.assertEqual(r.context["priority_count"], 14)
        self.assertEqual(len(r.context["priorities"]), 10)
        self.assertContains(r, "Alle 14 tonen")
        r = self.get(GOALS)
        served = [(g.code, g.running) for g in r.context["well_served"]]
        self.assertEqual(served[:2], [("1.3", 14), ("3.1", 13)])  # the most served first
        self.assertEqual(len(served), 10)
        self.assertContains(r, "De 10 met de meeste lopende inspanningen, van 14 doelen")

    def test_team_and_target_group_narrow_everything(self):
        r = self.get(team=self.team_w.pk)
        self.assertEqual(r.context["effort_count"], 1)
        self.assertEqual(r.context["priorities"], [])
        self.assertContains(r, f"?spearhead={self.integration.pk}&amp;team={self.team_w.pk}")
        r = self.get(target_group=self.workers.pk)
        self.assertEqual(r.context["effort_count"], 1)
        self.assertEqual([e.pk for e in r.context["priorities"]], [self.effort.pk])

    def test_each_block_links_to_the_effort_list_behind_it(self):
        r = self.get()
        effort_list = reverse("plan:effort-list")
        for query in ("is_priority=true", "attention=true", "overdue=true"):
            self.assertContains(r, f"{effort_list}?{query}")
        self.client.force_login(self.alice)
        listed = self.client.get(effort_list, {"attention": "true"}).context["page"]
        self.assertEqual([e.pk for e in listed], [self.other_effort.pk])

    def test_a_closed_round_keeps_its_counts_for_the_trend(self):
        steering_round = services.steering_round_open(
            meeting_date=date(2023, 3, 15), deadline=date(2023, 3, 1), opened_by=self.bob
        )
        for effort, status, author in (
            (self.effort, "on_track", self.alice),
            (self.other_effort, "delayed", self.charlie),
        ):
            update = services.progress_update_submit(
                effort=effort,
                steering_round=steering_round,
                author=author,
                status=status,
                progress=40,
                note="Stand",
            )
            services.progress_update_review(update=update, by=self.bob, accept=True)
        before = self.get(CHANGES).context["trend"].rows
        services.steering_round_close(steering_round=steering_round, by=self.bob)
        steering_round.refresh_from_db()
        self.assertEqual(steering_round.status_counts, {"on_track": 1, "delayed": 1})
        # the closed round reads as it did while open, from what closing kept
        self.assertEqual(self.get(CHANGES).context["trend"].rows, before)
        # narrowed to a team, it is counted anew: only that team's effort
        narrowed = self.get(CHANGES, team=self.other_effort.team_id).context["trend"]
        self.assertEqual(sum(n for n in narrowed.rows[0][1:] if isinstance(n, int)), 1)
        services.steering_round_reopen(
            steering_round=steering_round, by=self.bob, reason="Vergeten"
        )
        steering_round.refresh_from_db()
        self.assertIsNone(steering_round.status_counts)
        self.assertEqual(self.get(CHANGES).context["trend"].rows, before)

    def two_rounds(self):
        """Two update rounds: the effort went from on track to completed, the other effort
        (another team's) was delayed in the second only."""
        first = SteeringRound.objects.create(
            plan=self.plan,
            meeting_date=date(2023, 3, 15),
            deadline=date(2023, 3, 1),
            state="closed",
        )
        second = SteeringRound.objects.create(
            plan=self.plan, meeting_date=date(2023, 9, 15), deadline=date(2023, 9, 1)
        )
        for steering_round, status in ((first, "on_track"), (second, "done")):
            ProgressUpdate.objects.create(
                effort=self.effort,
                steering_round=steering_round,
                author=self.alice,
                status=status,
                progress=50,
                note="-",
                state="accepted",
            )
        ProgressUpdate.objects.create(
            effort=self.other_effort,
            steering_round=second,
            author=self.charlie,
            status="delayed",
            progress=10,
            note="-",
            state="accepted",
        )

    def test_the_trend_and_what_changed_since_the_previous_round(self):
        self.two_rounds()
        r = self.get(CHANGES)
        trend = r.context["trend"]
        self.assertEqual([row[0] for row in trend.rows], ["15 mrt 2023", "15 sep 2023"])
        changes = r.context["changes"]
        self.assertEqual(
            [(row["effort"].pk, str(row["old"]), str(row["new"])) for row in changes["moved"]],
            [(self.effort.pk, "Loopt volgens planning", "Afgerond")],
        )
        self.assertEqual([e.pk for e in changes["finished"]], [self.effort.pk])
        self.assertContains(r, "Loopt volgens planning → Afgerond")

    def test_a_change_shows_at_once(self):
        self.assertContains(self.get(), "Aandacht nodig (1)")
        self.effort.set_status(Effort.Status.AT_RISK, by=self.bob)
        self.assertContains(self.get(), "Aandacht nodig (2)")
        self.effort.goals.remove(self.city_goal)  # a change of links only
        self.assertEqual([g.code for g in self.get(GOALS).context["gaps"]], ["3.1"])

    def test_charts_have_their_numbers_as_a_table(self):
        r = self.get()
        self.assertContains(
            r, "<summary>Cijfers bij de grafiek “Inspanningen per speerpunt en status”</summary>"
        )
        self.assertContains(r, 'alt="Grafiek: Inspanningen per speerpunt en status.')

    def test_each_page_has_its_title_heading_and_tabs(self):
        titles = set()
        for url, heading in [
            (URL, "Dashboard"),
            (GOALS, "Dekking van de doelen"),
            (CHANGES, "Sinds de vorige updateronde"),
            (MONITOR, "Monitor Internationalisering"),
        ]:
            with self.subTest(url):
                page = self.get(url).content.decode()
                self.assertEqual(page.count("<h1"), 1)
                self.assertIn(f"<h1>{heading}</h1>", page)
                titles.add(page.split("<title>")[1].split("</title>")[0])
                tabs = page.split('<nav class="dashboard-tabs')[1].split("</nav>")[0]
                self.assertIn('aria-label="Onderdelen van het dashboard"', tabs)
                self.assertEqual(tabs.count("<a "), 4)
                self.assertEqual(tabs.count('aria-current="page"'), 1)
                for other, label in zip(PAGES, TAB_LABELS, strict=True):
                    current = ' aria-current="page"' if other == url else ""
                    active = " active" if other == url else ""
                    link = f'<a class="nav-link{active}" href="{other}"{current}>{label}</a>'
                    self.assertIn(link, tabs)
                # the main menu marks the dashboard: its page, or the section the page is in
                menu = page.split('<nav class="dashboard-tabs')[0]
                current = "page" if url == URL else "true"
                self.assertIn(f'href="{URL}" aria-current="{current}">Dashboard</a>', menu)
                self.assertEqual(menu.count("aria-current"), 1)
        self.assertEqual(len(titles), 4)

    def test_each_block_is_on_one_page(self):
        overview, goals, changes, monitor = (self.get(url) for url in PAGES)
        self.assertContains(overview, 'id="spearheads-heading"')
        self.assertNotContains(overview, 'id="gaps-heading"')
        self.assertContains(goals, 'id="gaps-heading"')
        self.assertContains(goals, 'id="served-heading"')
        self.assertNotContains(goals, 'id="spearheads-heading"')
        self.assertNotContains(overview, 'id="trend-heading"')
        self.assertNotContains(overview, "Monitor Internationalisering")
        self.assertContains(changes, 'id="trend-heading"')
        self.assertContains(changes, "Er zijn nog geen twee updaterondes om te vergelijken.")
        self.assertNotContains(changes, 'id="spearheads-heading"')
        self.assertContains(monitor, "Nog geen cijfers van de monitor.")
        self.assertNotContains(monitor, 'id="trend-heading"')
        self.assertNotContains(monitor, "dashboard-filter")  # the Monitor is the city's

    def test_the_tabs_keep_the_narrowing_where_it_applies(self):
        r = self.get(team=self.team_k.pk, target_group=self.workers.pk)
        narrowing = f"team={self.team_k.pk}&amp;target_group={self.workers.pk}"
        self.assertContains(r, f'href="{URL}?{narrowing}" aria-current="page"')
        self.assertContains(r, f'href="{GOALS}?{narrowing}"')
        self.assertContains(r, f'href="{CHANGES}?{narrowing}"')
        self.assertContains(r, f'href="{MONITOR}"')  # the Monitor is not narrowed
        self.assertNotContains(r, f'href="{MONITOR}?')
        r = self.get(MONITOR, team=self.team_k.pk)
        self.assertContains(r, f'href="{URL}"')
        self.assertContains(r, f'href="{CHANGES}"')

    def test_the_narrowing_carries_to_the_changes_page(self):
        self.two_rounds()
        overview = self.get(team=self.team_w.pk)
        self.assertEqual(overview.context["effort_count"], 1)
        (tab,) = (t for t in overview.context["tabs"] if t["url"].startswith(CHANGES))
        self.assertEqual(tab["url"], f"{CHANGES}?team={self.team_w.pk}")
        r = self.get(tab["url"])
        self.assertEqual(r.context["form"].cleaned_data["team"], self.team_w)
        self.assertContains(r, f'<option value="{self.team_w.pk}" selected>Wonen</option>')
        # only Wonen's effort: delayed in the second round, no change, nothing finished
        trend = r.context["trend"]
        self.assertEqual([row[0] for row in trend.rows], ["15 sep 2023"])
        changes_w = self.get(CHANGES, team=self.team_w.pk).context["changes"]
        self.assertIsNone(changes_w)  # one round of Wonen's: nothing to compare
        changes_k = self.get(CHANGES, team=self.team_k.pk).context["changes"]
        self.assertEqual([row["effort"].pk for row in changes_k["moved"]], [self.effort.pk])
        self.assertEqual(self.get(CHANGES).context["changes"]["moved_count"], 1)
        # clearing the filters stays on the page
        self.assertContains(r, f'href="{CHANGES}">Filters wissen</a>')

    def test_every_role_sees_the_four_pages_and_anonymous_is_sent_to_log_in(self):
        users = [self.alice, self.bob, self.charlie, self.wethouder]
        users += [make_user(f"user-{role.value}", role=role) for role in Role]
        for url in PAGES:
            for user in users:
                with self.subTest(url=url, user=user.username):
                    self.client.force_login(user)
                    self.assertEqual(self.client.get(url).status_code, 200)
            self.client.logout()
            self.assertRedirects(
                self.client.get(url),
                f"{reverse('login')}?next={url}",
                fetch_redirect_response=False,
            )

    def test_the_same_queries_for_a_bigger_plan(self):
        # session, user, plan, counts per spearhead and status, spearheads, the first
        # priority, overdue and attention efforts, and the filter choices (teams, target
        # groups); and the plan years awaiting the user's decision, for the notice and the
        # menu (plan.context_processors)
        overview = 11
        # session, user, plan, the goals and their running efforts (two), the years
        # awaiting and the filter choices
        goals = 8
        # session, user, plan, the rounds (with the counts kept at closing), the years
        # awaiting and the filter choices; with an open round its count, and
        # with two or more update rounds six more, for the changes between the last two
        # (the status changes counted, the first few of them and of the finished ones,
        # their efforts, and the new efforts listed and counted)
        changes = 7
        # session, user, plan, the Monitor's values, the years awaiting
        monitor = 5
        for url, count in ((URL, overview), (GOALS, goals), (CHANGES, changes), (MONITOR, monitor)):
            with self.subTest(url), self.assertNumQueries(count):
                self.get(url)
        self.add_efforts(25)
        self.two_rounds()
        changes += 7
        for url, count in ((URL, overview), (GOALS, goals), (CHANGES, changes), (MONITOR, monitor)):
            with self.subTest(url), self.assertNumQueries(count):
                self.get(url)


class DashboardScaleTestCase(TestCase):
    """The real plan and a synthetic plan ten times its size cost the same queries."""

    def cold_queries(self, url):
        cache_clear()
        user = make_user(f"w{Plan.objects.count()}-{url.replace('/', '')}", role=Role.ALDERMAN)
        self.client.force_login(user)
        with CaptureQueriesContext(connection) as captured:
            self.assertEqual(self.client.get(url).status_code, 200)
        return len(captured)

    def test_real_plan_and_ten_times_it(self):
        call_command("loaddata", "leiden_2021_2024", verbosity=0)
        # two update rounds, as the synthetic plan has, so both show the round changes
        author = make_user("trekker", role=Role.STEERING_GROUP)
        effort = Effort.objects.order_by("pk").first()
        for day, status in ((1, Effort.Status.ON_TRACK), (2, Effort.Status.DELAYED)):
            steering_round = SteeringRound.objects.create(
                plan=effort.spearhead.plan,
                meeting_date=date(2024, 3, day),
                deadline=date(2024, 3, day),
                state="closed",
            )
            ProgressUpdate.objects.create(
                effort=effort,
                steering_round=steering_round,
                author=author,
                status=status,
                progress=10,
                note="Stand",
                state="accepted",
            )
        real = {url: self.cold_queries(url) for url in PAGES}
        call_command("generate_scale_data", factor=10, force=True, verbosity=0)
        self.assertEqual(Effort.objects.filter(spearhead__plan=plan_current()).count(), 500)
        for url in PAGES:
            with self.subTest(url):
                self.assertEqual(self.cold_queries(url), real[url])
        # the four pages together were one page of 21 queries
        self.assertLessEqual(max(real.values()), 21)
