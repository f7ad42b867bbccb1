"""The approvers see that a plan year waits for their step: on landing, in the menu, on
the year list."""

from django.urls import reverse

from plan.services import plan_year_transition
from tests.plan.test_plan_years import CHAIN, PlanYearTestCase

NOTICE = "Een jaarupdate wacht op uw besluit"
BADGE = '<span class="visually-hidden"> wacht op uw besluit</span>'
MARKER = '<span class="badge text-bg-warning">wacht op uw besluit</span>'
EVERYONE = ["bob", "client", "directors", "alderman", "alice", "reader"]
# the state a year is in, and who takes the next step
TURNS = [("concept", "bob"), ("advised", "client"), ("endorsed", "directors")]
TURNS += [("reviewed", "alderman"), ("adopted", "bob")]


class AwaitingDecisionTestCase(PlanYearTestCase):
    def pages(self, user):
        self.client.force_login(user)
        return {
            "dashboard": self.client.get(reverse("reporting:dashboard")),
            "my-efforts": self.client.get(reverse("plan:my-efforts")),
            "years": self.client.get(reverse("plan:year-list")),
        }

    def test_whoever_takes_the_next_step_sees_it_everywhere_and_no_one_else(self):
        for state, whose_turn in TURNS:
            if state != "concept":
                previous = next(name for to, name in CHAIN if to == state)
                plan_year_transition(plan_year=self.plan_year, to=state, by=self.actor(previous))
            for name in EVERYONE:
                pages = self.pages(self.actor(name))
                with self.subTest(state=state, user=name):
                    if name == whose_turn:
                        for page in ("dashboard", "my-efforts"):
                            self.assertContains(pages[page], NOTICE)
                            self.assertContains(pages[page], 'href="/years/2022/"')
                        self.assertContains(pages["years"], BADGE, count=1)
                        self.assertContains(pages["years"], MARKER, count=1)
                    else:
                        for page in pages.values():
                            self.assertNotContains(page, "wacht op uw besluit")

    def test_the_client_reads_which_step_is_theirs(self):
        plan_year_transition(plan_year=self.plan_year, to="advised", by=self.bob)
        r = self.pages(self.client_user)["dashboard"]
        self.assertContains(r, "Uw stap: Vastgesteld door de ambtelijk opdrachtgever.")

    def test_the_programme_manager_sees_sending_to_the_council_as_theirs(self):
        self.plan_year.state = "adopted"
        self.plan_year.save()
        r = self.pages(self.bob)["my-efforts"]
        self.assertContains(r, NOTICE)
        self.assertContains(r, "Uw stap: Aangeboden aan de raad.")

    def test_a_year_sent_to_the_council_awaits_no_one(self):
        self.plan_year.state = "sent_to_council"
        self.plan_year.save()
        for name in EVERYONE:
            for page in self.pages(self.actor(name)).values():
                self.assertNotContains(page, "wacht op uw besluit")

    def test_the_year_list_marks_only_the_waiting_year_with_one_query_for_all(self):
        self.plan_year.state = "reviewed"
        self.plan_year.save()
        self.plan.years.create(year=2021, state="sent_to_council")
        self.client.force_login(self.alderman)
        # session, user, plan, years, the years awaiting the user (marker and menu: one
        # query, read once per request), permissions (1) for "start the next year"
        with self.assertNumQueries(6):
            r = self.client.get(reverse("plan:year-list"))
        marked = [y.year for y in r.context["years"] if y.awaits_you]
        self.assertEqual(marked, [2022])

    def test_the_login_page_runs_no_such_query(self):
        self.client.logout()
        with self.assertNumQueries(0):
            r = self.client.get(reverse("login"))
        self.assertNotContains(r, "wacht op uw besluit")
