"""No writer waits on an unrelated one, and no writer overwrites another (STYLE.md 7a).

Each test runs two (or more) real PostgreSQL connections at once, one per thread: Django
gives every thread its own connection, which the thread closes when it ends. SQLite has no
row locks and lets one writer in at a time, so these tests run on PostgreSQL only (.ci/run
runs the suite on both).
"""

import hashlib
import io
import sys
import threading
import time
from datetime import date
from unittest import skipUnless

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.test import Client, TransactionTestCase, override_settings
from django.urls import reverse

from plan import services, successors
from plan.forms import EffortManageForm
from plan.models import (
    Effort,
    Plan,
    PlanYear,
    PlanYearStep,
    ProgressUpdate,
    Spearhead,
    Team,
    YearNarrative,
)
from plan.roles import Role, role_groups_sync
from plan.spreadsheet.importer import import_apply
from tests.base import make_user
from tests.plan.test_admin import admin_form_data
from tests.plan.test_effort_edit import form_data
from tests.workbooks import REQUIRED, xlsx

WAIT = 120  # seconds before a stuck thread fails the test instead of hanging it
FAST = 1.0  # seconds: what "does not wait" means here


def in_threads(*functions) -> list:
    """Run each function in its own thread (its own connection); ("ok", result) or
    ("error", exception) per function, in order."""
    results: list = [None] * len(functions)

    def run(index, function):
        try:
            results[index] = ("ok", function())
        except Exception as error:  # reported to the test, which asserts on it
            results[index] = ("error", error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
        assert not thread.is_alive(), "a thread is stuck"
    return results


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def has_written(pid: int) -> bool:
    """Whether that connection is in a transaction that has written (it has an xid)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT backend_xid IS NOT NULL FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cursor.fetchone()
        return bool(row and row[0])


@skipUnless(connection.vendor == "postgresql", "row locks are tested on PostgreSQL")
@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class ConcurrencyTestCase(TransactionTestCase):
    def setUp(self):
        # the flush after each TransactionTestCase empties the role groups of the migration
        role_groups_sync(group_model=Group, permission_model=Permission)
        self.plan = Plan.objects.create(
            title="Meerjarenplan test", start_year=2021, end_year=2024, ambition="Samen"
        )
        self.integration = Spearhead.objects.create(
            plan=self.plan, number=1, name="Integratie & Ontmoeting", ambition="Inclusief"
        )
        self.economy = Spearhead.objects.create(
            plan=self.plan, number=3, name="Kennis & Economie", ambition="Vestigingsklimaat"
        )
        self.team_k = Team.objects.create(name="Kennis & Internationalisering")
        self.team_w = Team.objects.create(name="Wonen")
        self.effort = Effort.objects.create(
            spearhead=self.economy,
            number=1,
            title="Doorontwikkeling Expat Centre",
            team=self.team_k,
            status=Effort.Status.ON_TRACK,
            progress=40,
        )
        self.other_effort = Effort.objects.create(
            spearhead=self.integration,
            number=1,
            title="Huurteam voor internationals",
            team=self.team_w,
            status=Effort.Status.DELAYED,
            progress=10,
        )
        self.alice = make_user("alice", role=Role.STEERING_GROUP, teams=[self.team_k])
        self.bob = make_user("bob", role=Role.PROGRAMME_MANAGER, is_staff=True)
        self.charlie = make_user("charlie", role=Role.STEERING_GROUP, teams=[self.team_w])

    def open_round(self):
        return services.steering_round_open(
            meeting_date=date(2023, 3, 15), deadline=date(2023, 3, 1), opened_by=self.bob
        )

    # -- two people save the same effort ------------------------------------------------------

    def test_two_people_saving_the_same_effort_at_once_one_wins_the_other_is_shown_it(self):
        loaded = form_data(self.effort)  # both opened the form at version 1
        barrier = threading.Barrier(2, timeout=WAIT)

        def save(user, **changes):
            def run():
                effort = Effort.objects.select_related("spearhead", "team").get(pk=self.effort.pk)
                form = EffortManageForm({**loaded, **changes}, instance=effort)
                assert form.is_valid(), form.errors
                barrier.wait()
                services.effort_save(form=form, loaded_version=1, user=user)
                return user

            return run

        results = in_threads(
            save(self.alice, title="Expat Centre van Alice"),
            save(self.bob, title="Expat Centre van Bob"),
        )
        winners = [value for outcome, value in results if outcome == "ok"]
        conflicts = [value for outcome, value in results if outcome == "error"]
        self.assertEqual(len(winners), 1, results)
        self.assertEqual(len(conflicts), 1, results)
        self.assertIsInstance(conflicts[0], services.EditConflict)
        winner = winners[0]
        title = f"Expat Centre van {'Alice' if winner == self.alice else 'Bob'}"
        self.effort.refresh_from_db()
        self.assertEqual((self.effort.title, self.effort.version), (title, 2))
        self.assertEqual(conflicts[0].current_version, 2)
        self.assertIn(
            {
                "field": "titel",
                "old": "Doorontwikkeling Expat Centre",
                "new": title,
                "by": winner.username,
            },
            conflicts[0].changes,
        )

        # the loser, through the portal: 409 with the winner's change and their own input
        loser = self.bob if winner == self.alice else self.alice
        mine = f"Expat Centre van {'Bob' if loser == self.bob else 'Alice'}"
        client = Client()
        client.force_login(loser)
        url = reverse("plan:effort-edit", args=[self.effort.pk])
        r = client.post(url, {**loaded, "title": mine})
        self.assertContains(r, "Iemand anders heeft deze inspanning opgeslagen", status_code=409)
        self.assertContains(r, f"Doorontwikkeling Expat Centre → {title}", status_code=409)
        self.assertContains(r, f'value="{mine}"', status_code=409)
        self.effort.refresh_from_db()
        self.assertEqual(self.effort.title, title)

    # -- the admin --------------------------------------------------------------------------

    def test_an_admin_save_over_a_portal_save_is_refused(self):
        admin = Client()
        admin.force_login(self.bob)
        url = reverse("admin:plan_effort_change", args=[self.effort.pk])
        loaded = admin_form_data(admin.get(url))
        portal = Client()
        portal.force_login(self.alice)
        edit = reverse("plan:effort-edit", args=[self.effort.pk])
        r = portal.post(edit, form_data(self.effort, title="Expat Centre 2.0"))
        self.assertEqual(r.status_code, 302)

        r = admin.post(url, {**loaded, "progress": 75})
        self.assertContains(r, "Iemand anders heeft deze inspanning opgeslagen nadat u die")
        self.assertContains(r, "“Doorontwikkeling Expat Centre” → “Expat Centre 2.0” (door alice)")
        self.effort.refresh_from_db()
        self.assertEqual(
            (self.effort.title, self.effort.progress, self.effort.version),
            ("Expat Centre 2.0", 40, 2),
        )

    # -- adopting a year --------------------------------------------------------------------

    def test_two_people_adopting_the_same_year_at_once_adopt_it_once(self):
        year = PlanYear.objects.create(plan=self.plan, year=2022, state=PlanYear.State.REVIEWED)
        aldermen = [make_user(name, role=Role.ALDERMAN) for name in ("fatima", "gerrit")]
        barrier = threading.Barrier(2, timeout=WAIT)

        def adopt(alderman):
            def run():
                plan_year = PlanYear.objects.get(pk=year.pk)  # both see it reviewed
                barrier.wait()
                services.plan_year_transition(
                    plan_year=plan_year, to=PlanYear.State.ADOPTED, by=alderman
                )

            return run

        results = in_threads(*(adopt(alderman) for alderman in aldermen))
        outcomes = sorted(outcome for outcome, _value in results)
        self.assertEqual(outcomes, ["error", "ok"], results)
        refused = next(value for outcome, value in results if outcome == "error")
        self.assertIsInstance(refused, ValidationError | PermissionDenied)
        steps = PlanYearStep.objects.filter(plan_year=year, to_state=PlanYear.State.ADOPTED)
        self.assertEqual(steps.count(), 1)
        year.refresh_from_db()
        self.assertEqual(year.state, PlanYear.State.ADOPTED)
        self.assertTrue(bytes(year.report_pdf).startswith(b"%PDF"))
        self.assertEqual(hashlib.sha256(bytes(year.report_pdf)).hexdigest(), year.report_sha256)

    # -- the next plan ---------------------------------------------------------------------

    def test_two_managers_starting_the_next_plan_at_once_start_it_once(self):
        managers = [self.bob, make_user("dirk", role=Role.PROGRAMME_MANAGER)]
        barrier = threading.Barrier(2, timeout=WAIT)

        def start(manager, title):
            def run():
                predecessor = Plan.objects.get(pk=self.plan.pk)
                barrier.wait()
                return successors.plan_start(
                    predecessor=predecessor,
                    title=title,
                    start_year=2025,
                    end_year=2028,
                    ambition="Verder",
                    spearheads=list(predecessor.spearheads.all()),
                    by=manager,
                )

            return run

        results = in_threads(start(managers[0], "Eerste"), start(managers[1], "Tweede"))
        self.assertEqual(sorted(outcome for outcome, _value in results), ["error", "ok"], results)
        refused = next(value for outcome, value in results if outcome == "error")
        self.assertIsInstance(refused, ValidationError)
        self.assertEqual(Plan.objects.filter(predecessor=self.plan).count(), 1)
        self.assertEqual(Spearhead.objects.filter(plan__predecessor=self.plan).count(), 2)

    def test_two_aldermen_adopting_the_next_plan_at_once_adopt_it_once(self):
        new = successors.plan_start(
            predecessor=self.plan,
            title="Volgend plan",
            start_year=2025,
            end_year=2028,
            ambition="Verder",
            spearheads=[],
            by=self.bob,
        )
        Plan.objects.filter(pk=new.pk).update(state=Plan.State.REVIEWED)
        aldermen = [make_user(name, role=Role.ALDERMAN) for name in ("fatima", "gerrit")]
        barrier = threading.Barrier(2, timeout=WAIT)

        def adopt(alderman):
            def run():
                plan = Plan.objects.get(pk=new.pk)  # both see it reviewed
                barrier.wait()
                successors.plan_transition(plan=plan, to=Plan.State.ADOPTED, by=alderman)

            return run

        results = in_threads(*(adopt(alderman) for alderman in aldermen))
        self.assertEqual(sorted(outcome for outcome, _value in results), ["error", "ok"], results)
        self.assertEqual(new.steps.filter(to_state=Plan.State.ADOPTED).count(), 1)
        new.refresh_from_db()
        self.plan.refresh_from_db()
        self.assertEqual(new.state, Plan.State.ADOPTED)
        self.assertTrue(self.plan.is_closed)

    # -- the annual report's texts ---------------------------------------------------------

    def test_two_people_writing_the_years_first_texts_at_once_one_is_shown_the_other(self):
        year = PlanYear.objects.create(plan=self.plan, year=2022)
        other_manager = make_user("dana", role=Role.PROGRAMME_MANAGER)
        barrier = threading.Barrier(2, timeout=WAIT)

        def write(user, foreword):
            def run():
                plan_year = PlanYear.objects.get(pk=year.pk)
                barrier.wait()  # both started from no texts at all (version 0)
                return services.year_narrative_save(
                    plan_year=plan_year,
                    loaded_version=0,
                    texts={"foreword": foreword},
                    intros={self.economy.pk: (foreword, "")},
                    by=user,
                )

            return run

        results = in_threads(write(self.bob, "Voorwoord van Bob"), write(other_manager, "Van Dana"))
        outcomes = sorted(outcome for outcome, _value in results)
        self.assertEqual(outcomes, ["error", "ok"], results)
        refused = next(value for outcome, value in results if outcome == "error")
        self.assertIsInstance(refused, services.NarrativeConflict)  # not an IntegrityError
        narrative = YearNarrative.objects.get(plan_year=year)
        self.assertEqual(narrative.version, 1)
        self.assertEqual(narrative.spearheads.get().text, narrative.foreword)

    # -- progress updates -------------------------------------------------------------------

    def test_two_leads_submitting_for_different_efforts_do_not_wait_for_each_other(self):
        steering_round = self.open_round()
        submitted, committed = threading.Event(), threading.Event()

        def slow_lead():  # alice's submission stays in its transaction for 2 s
            with transaction.atomic():
                services.progress_update_submit(
                    effort=self.effort,
                    steering_round=steering_round,
                    author=self.alice,
                    status=Effort.Status.AT_RISK,
                    progress=50,
                    note="Alice",
                )
                submitted.set()
                time.sleep(2)
            committed.set()

        def other_lead():  # charlie submits for his own effort meanwhile, then it closes
            assert submitted.wait(WAIT)
            started = time.monotonic()
            services.progress_update_submit(
                effort=self.other_effort,
                steering_round=steering_round,
                author=self.charlie,
                status=Effort.Status.ON_TRACK,
                progress=20,
                note="Charlie",
            )
            took = time.monotonic() - started
            overlapped = not committed.is_set()
            started = time.monotonic()
            services.steering_round_close(steering_round=steering_round, by=self.bob)
            closing = time.monotonic() - started
            return took, overlapped, closing, committed.is_set()

        results = in_threads(slow_lead, other_lead)
        self.assertEqual([outcome for outcome, _value in results], ["ok", "ok"], results)
        took, overlapped, closing, closed_after_commit = results[1][1]
        self.assertTrue(
            overlapped, f"charlie's submit waited {took:.3f} s, until alice's transaction ended"
        )
        self.assertLess(took, FAST, f"charlie's submit took {took:.3f} s")
        # closing takes the round's row FOR UPDATE: it waited for alice's submission
        self.assertTrue(closed_after_commit, f"closed after {closing:.3f} s, before alice")
        self.assertEqual(ProgressUpdate.objects.filter(steering_round=steering_round).count(), 2)
        with self.assertRaisesMessage(ValidationError, "gesloten"):
            services.progress_update_submit(
                effort=self.effort,
                steering_round=steering_round,
                author=self.alice,
                status=Effort.Status.DONE,
                progress=100,
                note="Te laat",
            )

    def test_two_leads_changing_their_drafts_at_once_do_not_wait_for_each_other(self):
        """Saving a draft again locks that update's row. Locked with the model's ordering, the
        lock also took the round's row FOR UPDATE (the ordering joins it), so a second lead
        waited for the first, and two leads who had both share-locked the round deadlocked
        (seen as a 500 under bench/load.py)."""
        steering_round = self.open_round()
        for effort, author in ((self.effort, self.alice), (self.other_effort, self.charlie)):
            services.progress_update_save(
                effort=effort,
                steering_round=steering_round,
                author=author,
                status=Effort.Status.ON_TRACK,
                progress=10,
                note="Eerste versie",
            )
        saved, committed = threading.Event(), threading.Event()

        def slow_lead():  # alice changes her draft and stays in the transaction for 2 s
            with transaction.atomic():
                services.progress_update_save(
                    effort=self.effort,
                    steering_round=steering_round,
                    author=self.alice,
                    status=Effort.Status.AT_RISK,
                    progress=50,
                    note="Alice, tweede versie",
                )
                saved.set()
                time.sleep(2)
            committed.set()

        def other_lead():  # charlie changes his own draft meanwhile
            assert saved.wait(WAIT)
            started = time.monotonic()
            services.progress_update_save(
                effort=self.other_effort,
                steering_round=steering_round,
                author=self.charlie,
                status=Effort.Status.ON_TRACK,
                progress=20,
                note="Charlie, tweede versie",
            )
            return time.monotonic() - started, not committed.is_set()

        results = in_threads(slow_lead, other_lead)
        self.assertEqual([outcome for outcome, _value in results], ["ok", "ok"], results)
        took, overlapped = results[1][1]
        self.assertTrue(overlapped, f"charlie's save waited {took:.3f} s, until alice's ended")
        self.assertLess(took, FAST, f"charlie's save took {took:.3f} s")
        notes = set(ProgressUpdate.objects.values_list("note", flat=True))
        self.assertEqual(notes, {"Alice, tweede versie", "Charlie, tweede versie"})

    # -- a long import ----------------------------------------------------------------------

    def test_a_long_import_makes_neither_a_login_nor_a_progress_update_wait(self):
        steering_round = self.open_round()
        self.charlie.set_password("pw-charlie-123")
        self.charlie.save()
        lead = Client()
        lead.force_login(self.charlie)
        lead_url = reverse("plan:update-create", args=[self.other_effort.pk])
        self.assertEqual(lead.get(lead_url).status_code, 200)
        rows = [  # 3.1 changed, 3.2 to 3.5000 new; 1.1, charlie's effort, not in the file
            {
                "Nr": f"3.{n}",
                "Speerpunt": 3,
                "Inspanning": f"Inspanning {n}",
                "Team": "Kennis & Internationalisering",
                "Status": "Aandacht nodig",
            }
            for n in range(1, 5001)
        ]
        workbook = xlsx(rows, headings=REQUIRED).getvalue()
        import_pid, imported = [], threading.Event()

        def run_import():
            import_pid.append(backend_pid())
            try:
                return import_apply(file=io.BytesIO(workbook), plan=self.plan, user=self.bob)
            finally:
                imported.set()

        def others():
            deadline = time.monotonic() + WAIT
            while not import_pid and time.monotonic() < deadline:
                time.sleep(0.01)
            while not has_written(import_pid[0]):  # the import is in its writing transaction
                assert not imported.is_set(), "the import ended before it was seen writing"
                assert time.monotonic() < deadline, "the import was never seen writing"
                time.sleep(0.01)
            times = {}
            started = time.monotonic()
            r = Client().post(
                reverse("login"), {"username": "charlie", "password": "pw-charlie-123"}
            )
            times["login"] = time.monotonic() - started
            assert r.status_code == 302, r.status_code
            started = time.monotonic()
            r = lead.post(lead_url, {"status": "at_risk", "progress": 35, "note": "Tijdens"})
            times["update"] = time.monotonic() - started
            assert r.status_code == 302, r.status_code
            times["overlapped"] = not imported.is_set()
            return times

        # In production each web worker is its own process. Here the threads share one GIL,
        # and a thread back from a query gets it only after the switch interval (5 ms): a
        # request of some 30 queries would measure the wait for the GIL, not the database.
        interval = sys.getswitchinterval()
        sys.setswitchinterval(0.0005)
        try:
            (import_outcome, preview), (outcome, times) = in_threads(run_import, others)
        finally:
            sys.setswitchinterval(interval)
        self.assertEqual((import_outcome, outcome), ("ok", "ok"), (preview, times))
        shown = f"login {times['login']:.3f} s, progress update {times['update']:.3f} s"
        self.assertTrue(times["overlapped"], f"the import had ended first ({shown})")
        self.assertLess(times["login"], FAST, shown)
        self.assertLess(times["update"], FAST, shown)
        self.assertEqual((len(preview.created), len(preview.changed)), (4999, 1))
        self.assertEqual(Effort.objects.filter(spearhead=self.economy).count(), 5000)
        update = ProgressUpdate.objects.get(steering_round=steering_round)
        self.assertEqual((update.effort, update.note), (self.other_effort, "Tijdens"))
        self.assertEqual(update.state, ProgressUpdate.State.SUBMITTED)
        self.other_effort.refresh_from_db()  # it follows the update once accepted
        self.assertEqual((self.other_effort.progress, self.other_effort.version), (10, 1))
        print(f"\nwhile importing 5,000 rows: {shown}")
