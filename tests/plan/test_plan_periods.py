"""Several plans in one portal (issue 14): the current plan is the default everywhere, every
earlier plan stays readable through `?plan=<slug>`, and a closed plan refuses every write,
in the portal, the admin and the import, saying so."""

import io
from datetime import date

from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from plan.closing import PlanClosed, ensure_plan_open
from plan.models import (
    Effort,
    Goal,
    Milestone,
    Plan,
    PlanYear,
    ProgressUpdate,
    Spearhead,
    SteeringRound,
    YearNarrative,
)
from plan.roles import Role
from plan.services import steering_round_open
from plan.spreadsheet.importer import import_apply
from reporting.exports import efforts_xlsx
from tests.base import BaseTestCase, make_user
from tests.plan.test_plan_years import CHAIN

CLOSED_MESSAGE = "Plan 2021-2024 is gesloten: het kan niet meer worden gewijzigd."
OLD = "?plan=2021-2024"


def successor_start(plan: Plan, *, close: bool = True) -> Plan:
    """The next plan as the start page will leave it, built with plain creates: the same
    spearheads and goals, the running efforts carried over; adopted, and `plan` closed."""
    now = timezone.now()
    successor = Plan.objects.create(
        title="Meerjarenplan 2025-2028",
        start_year=2025,
        end_year=2028,
        ambition="Verder samen",
        predecessor=plan,
        state=Plan.State.ADOPTED if close else Plan.State.CONCEPT,
        adopted=now if close else None,
    )
    goals = {}
    for spearhead in plan.spearheads.order_by("number"):
        copy = Spearhead.objects.create(
            plan=successor,
            number=spearhead.number,
            name=spearhead.name,
            ambition=spearhead.ambition,
            origin=spearhead,
        )
        for goal in spearhead.goals.all():
            goals[goal.pk] = Goal.objects.create(
                spearhead=copy, number=goal.number, text=goal.text, origin=goal
            )
    for effort in Effort.objects.filter(spearhead__plan=plan).order_by("pk"):
        carried = Effort.objects.create(
            spearhead=successor.spearheads.get(number=effort.spearhead.number),
            number=effort.number,
            title=effort.title,
            team=effort.team,
            lead=effort.lead,
            status=effort.status,
            progress=effort.progress,
            is_priority=effort.is_priority,
            start=effort.start,
            end=effort.end,
            predecessor=effort,
        )
        carried.goals.set([goals[g.pk] for g in effort.goals.all()])
        carried.partners.set(effort.partners.all())
        carried.target_groups.set(effort.target_groups.all())
    if close:
        plan.closed = now
        plan.save(update_fields=["closed"])
    return successor


class PlanPeriodsTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.reader = make_user("reader", role=Role.READER)
        cls.old_round = steering_round_open(
            meeting_date=date(2024, 3, 15), deadline=date(2024, 3, 1), opened_by=cls.bob
        )
        cls.old_update = ProgressUpdate.objects.create(
            effort=cls.other_effort,
            steering_round=cls.old_round,
            author=cls.charlie,
            status="on_track",
            progress=50,
            note="Huurteam loopt",
            state=ProgressUpdate.State.SUBMITTED,
        )
        cls.milestone = Milestone.objects.create(
            effort=cls.effort, title="Convenant getekend", due=date(2024, 6, 1)
        )
        cls.old_year = PlanYear.objects.create(plan=cls.plan, year=2024)
        cls.new_plan = successor_start(cls.plan)
        cls.new_effort = Effort.objects.get(predecessor=cls.effort)
        cls.new_round = SteeringRound.objects.create(
            plan=cls.new_plan,
            meeting_date=date(2025, 3, 15),
            deadline=date(2025, 3, 1),
            state=SteeringRound.State.CLOSED,
        )
        PlanYear.objects.create(plan=cls.new_plan, year=2025)

    def get(self, url, user=None):
        self.client.force_login(user or self.reader)
        return self.client.get(url)


PLAN_WIDE = [  # pages of a whole plan that show the current one unless asked otherwise
    "plan:overview",
    "reporting:dashboard",
    "reporting:dashboard-goals",
    "reporting:dashboard-changes",
    "reporting:dashboard-monitor",
    "plan:year-list",
]


