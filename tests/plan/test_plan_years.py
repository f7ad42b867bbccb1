import hashlib

from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from plan.models import Effort, PlanYear
from plan.roles import Role
from plan.services import plan_year_start_next, plan_year_transition
from tests.base import BaseTestCase, make_user
from tests.reporting.test_annual_report import pdf_text

CHAIN = [
    ("advised", "bob"),
    ("endorsed", "client"),
    ("reviewed", "directors"),
    ("adopted", "alderman"),
    ("sent_to_council", "bob"),
]


class PlanYearTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.client_user = make_user("client", role=Role.CLIENT, email="client@example.org")
        cls.directors = make_user("directors", role=Role.DIRECTORS, email="dt@example.org")
        cls.alderman = make_user("alderman", role=Role.ALDERMAN, email="wethouder@example.org")
        cls.reader = make_user("reader", role=Role.READER)
        cls.plan_year = PlanYear.objects.create(plan=cls.plan, year=2022)

    def actor(self, name):
        return {
            "bob": self.bob,
            "client": self.client_user,
            "directors": self.directors,
            "alderman": self.alderman,
            "alice": self.alice,
            "reader": self.reader,
        }[name]

    def move(self, user, to, comment=""):
        """The step as the page takes it: adopting and sending to the council come from
        their confirmation page, which answers `confirmed`."""
        self.client.force_login(user)
        url = reverse("plan:year-transition", args=[2022])
        return self.client.post(url, {"to": to, "comment": comment, "confirmed": "yes"})

    def state(self):
        self.plan_year.refresh_from_db()
        return self.plan_year.state

    def advance_to(self, target):
        for to, name in CHAIN:
            plan_year_transition(plan_year=self.plan_year, to=to, by=self.actor(name))
            if to == target:
                return


class ChainTestCase(PlanYearTestCase):
    def test_each_step_by_its_own_role_and_by_no_one_else(self):
        everyone = ["bob", "client", "directors", "alderman", "alice", "reader"]
        for to, name in CHAIN:
            current = self.state()
            for other in everyone:
                if other == name:
                    continue
                with self.subTest(step=to, actor=other):
                    self.assertEqual(self.move(self.actor(other), to).status_code, 403)
                    self.assertEqual(self.state(), current)
            r = self.move(self.actor(name), to)
            self.assertRedirects(r, self.plan_year.get_absolute_url())
            self.assertEqual(self.state(), to)
        trail = [(s.to_state, s.by.username) for s in self.plan_year.steps.all()]
        self.assertEqual(trail, [(to, self.actor(name).username) for to, name in CHAIN])
        self.plan_year.refresh_from_db()
        self.assertIsNotNone(self.plan_year.sent_to_council_on)

    def test_a_step_cannot_be_skipped(self):
        self.assertEqual(self.move(self.bob, "adopted").status_code, 403)
        self.assertEqual(self.move(self.alderman, "adopted").status_code, 403)
        self.assertEqual(self.move(self.client_user, "endorsed").status_code, 403)
        self.assertEqual(self.state(), "concept")

    def test_sending_back_needs_a_reason(self):
        self.advance_to("endorsed")
        self.client.force_login(self.directors)
        url = reverse("plan:year-transition", args=[2022])
        r = self.client.post(url, {"to": "concept", "comment": "  "}, follow=True)
        self.assertContains(r, "Geef de reden waarom u het jaar terugstuurt naar concept.")
        self.assertEqual(self.state(), "endorsed")
        self.move(self.directors, "concept", comment="Financiering 5.1 ontbreekt")
        self.assertEqual(self.state(), "concept")
        step = self.plan_year.steps.last()
        self.assertEqual((step.to_state, step.comment), ("concept", "Financiering 5.1 ontbreekt"))

    def test_only_the_reviewer_whose_turn_it_is_sends_back(self):
        self.advance_to("endorsed")
        for user in (self.client_user, self.alderman, self.bob):
            self.assertEqual(self.move(user, "concept", "nee").status_code, 403)
        self.assertEqual(self.state(), "endorsed")

    def test_the_next_role_is_mailed_when_it_is_their_turn(self):
        self.advance_to("advised")
        self.assertEqual([m.to for m in mail.outbox], [])  # on_commit: not in a test transaction
        with self.captureOnCommitCallbacks(execute=True):
            plan_year_transition(plan_year=self.plan_year, to="endorsed", by=self.client_user)
        self.assertEqual([m.to for m in mail.outbox], [["dt@example.org"]])
        self.assertIn("2022", mail.outbox[0].subject)

    def test_the_year_page_shows_state_trail_and_the_users_own_step(self):
        self.advance_to("advised")
        self.client.force_login(self.client_user)
        r = self.client.get(self.plan_year.get_absolute_url())
        self.assertContains(r, "Advies regiegroep")
        self.assertContains(r, 'name="to" value="endorsed"')
        self.assertContains(r, 'name="to" value="concept"')
        self.client.force_login(self.reader)
        self.assertNotContains(self.client.get(self.plan_year.get_absolute_url()), 'name="to"')


