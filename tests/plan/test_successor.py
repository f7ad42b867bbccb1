"""Starting the next plan from the real 2021-2024 plan: carrying efforts over, the approval
chain to adoption, closing the old plan, the evaluation's conclusions and the demo command."""

from django.contrib.auth.models import User
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plan.models import Effort, Goal, Plan, PlanStep, PlanYear, Spearhead
from plan.roles import Role
from plan.selectors import plan_current
from plan.services import plan_year_transition
from plan.successors import efforts_carry_over, plan_start, plan_transition
from tests.base import make_user

START = reverse("plan:plan-start")
CHAIN = [
    ("advised", Role.PROGRAMME_MANAGER),
    ("endorsed", Role.CLIENT),
    ("reviewed", Role.DIRECTORS),
    ("adopted", Role.ALDERMAN),
    ("sent_to_council", Role.PROGRAMME_MANAGER),
]


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class SuccessorTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("loaddata", "leiden_2021_2024", verbosity=0)
        cls.old = Plan.objects.get(slug="2021-2024")
        cls.users = {
            role: make_user(f"u-{role.value}", role=role, email=f"{role.value}@example.org")
            for role in Role
        }
        cls.manager = cls.users[Role.PROGRAMME_MANAGER]

    def start_form(self, **changes) -> dict:
        data = {
            "title": "Meerjarenplan internationalisering 2025-2028",
            "title_en": "Multi-year plan for internationalisation 2025-2028",
            "start_year": "2025",
            "end_year": "2028",
            "ambition": "Samen verder",
            "ambition_en": "",
        }
        for spearhead in self.old.spearheads.all():
            data[f"copy_{spearhead.pk}"] = "on"
        data.update(changes)
        return data

    def start(self) -> Plan:
        return plan_start(
            predecessor=self.old,
            title="Meerjarenplan 2025-2028",
            start_year=2025,
            end_year=2028,
            ambition="Samen verder",
            spearheads=list(self.old.spearheads.all()),
            by=self.manager,
        )

    def post_as(self, role, url, data=None):
        self.client.force_login(self.users[role])
        return self.client.post(url, data or {})

    # --- the whole way, through the pages --------------------------------------------------

    def test_start_carry_eight_adopt_and_close(self):
        self.client.force_login(self.manager)
        page = self.client.get(START)
        self.assertContains(page, 'value="2025"')  # the year after 2021-2024
        self.assertContains(page, 'value="2028"')
        r = self.client.post(START, self.start_form())
        new = Plan.objects.get(slug="2025-2028")
        self.assertRedirects(r, reverse("plan:plan-detail", args=["2025-2028"]))
        self.assertEqual((new.state, new.predecessor), (Plan.State.CONCEPT, self.old))
        self.assertEqual(new.spearheads.count(), 6)
        self.assertEqual(Goal.objects.filter(spearhead__plan=new, origin__isnull=False).count(), 23)
        self.assertEqual(plan_current(), self.old, "a draft does not replace the current plan")
        for goal in Goal.objects.filter(spearhead__plan=new).select_related("origin"):
            self.assertEqual(
                set(goal.indicators.values_list("pk", flat=True)),
                set(goal.origin.indicators.values_list("pk", flat=True)),
            )

        page = self.client.get(reverse("plan:plan-carry-over", args=["2025-2028"]))
        self.assertContains(page, "15 lopende inspanningen zijn aangevinkt")
        self.assertContains(page, " checked", count=15)
        chosen = list(
            Effort.objects.filter(spearhead__plan=self.old)
            .order_by("spearhead__number", "number")
            .values_list("pk", flat=True)[:8]
        )
        r = self.client.post(
            reverse("plan:plan-carry-over", args=["2025-2028"]), {"effort": chosen}
        )
        self.assertRedirects(r, new.get_absolute_url())
        carried = Effort.objects.filter(spearhead__plan=new).select_related("spearhead")
        self.assertEqual(carried.count(), 8)
        self.assertEqual(len({e.code for e in carried}), 8, "numbers unique within the plan")
        self.assertEqual(set(carried.values_list("predecessor", flat=True)), set(chosen))

        mail.outbox.clear()
        for state, role in CHAIN:
            data = {"to": state, "confirmed": "yes"}
            with self.captureOnCommitCallbacks(execute=True):
                r = self.post_as(role, reverse("plan:plan-transition", args=["2025-2028"]), data)
            self.assertRedirects(r, new.get_absolute_url(), fetch_redirect_response=False)
            new.refresh_from_db()
            self.assertEqual(new.state, state)
        self.assertEqual(
            [m.to for m in mail.outbox],
            [
                ["opdrachtgever@example.org"],
                ["directieteam@example.org"],
                ["wethouder@example.org"],
                ["opgavemanager@example.org"],
            ],
        )
        self.assertEqual(new.steps.count(), 5)
        self.old.refresh_from_db()
        self.assertTrue(self.old.is_closed)
        self.assertIsNotNone(new.adopted)
        self.assertEqual(plan_current(), new)
        # the adopted plan's spearheads stay as adopted; the closed plan's conclusions too
        spearhead = new.spearheads.get(number=1)
        r = self.client.get(reverse("plan:plan-spearhead-edit", args=[new.slug, spearhead.pk]))
        self.assertRedirects(r, new.get_absolute_url(), fetch_redirect_response=False)
        self.assertContains(self.client.get(r.url), "alleen zolang het een concept is")
        old_spearhead = self.old.spearheads.get(number=1)
        r = self.client.post(
            reverse("reporting:evaluation-conclusion", args=[old_spearhead.pk]),
            {"conclusion": "Te laat"},
            follow=True,
        )
        self.assertContains(r, "Plan 2021-2024 is gesloten: het kan niet meer worden gewijzigd.")
        old_spearhead.refresh_from_db()
        self.assertEqual(old_spearhead.conclusion, "")

        # a carried effort links both ways
        effort = carried.get(predecessor__spearhead__number=3, predecessor__number=1)
        self.client.force_login(self.users[Role.READER])
        page = self.client.get(effort.get_absolute_url())
        self.assertContains(page, "Vervolg van 3.1, 2021-2024")
        self.assertContains(page, f'href="/efforts/{effort.predecessor_id}/"')
        self.assertContains(page, f'href="/efforts/{effort.predecessor_id}/#history-heading"')
        page = self.client.get(effort.predecessor.get_absolute_url())
        self.assertContains(page, "Vervolgd in 2025-2028 als")
        self.assertContains(page, f'href="{effort.get_absolute_url()}"')
        # the plan page lists the trail and the carried efforts
        page = self.client.get(new.get_absolute_url())
        self.assertContains(page, "vervolg van 3.1")
        self.assertContains(page, "Aangeboden aan de raad", count=3)  # state, chain, trail

    def test_the_list_offers_the_start_only_to_the_manager(self):
        for role, user in self.users.items():
            self.client.force_login(user)
            page = self.client.get(reverse("plan:plan-list"))
            self.assertEqual(page.status_code, 200)
            if role == Role.PROGRAMME_MANAGER:
                self.assertContains(page, START)
            else:
                self.assertNotContains(page, START)
        self.start()
        self.client.force_login(self.manager)
        page = self.client.get(reverse("plan:plan-list"))
        self.assertNotContains(page, START)
        self.assertContains(page, "2025-2028")

    # --- permissions -----------------------------------------------------------------------

    def test_only_the_manager_starts_a_plan(self):
        for role, user in self.users.items():
            if role == Role.PROGRAMME_MANAGER:
                continue
            self.client.force_login(user)
            self.assertEqual(self.client.get(START).status_code, 403)
            self.assertEqual(self.client.post(START, self.start_form()).status_code, 403)
            with self.assertRaises(PermissionDenied):
                plan_start(
                    predecessor=self.old,
                    title="x",
                    start_year=2025,
                    end_year=2028,
                    ambition="x",
                    spearheads=[],
                    by=user,
                )
        self.assertEqual(Plan.objects.count(), 1)

    def test_only_the_chain_role_takes_each_step(self):
        new = self.start()
        url = reverse("plan:plan-transition", args=[new.slug])
        for state, role in CHAIN:
            for other, user in self.users.items():
                if other == role:
                    continue
                self.client.force_login(user)
                r = self.client.post(url, {"to": state, "confirmed": "yes"})
                self.assertEqual(r.status_code, 403, (state, other))
            self.post_as(role, url, {"to": state, "confirmed": "yes"})
            new.refresh_from_db()
            self.assertEqual(new.state, state)

    def test_adopting_needs_the_confirmation(self):
        new = self.start()
        for state, role in CHAIN[:3]:
            plan_transition(plan=new, to=state, by=self.users[role])
        url = reverse("plan:plan-transition", args=[new.slug])
        self.post_as(Role.ALDERMAN, url, {"to": "adopted"})
        new.refresh_from_db()
        self.assertEqual(new.state, Plan.State.REVIEWED)
        self.assertIsNone(Plan.objects.get(pk=self.old.pk).closed)

    def test_a_reviewer_sends_it_back_with_a_reason(self):
        new = self.start()
        plan_transition(plan=new, to="advised", by=self.manager)
        url = reverse("plan:plan-transition", args=[new.slug])
        r = self.post_as(Role.CLIENT, url, {"to": "concept"})
        self.assertContains(self.client.get(r.url), "Geef de reden")
        self.post_as(Role.CLIENT, url, {"to": "concept", "comment": "Doelen scherper"})
        new.refresh_from_db()
        self.assertEqual(new.state, Plan.State.CONCEPT)
        self.assertEqual(PlanStep.objects.filter(plan=new).last().comment, "Doelen scherper")

    # --- bad input -------------------------------------------------------------------------

    def test_end_before_start_is_refused_and_creates_nothing(self):
        self.client.force_login(self.manager)
        r = self.client.post(START, self.start_form(start_year="2028", end_year="2025"))
        self.assertContains(r, "Het eindjaar mag niet voor het beginjaar liggen.")
        self.assertEqual(Plan.objects.count(), 1)

    def test_years_overlapping_the_old_plan_are_refused(self):
        self.client.force_login(self.manager)
        r = self.client.post(START, self.start_form(start_year="2024", end_year="2027"))
        self.assertContains(r, "na 2024")
        self.assertEqual(Plan.objects.count(), 1)

    def test_a_second_start_while_a_draft_exists_is_refused(self):
        new = self.start()
        with self.assertRaisesMessage(ValidationError, "2025-2028"):
            self.start()
        self.client.force_login(self.manager)
        r = self.client.post(START, self.start_form(start_year="2029", end_year="2032"))
        self.assertRedirects(r, new.get_absolute_url())
        self.assertEqual(Plan.objects.count(), 2)

    # --- carrying over ---------------------------------------------------------------------

    def test_carrying_twice_carries_once_and_a_taken_number_moves_on(self):
        new = self.start()
        effort = Effort.objects.get(spearhead__plan=self.old, spearhead__number=3, number=1)
        second = Effort.objects.get(spearhead__plan=self.old, spearhead__number=3, number=2)
        spearhead = new.spearheads.get(number=3)
        Effort.objects.create(spearhead=spearhead, number=1, title="Nieuw", team=effort.team)
        first, other = efforts_carry_over(
            plan=new, choices=[{"effort": effort}, {"effort": second}], by=self.manager
        )
        self.assertEqual((first.code, other.code), ("3.3", "3.2"))  # 3.1 is taken
        self.assertEqual(
            set(first.goals.values_list("origin", flat=True)),
            set(effort.goals.values_list("pk", flat=True)),
        )
        self.assertEqual(first.history.first().history_user, self.manager)
        again = efforts_carry_over(plan=new, choices=[{"effort": effort}], by=self.manager)
        self.assertEqual(again, [])
        self.assertEqual(Effort.objects.filter(predecessor=effort).count(), 1)

    def test_moving_to_another_spearhead(self):
        new = self.start()
        effort = Effort.objects.get(spearhead__plan=self.old, spearhead__number=3, number=1)
        target = new.spearheads.get(number=1)
        self.client.force_login(self.manager)
        self.client.post(
            reverse("plan:plan-carry-over", args=[new.slug]),
            {"effort": [effort.pk], f"spearhead-{effort.pk}": target.pk},
        )
        carried = Effort.objects.get(predecessor=effort)
        self.assertEqual(carried.spearhead, target)
        # only its goals' copies under the spearhead it moved to stay
        self.assertEqual(
            set(carried.goals.values_list("spearhead", flat=True)) - {target.pk}, set()
        )

    def test_spearheads_and_goals_are_edited_while_draft(self):
        new = self.start()
        self.client.force_login(self.manager)
        r = self.client.post(
            reverse("plan:plan-spearhead-create", args=[new.slug]),
            {"number": "7", "name": "Digitaal", "ambition": "Online loket"},
        )
        self.assertRedirects(r, new.get_absolute_url())
        spearhead = new.spearheads.get(number=7)
        r = self.client.post(
            reverse("plan:plan-goal-create", args=[new.slug, spearhead.pk]),
            {"spearhead": spearhead.pk, "number": "1", "text": "Alles online"},
        )
        self.assertRedirects(r, new.get_absolute_url())
        r = self.client.post(
            reverse("plan:plan-spearhead-create", args=[new.slug]),
            {"number": "7", "name": "Dubbel", "ambition": "x"},
        )
        self.assertContains(r, "Speerpunt 7 bestaat al.")
        self.client.force_login(self.users[Role.STEERING_GROUP])
        r = self.client.get(reverse("plan:plan-spearhead-edit", args=[new.slug, spearhead.pk]))
        self.assertEqual(r.status_code, 403)
        plan_transition(plan=new, to="advised", by=self.manager)
        with self.assertRaises(ValidationError):
            efforts_carry_over(
                plan=new, choices=[{"effort": Effort.objects.first()}], by=self.manager
            )

    # --- evaluation ------------------------------------------------------------------------

    def test_the_evaluation_shows_per_goal_and_the_conclusion(self):
        Effort.objects.filter(spearhead__plan=self.old, spearhead__number=3, number=1).update(
            status=Effort.Status.DONE
        )
        Effort.objects.filter(spearhead__plan=self.old, spearhead__number=3, number=2).update(
            status=Effort.Status.STOPPED
        )
        spearhead = self.old.spearheads.get(number=3)
        url = reverse("reporting:evaluation-conclusion", args=[spearhead.pk])
        for role in Role:
            if role != Role.PROGRAMME_MANAGER:
                r = self.post_as(role, url, {"conclusion": "Nee"})
                self.assertEqual(r.status_code, 403)
        self.post_as(Role.PROGRAMME_MANAGER, url, {"conclusion": "Expat Centre is af."})
        spearhead.refresh_from_db()
        self.assertEqual(spearhead.conclusion, "Expat Centre is af.")
        self.client.force_login(self.users[Role.READER])
        page = self.client.get(reverse("reporting:evaluation"))
        self.assertContains(page, "Expat Centre is af.")
        self.assertContains(page, "Inspanningen en Monitor-trend per doel van speerpunt 3")
        self.assertNotContains(page, 'name="conclusion"')
        self.client.force_login(self.manager)
        self.assertContains(self.client.get(reverse("reporting:evaluation")), 'name="conclusion"')
        self.assertContains(self.client.get(START), "Expat Centre is af.")

    def test_the_evaluation_counts_per_goal(self):
        from reporting.selectors import evaluation

        goal = Goal.objects.get_by_code("3.1", plan=self.old)
        efforts = goal.efforts.order_by("pk")
        Effort.objects.filter(pk=efforts[0].pk).update(status=Effort.Status.DONE)
        rows = {row["spearhead"].number: row for row in evaluation(plan=self.old)["rows"]}
        (counted,) = [g for g in rows[3]["goal_rows"] if g.number == 1]
        self.assertEqual(
            (counted.done_count, counted.stopped_count, counted.running_count),
            (1, 0, efforts.count() - 1),
        )

    def test_query_counts_stay_equal_with_more_carried(self):
        new = self.start()
        old_efforts = list(Effort.objects.filter(spearhead__plan=self.old).order_by("pk"))
        efforts_carry_over(
            plan=new, choices=[{"effort": e} for e in old_efforts[:1]], by=self.manager
        )
        self.client.force_login(self.manager)
        urls = [
            new.get_absolute_url(),
            reverse("plan:plan-carry-over", args=[new.slug]),
            reverse("plan:plan-list"),
            reverse("reporting:evaluation"),
            old_efforts[0].get_absolute_url(),
            Effort.objects.get(predecessor=old_efforts[0]).get_absolute_url(),
        ]
        before = {url: self._count(url) for url in urls}
        efforts_carry_over(
            plan=new, choices=[{"effort": e} for e in old_efforts[1:]], by=self.manager
        )
        self.assertEqual({url: self._count(url) for url in urls}, before)

    def test_the_evaluation_runs_a_fixed_number_of_queries(self):
        url = reverse("reporting:evaluation")
        self.client.force_login(self.manager)
        # session, user, permissions (1), current plan, goals with counts, efforts per
        # spearhead, the goals' Monitor values, the Monitor's charts, the menu's plan years
        with self.assertNumQueries(9):
            self.client.get(url)
        new = self.start()
        efforts_carry_over(
            plan=new,
            choices=[{"effort": e} for e in Effort.objects.filter(spearhead__plan=self.old)],
            by=self.manager,
        )
        spearhead = self.old.spearheads.get(number=3)
        team = Effort.objects.first().team
        for number in range(10, 60):
            effort = Effort.objects.create(spearhead=spearhead, number=number, title="x", team=team)
            effort.goals.set(spearhead.goals.all())
        with self.assertNumQueries(9):
            self.client.get(url)

    def _count(self, url) -> int:
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(self.client.get(url).status_code, 200)
        return len(queries)

    def test_the_old_plans_adopted_report_stays_byte_identical(self):
        year, _created = PlanYear.objects.get_or_create(plan=self.old, year=2022)
        for state, role in CHAIN[:4]:
            plan_year_transition(plan_year=year, to=state, by=self.users[role])
        url = reverse("reporting:annual-report-pdf", args=[2022])
        self.client.force_login(self.users[Role.READER])
        before = self.client.get(url).content
        self.assertTrue(before.startswith(b"%PDF"))
        new = self.start()
        carried = efforts_carry_over(
            plan=new,
            choices=[{"effort": e} for e in Effort.objects.filter(spearhead__plan=self.old)],
            by=self.manager,
        )
        carried[0].set_status(Effort.Status.DONE, by=self.manager)
        self.assertEqual(self.client.get(url).content, before)
        for state, role in CHAIN:
            plan_transition(plan=new, to=state, by=self.users[role])
        self.assertEqual(bytes(PlanYear.objects.get(pk=year.pk).report_pdf), before)

    # --- the demo command ------------------------------------------------------------------

    def test_the_demo_refuses_without_debug(self):
        with self.assertRaisesMessage(CommandError, "DEBUG is off"):
            call_command("start_demo_successor", verbosity=0)
        self.assertEqual(Plan.objects.count(), 1)

    @override_settings(DEBUG=True)
    def test_the_demo_makes_an_adopted_successor(self):
        User.objects.filter(username__startswith="u-").delete()
        call_command("create_demo_users", verbosity=0)
        call_command("start_demo_successor", verbosity=0)
        new = Plan.objects.get(predecessor=self.old)
        self.assertEqual((new.slug, new.state), ("2025-2028", Plan.State.SENT_TO_COUNCIL))
        self.assertIn("verzonnen", new.title)
        self.assertEqual(plan_current(), new)
        self.assertTrue(Plan.objects.get(pk=self.old.pk).is_closed)
        self.assertEqual(Effort.objects.filter(spearhead__plan=new).count(), 15)
        self.assertEqual(Spearhead.objects.filter(plan=new).count(), 6)
        with self.assertRaisesMessage(CommandError, "successor exists"):
            call_command("start_demo_successor", verbosity=0)