class DefaultAndArchiveTestCase(PlanPeriodsTestCase):
    def test_the_plan_wide_pages_show_the_current_plan_by_default(self):
        for name in PLAN_WIDE:
            with self.subTest(name):
                r = self.get(reverse(name))
                self.assertEqual(r.context["plan"], self.new_plan)
                self.assertNotContains(r, "plan-banner")
        efforts = self.get(reverse("plan:effort-list")).context["page"].paginator.count
        self.assertEqual(efforts, 2)
        self.assertEqual(
            set(Effort.objects.filter(spearhead__plan=self.new_plan).values_list("pk", flat=True)),
            {line.pk for line in self.get(reverse("plan:effort-list")).context["page"]},
        )
        rounds = list(self.get(reverse("plan:round-list")).context["rounds"])
        self.assertEqual(rounds, [self.new_round])
        years = [y.year for y in self.get(reverse("plan:year-list")).context["years"]]
        self.assertEqual(years, [2025])

    def test_the_query_shows_the_old_plan_on_every_plan_wide_page(self):
        for name in [*PLAN_WIDE, "reporting:evaluation"]:
            with self.subTest(name):
                r = self.get(reverse(name) + OLD)
                self.assertEqual(r.context["plan"], self.plan)
                self.assertContains(r, "U bekijkt het plan 2021-2024.")
                self.assertContains(r, "Dit plan is gesloten en alleen te lezen.")
        lines = self.get(reverse("plan:effort-list") + OLD).context["page"]
        self.assertEqual({line.pk for line in lines}, {self.effort.pk, self.other_effort.pk})
        rounds = list(self.get(reverse("plan:round-list") + OLD).context["rounds"])
        self.assertEqual(rounds, [self.old_round])
        years = [y.year for y in self.get(reverse("plan:year-list") + OLD).context["years"]]
        self.assertEqual(years, [2024])

    def test_the_dashboards_monitor_stops_at_the_plans_last_year(self):
        from plan.models import Indicator, IndicatorValue

        indicator = Indicator.objects.create(name="Aandeel internationals", unit="%")
        for year, value in [(2023, 10), (2024, 11), (2026, 14)]:
            IndicatorValue.objects.create(indicator=indicator, year=year, value=value)
        monitor = reverse("reporting:dashboard-monitor")
        r = self.get(monitor + OLD)
        (old,) = r.context["monitor_standings"]
        self.assertContains(r, "cijfers tot en met 2024")
        self.assertEqual([row[0] for row in r.context["monitor"][0].rows], ["2023", "2024"])
        (new,) = self.get(monitor).context["monitor_standings"]
        self.assertEqual((old["year"], new["year"]), (2024, 2026))

    def test_the_dashboards_tabs_keep_the_plan_shown(self):
        pages = [
            reverse("reporting:dashboard"),
            reverse("reporting:dashboard-goals"),
            reverse("reporting:dashboard-changes"),
            reverse("reporting:dashboard-monitor"),
        ]
        team = self.effort.team_id
        for url in pages:
            with self.subTest(url):
                r = self.get(url + OLD + f"&team={team}")
                tabs = [tab["url"] for tab in r.context["tabs"]]
                narrowed = "" if url == pages[3] else f"team={team}&"  # not the Monitor
                self.assertEqual(
                    tabs,
                    [
                        f"{pages[0]}?{narrowed}plan=2021-2024",
                        f"{pages[1]}?{narrowed}plan=2021-2024",
                        f"{pages[2]}?{narrowed}plan=2021-2024",
                        f"{pages[3]}?plan=2021-2024",
                    ],
                )
                # the current plan's tabs stay clean
                r = self.get(url)
                self.assertEqual([tab["url"] for tab in r.context["tabs"]], pages)

    def test_the_menu_keeps_the_plan_shown(self):
        r = self.get(reverse("plan:overview") + OLD)
        self.assertContains(r, f'href="{reverse("plan:effort-list")}{OLD}"')
        self.assertContains(r, f'href="{reverse("reporting:dashboard")}{OLD}"')
        # the current plan's links stay clean
        r = self.get(reverse("plan:overview"))
        self.assertContains(r, f'href="{reverse("plan:effort-list")}"')
        self.assertNotContains(r, "plan=2025-2028")

    def test_the_exports_and_the_effort_list_filters_follow_the_plan(self):
        self.client.force_login(self.reader)
        r = self.client.get(reverse("reporting:export-xlsx") + OLD)
        self.assertEqual(r.status_code, 200)
        old = Effort.objects.filter(spearhead__plan=self.plan)
        self.assertEqual(r.content[:2], efforts_xlsx(efforts=old)[:2])
        spearheads = self.get(reverse("plan:effort-list") + OLD).context["filter"].form
        offered = set(spearheads.fields["spearhead"].queryset)
        self.assertEqual(offered, set(self.plan.spearheads.all()))

    def test_object_pages_of_the_old_plan_show_it(self):
        for url in [
            self.effort.get_absolute_url(),
            self.economy.get_absolute_url(),
            self.city_goal.get_absolute_url(),
            self.old_round.get_absolute_url(),
            reverse("plan:year-detail", args=[2024]),
        ]:
            with self.subTest(url):
                r = self.get(url)
                self.assertEqual(r.status_code, 200)
                self.assertContains(r, "U bekijkt het plan 2021-2024.")
        r = self.get(self.new_effort.get_absolute_url())
        self.assertNotContains(r, "plan-banner")

    def test_an_unknown_plan_is_not_found(self):
        for name in [
            "plan:overview",
            "reporting:dashboard",
            "reporting:dashboard-goals",
            "reporting:dashboard-changes",
            "reporting:dashboard-monitor",
            "plan:effort-list",
            "plan:year-list",
        ]:
            with self.subTest(name):
                self.assertEqual(self.get(reverse(name) + "?plan=1999-2002").status_code, 404)
        r = self.get(reverse("reporting:annual-report", args=[2024]) + "?plan=2025-2028")
        self.assertEqual(r.status_code, 404)

    def test_a_year_resolves_to_the_plan_that_holds_it(self):
        self.assertEqual(self.get(reverse("plan:year-detail", args=[2024])).status_code, 200)
        self.assertEqual(self.get(reverse("plan:year-detail", args=[2025])).status_code, 200)
        self.assertEqual(self.get(reverse("reporting:annual-report", args=[2024])).status_code, 200)
        self.assertEqual(self.get(reverse("reporting:annual-report", args=[2029])).status_code, 404)

    def test_the_switcher_lists_the_plans_and_goes_to_the_page_shown(self):
        r = self.get(reverse("plan:effort-list"))
        self.assertContains(r, '<label for="plan-select" class="mb-0">Planperiode</label>')
        self.assertContains(r, f'action="{reverse("plan:effort-list")}"')
        self.assertContains(r, '<option value="2025-2028" selected>2025-2028 (huidig)</option>')
        self.assertContains(r, '<option value="2021-2024">2021-2024 (gesloten)</option>')
        # from an object page it goes to the overview, with the object's plan chosen
        r = self.get(self.effort.get_absolute_url())
        self.assertContains(r, f'action="{reverse("plan:overview")}"')
        self.assertContains(r, '<option value="2021-2024" selected>')

    def test_a_draft_successor_is_not_the_default_until_adopted(self):
        Plan.objects.filter(pk=self.plan.pk).update(closed=None)
        Plan.objects.filter(pk=self.new_plan.pk).update(state=Plan.State.ENDORSED, adopted=None)
        r = self.get(reverse("plan:overview"))
        self.assertEqual(r.context["plan"], self.plan)
        self.assertNotContains(r, "plan-banner")
        self.assertContains(r, '<option value="2025-2028">2025-2028 (concept)</option>')
        r = self.get(reverse("plan:overview") + "?plan=2025-2028")
        self.assertEqual(r.context["plan"], self.new_plan)
        self.assertContains(
            r, "Dit plan is nog niet vastgesteld (nu: Vastgesteld door de ambtelijk opdrachtgever)"
        )

    def test_a_closed_plans_rounds_offer_no_actions(self):
        SteeringRound.objects.filter(pk=self.old_round.pk).update(state="closed")
        r = self.get(reverse("plan:round-list") + OLD, self.bob)
        self.assertIsNone(r.context["form"])
        self.assertNotContains(r, reverse("plan:round-create"))
        r = self.get(self.old_round.get_absolute_url(), self.bob)
        self.assertNotContains(r, reverse("plan:round-reopen", args=[self.old_round.pk]))
        self.assertNotContains(r, 'name="advice"')
        r = self.get(reverse("plan:round-list"), self.bob)  # the current plan opens rounds
        self.assertContains(r, reverse("plan:round-create"))

    def test_a_closed_plans_effort_shows_no_edit_links(self):
        r = self.get(self.effort.get_absolute_url(), self.bob)
        self.assertFalse(r.context["can_edit"])
        self.assertFalse(r.context["can_edit_milestones"])
        self.assertNotContains(r, reverse("plan:effort-edit", args=[self.effort.pk]))
        r = self.get(self.new_effort.get_absolute_url(), self.bob)
        self.assertContains(r, reverse("plan:effort-edit", args=[self.new_effort.pk]))