class FrozenYearTestCase(PlanYearTestCase):
    def test_later_edits_never_change_the_adopted_year(self):
        self.advance_to("adopted")
        self.plan_year.refresh_from_db()
        pdf = bytes(self.plan_year.report_pdf)
        snapshot = self.plan_year.snapshot
        self.assertEqual(self.plan_year.report_sha256, hashlib.sha256(pdf).hexdigest())
        self.assertEqual(
            [e["title"] for e in snapshot["efforts"]],
            ["Huurteam voor internationals", "Doorontwikkeling Expat Centre"],
        )

        self.effort.title = "Internationaal Centrum"
        self.effort.save()
        self.effort.set_status(Effort.Status.STOPPED, by=self.bob)

        self.plan_year.refresh_from_db()
        self.assertEqual(bytes(self.plan_year.report_pdf), pdf)
        self.assertEqual(self.plan_year.snapshot, snapshot)
        self.client.force_login(self.reader)
        r = self.client.get(reverse("reporting:annual-report-pdf", args=[2022]))
        self.assertEqual(r.content, pdf)  # served byte for byte as adopted
        page = self.client.get(self.plan_year.get_absolute_url())
        self.assertContains(page, "Meerjarenplan zoals vastgesteld op")
        self.assertContains(page, "Doorontwikkeling Expat Centre")
        self.assertNotContains(page, "Internationaal Centrum")

    def test_the_year_page_pages_the_adopted_efforts_from_their_rows(self):
        self.add_efforts(60)
        self.advance_to("adopted")
        self.plan_year.refresh_from_db()
        rows = list(self.plan_year.adopted_efforts.values_list("data", flat=True))
        self.assertEqual(rows, self.plan_year.snapshot["efforts"])  # the same, in order
        self.assertEqual(
            self.plan_year.outline["spearheads"], self.plan_year.snapshot["spearheads"]
        )
        self.client.force_login(self.reader)
        url = self.plan_year.get_absolute_url()
        with self.assertNumQueries(11):  # the count of its efforts and one page of them
            first = self.client.get(url)
        self.assertContains(first, "Doorontwikkeling Expat Centre")
        with self.assertNumQueries(11):
            second = self.client.get(url, {"page": 2})
        self.assertContains(second, "Extra inspanning 60")
        self.assertNotContains(second, "Doorontwikkeling Expat Centre")
        # a year frozen before the rows were kept (an old backup) shows the same from its
        # snapshot
        self.plan_year.adopted_efforts.all().delete()
        PlanYear.objects.filter(pk=self.plan_year.pk).update(outline=None)

        def main(response):
            return response.content.decode().split("<main")[1].split("</main>")[0]

        self.assertEqual(main(self.client.get(url, {"page": 2})), main(second))

    def test_two_people_adopting_at_once_adopt_once(self):
        self.advance_to("reviewed")
        stale = PlanYear.objects.get(pk=self.plan_year.pk)  # both loaded the page
        plan_year_transition(plan_year=self.plan_year, to="adopted", by=self.alderman)
        other_alderman = make_user("alderman2", role=Role.ALDERMAN)
        with self.assertRaisesMessage(ValidationError, "zojuist"):
            plan_year_transition(plan_year=stale, to="adopted", by=other_alderman)
        self.assertEqual(self.plan_year.steps.filter(to_state="adopted").count(), 1)


class CompareYearsTestCase(PlanYearTestCase):
    def test_the_comparison_lists_exactly_what_changed(self):
        self.advance_to("adopted")
        next_year = plan_year_start_next(plan=self.plan, by=self.bob)
        self.assertEqual(next_year.year, 2023)
        self.add_efforts(1)  # 3.2 added
        self.other_effort.set_status(Effort.Status.DONE, by=self.bob)  # 1.1 finished
        self.effort.set_priority(False, by=self.bob)  # 3.1 no longer a priority
        self.effort.team = self.team_w  # 3.1 moved to Wonen
        self.effort.save()
        self.effort.goals.remove(self.meeting_goal)  # 3.1 no longer serves 1.3

        self.client.force_login(self.wethouder)
        r = self.client.get(reverse("plan:year-compare", args=[2022, 2023]))
        diff = r.context["diff"]
        absurd = 99999999999999999999
        for args in ([absurd, 2023], [2022, absurd], [absurd, absurd]):
            url = reverse("plan:year-compare", args=args)
            self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual([e["code"] for e in diff["added"]], ["3.2"])
        self.assertEqual([e["code"] for e in diff["finished"]], ["1.1"])
        self.assertEqual([(e["code"], e["was"]) for e in diff["priority"]], [("3.1", True)])
        self.assertEqual(
            [(e["code"], e["was"], e["team"]) for e in diff["team"]],
            [("3.1", "Kennis & Internationalisering", "Wonen")],
        )
        self.assertEqual(
            [(e["code"], e["goals_added"], e["goals_removed"]) for e in diff["goals"]],
            [("3.1", [], ["1.3"])],
        )
        self.assertEqual(diff["stopped"], [])
        self.assertEqual(diff["removed"], [])
        # finishing sets the progress to 100%: the report shows that too
        self.assertEqual([(e["code"], e["was"]) for e in diff["progress"]], [("1.1", 10)])
        self.assertEqual(diff["count"], 6)
        self.assertContains(r, "Kennis &amp; Internationalisering → Wonen")

        # the annual report of 2023 shows the same changes: its page links to this comparison
        # (the page shows a part at a time), its PDF lists them
        report = self.client.get(reverse("reporting:annual-report", args=[2023]))
        self.assertContains(
            report, "Wijzigingen ten opzichte van het plan zoals vastgesteld voor 2022"
        )
        self.assertContains(report, reverse("plan:year-compare", args=[2022, 2023]))
        pdf = pdf_text(self.client.get(reverse("reporting:annual-report-pdf", args=[2023])).content)
        self.assertIn("Wijzigingen ten opzichte van het plan zoals vastgesteld voor 2022", pdf)
        self.assertIn("3.2 Extra inspanning 2", pdf)

    def test_the_next_year_waits_for_adoption(self):
        with self.assertRaisesMessage(ValidationError, "2022"):
            plan_year_start_next(plan=self.plan, by=self.bob)
        self.client.force_login(self.alice)
        self.assertEqual(self.client.post(reverse("plan:year-start")).status_code, 403)