class SinglePlanTestCase(BaseTestCase):
    def test_a_single_plan_shows_no_switcher_and_no_banner(self):
        self.client.force_login(self.alice)
        r = self.client.get(reverse("plan:overview"))
        self.assertNotContains(r, "plan-select")
        self.assertNotContains(r, "plan-banner")
        self.assertEqual(self.client.get(reverse("plan:overview") + OLD).status_code, 200)


class AwaitingDecisionTestCase(BaseTestCase):
    def test_the_current_plans_years_stay_in_the_menu_beside_a_draft_successor(self):
        from plan.selectors import plan_years_awaiting

        client_user = make_user("client", role=Role.CLIENT)
        PlanYear.objects.create(plan=self.plan, year=2024, state=PlanYear.State.ADVISED)
        successor_start(self.plan, close=False)
        self.assertEqual([y.year for y in plan_years_awaiting(user=client_user)], [2024])
        Plan.objects.filter(pk=self.plan.pk).update(closed=timezone.now())
        self.assertEqual(plan_years_awaiting(user=client_user), [])


class ClosedPlanRefusesTestCase(PlanPeriodsTestCase):
    def assertRefused(self, response):
        self.assertContains(response, CLOSED_MESSAGE, status_code=403)

    def test_editing_an_effort_is_refused(self):
        for user in [self.bob, self.alice]:
            self.client.force_login(user)
            url = reverse("plan:effort-edit", args=[self.effort.pk])
            self.assertRefused(self.client.get(url))
            data = {"title": "Anders", "status": "done", "progress": 100, "version": 1}
            self.assertRefused(self.client.post(url, data))
        self.effort.refresh_from_db()
        self.assertEqual(
            (self.effort.title, self.effort.version), ("Doorontwikkeling Expat Centre", 1)
        )

    def test_a_progress_update_and_its_review_are_refused(self):
        self.client.force_login(self.charlie)
        url = reverse("plan:update-create", args=[self.other_effort.pk])
        data = {"status": "at_risk", "progress": 20, "note": "Nieuw"}
        self.assertRefused(self.client.post(url, data))
        self.client.force_login(self.bob)
        url = reverse("plan:update-review", args=[self.old_update.pk])
        self.assertRefused(self.client.post(url, {"action": "accept", "reason": ""}))
        self.old_update.refresh_from_db()
        self.assertEqual(self.old_update.state, ProgressUpdate.State.SUBMITTED)
        url = reverse("plan:round-accept", args=[self.old_round.pk])
        self.client.post(url, {"updates": [self.old_update.pk], "confirm": "1"})
        self.old_update.refresh_from_db()
        self.assertEqual(self.old_update.state, ProgressUpdate.State.SUBMITTED)

    def test_milestones_are_refused(self):
        self.client.force_login(self.bob)
        url = reverse("plan:milestone-create", args=[self.effort.pk])
        self.assertRefused(self.client.post(url, {"title": "Nieuw", "due": "2025-01-01"}))
        url = reverse("plan:milestone-done", args=[self.milestone.pk])
        self.assertRefused(self.client.post(url))
        self.milestone.refresh_from_db()
        self.assertIsNone(self.milestone.done)
        self.assertEqual(self.effort.milestones.count(), 1)

    def test_the_rounds_are_refused(self):
        self.client.force_login(self.bob)
        for name, data in [
            ("plan:round-close", {}),
            ("plan:round-detail", {"advice": "Anders", "decisions": ""}),
        ]:
            with self.subTest(name):
                url = reverse(name, args=[self.old_round.pk])
                self.assertRefused(self.client.post(url, data))
        self.old_round.refresh_from_db()
        self.assertTrue(self.old_round.is_open)
        self.assertEqual(self.old_round.advice, "")

    def test_the_years_chain_and_texts_are_refused(self):
        self.client.force_login(self.bob)
        url = reverse("plan:year-transition", args=[2024])
        self.assertRefused(self.client.post(url, {"to": "advised", "comment": ""}))
        url = reverse("plan:year-narrative", args=[2024])
        self.assertRefused(self.client.post(url, {"version": 0, "foreword": "<p>Nieuw</p>"}))
        self.old_year.refresh_from_db()
        self.assertEqual(self.old_year.state, PlanYear.State.CONCEPT)
        self.assertFalse(YearNarrative.objects.filter(plan_year=self.old_year).exists())
        r = self.get(reverse("plan:year-detail", args=[2024]), self.bob)
        self.assertEqual(r.context["moves"], [])
        self.assertFalse(r.context["can_write_narrative"])

    def test_the_admin_shows_it_read_only_and_refuses_a_change(self):
        self.client.force_login(self.bob)
        url = reverse("admin:plan_effort_change", args=[self.effort.pk])
        r = self.client.get(url)
        self.assertContains(r, CLOSED_MESSAGE)
        self.assertNotContains(r, 'name="_save"')
        data = {"spearhead": self.economy.pk, "number": 1, "title": "Anders", "version": 1}
        self.assertRefused(self.client.post(url, data))
        url = reverse("admin:plan_spearhead_change", args=[self.economy.pk])
        self.assertRefused(self.client.post(url, {"number": 3, "name": "Anders"}))
        self.effort.refresh_from_db()
        self.economy.refresh_from_db()
        self.assertEqual(self.effort.title, "Doorontwikkeling Expat Centre")
        self.assertEqual(self.economy.name, "Kennis & Economie")
        # the open plan's effort is still changed there
        r = self.client.get(reverse("admin:plan_effort_change", args=[self.new_effort.pk]))
        self.assertContains(r, 'name="_save"')

    def test_the_import_refuses_a_closed_plan(self):
        self.client.force_login(self.bob)
        self.assertRefused(self.client.get(reverse("plan:import-upload") + OLD))
        workbook = efforts_xlsx(efforts=Effort.objects.filter(spearhead__plan=self.plan))
        with self.assertRaisesMessage(PlanClosed, CLOSED_MESSAGE):
            import_apply(file=io.BytesIO(workbook), plan=self.plan, user=self.bob)
        with self.assertRaisesMessage(CommandError, CLOSED_MESSAGE):
            path = self.tmp_workbook(workbook)
            call_command("import_plan", path, "--plan", "2021-2024", stdout=io.StringIO())
        # the current plan still imports
        self.assertEqual(self.get(reverse("plan:import-upload"), self.bob).status_code, 200)

    def tmp_workbook(self, content: bytes) -> str:
        import tempfile

        file = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)  # noqa: SIM115
        file.write(content)
        file.close()
        self.addCleanup(lambda: __import__("os").unlink(file.name))
        return file.name

    def test_the_services_refuse_and_say_why(self):
        with self.assertRaisesMessage(PermissionDenied, CLOSED_MESSAGE):
            ensure_plan_open(Plan.objects.get(pk=self.plan.pk))
        ensure_plan_open(self.new_plan)  # open: nothing raised

    def test_the_message_is_translated(self):
        from django.utils import translation

        with translation.override("en"):
            self.assertEqual(
                str(PlanClosed(self.plan)),
                "The plan 2021-2024 is closed: it can no longer be changed.",
            )


class AdoptedReportKeptTestCase(BaseTestCase):
    """The report PDF of an adopted year of the old plan is the same, byte for byte, before
    and after the next plan starts."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.client_user = make_user("client", role=Role.CLIENT)
        cls.directors = make_user("directors", role=Role.DIRECTORS)
        cls.alderman = make_user("alderman", role=Role.ALDERMAN)
        cls.plan_year = PlanYear.objects.create(plan=cls.plan, year=2022)
        from plan.services import plan_year_transition

        actors = {"bob": cls.bob, "client": cls.client_user}
        actors |= {"directors": cls.directors, "alderman": cls.alderman}
        for to, name in CHAIN:
            plan_year_transition(plan_year=cls.plan_year, to=to, by=actors[name])

    def pdf(self):
        self.client.force_login(self.alice)
        r = self.client.get(reverse("reporting:annual-report-pdf", args=[2022]))
        self.assertEqual(r.status_code, 200)
        return r.content

    def test_the_adopted_pdf_is_served_unchanged(self):
        before = self.pdf()
        self.plan_year.refresh_from_db()
        self.assertEqual(before, bytes(self.plan_year.report_pdf))
        successor_start(self.plan)
        after = self.pdf()
        self.assertEqual(before, after)
        self.client.force_login(self.alice)
        with_query = self.client.get(reverse("reporting:annual-report-pdf", args=[2022]) + OLD)
        self.assertEqual(with_query.content, before)
        page = self.client.get(reverse("plan:year-detail", args=[2022]))
        self.assertContains(page, reverse("reporting:annual-report-pdf", args=[2022]))


class QueryCountsTestCase(BaseTestCase):
    """The main pages read as many queries with a second plan as with one; an effort's page
    one more where efforts continue or are continued (it reads them)."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        PlanYear.objects.create(plan=cls.plan, year=2024)

    def start_successor(self) -> Plan:
        successor = successor_start(self.plan)
        PlanYear.objects.create(plan=successor, year=2025)
        return successor

    def counts(self, query="", *, year=2024, effort=None):
        self.client.force_login(self.bob)
        urls = {
            "overview": reverse("plan:overview") + query,
            "dashboard": reverse("reporting:dashboard") + query,
            "dashboard goals": reverse("reporting:dashboard-goals") + query,
            "dashboard changes": reverse("reporting:dashboard-changes") + query,
            "dashboard monitor": reverse("reporting:dashboard-monitor") + query,
            "effort list": reverse("plan:effort-list") + query,
            "year detail": reverse("plan:year-detail", args=[year]) + query,
            "effort detail": (effort or self.effort).get_absolute_url(),
        }
        counts = {}
        for name, url in urls.items():
            self.client.get(url)  # the session and caches settle
            with CaptureQueriesContext(connection) as queries:
                r = self.client.get(url)
            self.assertEqual(r.status_code, 200, name)
            counts[name] = len(queries)
        return counts

    def test_the_counts_are_equal_with_one_and_two_plans(self):
        one = self.counts()
        self.assertEqual(one, PINNED)
        self.start_successor()
        self.assertEqual(self.counts(OLD), PINNED_CLOSED)  # the old plan, now closed

    def test_the_counts_are_equal_for_the_new_plan(self):
        self.start_successor()
        carried = Effort.objects.get(predecessor=self.effort)
        self.assertEqual(self.counts(year=2025, effort=carried), PINNED_CONTINUING)

    def test_the_counts_do_not_grow_with_ten_times_the_efforts(self):
        self.add_efforts(10)
        self.start_successor()
        carried = Effort.objects.get(predecessor=self.effort)
        self.assertEqual(self.counts(OLD), PINNED_CLOSED)
        self.assertEqual(self.counts(year=2025, effort=carried), PINNED_CONTINUING)


PINNED = {  # each with the session, the user and the menu's plans and years awaiting
    "overview": 7,
    "dashboard": 11,
    "dashboard goals": 8,
    "dashboard changes": 7,
    "dashboard monitor": 5,
    "effort list": 12,
    "year detail": 11,
    "effort detail": 11,
}
# a closed plan's year offers no step and no texts to write: the user's groups and the
# texts still missing are not read; the new plan continues it, so its efforts' successors are
# read (one query more)
PINNED_CLOSED = {**PINNED, "year detail": 8, "effort detail": PINNED["effort detail"] + 1}
# an effort of the new plan continues one of the old: one more query reads it (with one plan,
# or in a plan no other continues, an effort has no lineage to read)
PINNED_CONTINUING = {**PINNED, "effort detail": PINNED["effort detail"] + 1}


class ImportIntoChosenPlanTestCase(BaseTestCase):
    def test_the_import_writes_into_the_plan_chosen_at_the_upload(self):
        import shutil
        import tempfile

        from django.test import override_settings

        from tests.workbooks import effort_row, xlsx

        media = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, media)
        with override_settings(MEDIA_ROOT=media):
            successor = successor_start(self.plan, close=False)  # a draft: not current
            self.client.force_login(self.bob)
            file = xlsx([effort_row(Inspanning="Expat Centre, tweede fase")])
            file.name = "plan.xlsx"
            url = reverse("plan:import-upload") + "?plan=2025-2028"
            self.assertContains(self.client.get(url), "geïmporteerd in het plan 2025-2028")
            self.client.post(url, {"file": file})
            self.assertContains(self.client.get(reverse("plan:import-preview")), "tweede fase")
            r = self.client.post(reverse("plan:import-confirm"))
            self.assertRedirects(r, reverse("plan:effort-list") + "?plan=2025-2028")
        carried = Effort.objects.get(spearhead__plan=successor, spearhead__number=3, number=1)
        self.assertEqual(carried.title, "Expat Centre, tweede fase")
        self.effort.refresh_from_db()
        self.assertEqual(self.effort.title, "Doorontwikkeling Expat Centre")
