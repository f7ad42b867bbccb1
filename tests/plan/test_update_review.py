"""The review of progress updates: the lead drafts and submits, the programme manager accepts
or returns with a reason; only an accepted update changes what the portal shows."""

from django.core import mail
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plan.models import Effort, ProgressUpdate, UpdateReview
from plan.roles import Role
from plan.selectors import effort_history
from plan.services import (
    EditConflict,
    effort_lock,
    progress_update_review,
    progress_update_submit,
    progress_updates_accept,
    steering_round_close,
)
from tests.base import RoundTestCase, make_user

UPDATE = {"status": "delayed", "progress": 35, "note": "Vergunning laat op zich wachten"}


def submit(effort, steering_round, author, **fields):
    return progress_update_submit(
        effort=effort,
        steering_round=steering_round,
        author=author,
        **{**UPDATE, "note": f"Toelichting {effort.code}", **fields},
    )


class ReviewPathTestCase(RoundTestCase):
    """Lead drafts -> submits -> returned with a reason (mailed) -> fixes -> accepted: the
    dashboard and the report change only at the end."""

    def setUp(self):
        cache.clear()
        Effort.objects.filter(pk=self.effort.pk).update(lead=self.alice)
        self.update_url = reverse("plan:update-create", args=[self.effort.pk])
        self.dashboard = reverse("reporting:dashboard")
        # the chapter of the effort's spearhead: where the report shows its latest note
        self.report = reverse("reporting:annual-report-chapter", args=[2023, self.economy.number])

    def shown_status(self):
        """The effort's status as the alderman's dashboard and the annual report show it."""
        self.client.force_login(self.wethouder)
        dashboard = self.client.get(self.dashboard)
        at_risk_or_delayed = [e.pk for e in dashboard.context["attention"]]
        report = self.client.get(self.report).content.decode()
        return at_risk_or_delayed, "Vergunning aangevraagd" in report

    def test_the_whole_path(self):
        self.assertEqual(self.shown_status(), ([self.other_effort.pk], False))

        # the lead saves a draft: nothing changes for anyone else
        self.client.force_login(self.alice)
        r = self.client.post(self.update_url, {**UPDATE, "draft": "1"})
        self.assertRedirects(r, self.update_url)
        update = ProgressUpdate.objects.get()
        self.assertEqual(update.state, ProgressUpdate.State.CONCEPT)
        self.assertEqual(self.shown_status(), ([self.other_effort.pk], False))

        # ... and submits it
        self.client.force_login(self.alice)
        self.client.post(self.update_url, UPDATE)
        update.refresh_from_db()
        self.assertEqual(update.state, ProgressUpdate.State.SUBMITTED)
        self.assertEqual(self.shown_status(), ([self.other_effort.pk], False))

        # the programme manager returns it with a reason; the lead is mailed it
        self.client.force_login(self.bob)
        review_url = reverse("plan:update-review", args=[update.pk])
        r = self.client.get(review_url)
        self.assertContains(r, "Vergunning laat op zich wachten")
        self.assertContains(r, "Terugsturen naar de trekker")
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            r = self.client.post(
                review_url,
                {"action": "return", "reason": "Noem de nieuwe datum van de vergunning."},
            )
        self.assertRedirects(r, reverse("plan:round-completeness", args=[self.round.pk]))
        update.refresh_from_db()
        self.assertEqual(update.state, ProgressUpdate.State.RETURNED)
        [returned] = mail.outbox
        self.assertEqual(returned.to, ["alice@example.org"])
        self.assertIn("3.1", returned.subject)
        self.assertIn("teruggestuurd", returned.subject)
        self.assertIn("Noem de nieuwe datum van de vergunning.", returned.body)
        self.assertIn(f"http://127.0.0.1:8000{self.update_url}", returned.body)
        self.assertEqual(self.shown_status(), ([self.other_effort.pk], False))

        # the lead sees the reason, and the effort is to do again
        self.client.force_login(self.alice)
        r = self.client.get(reverse("plan:my-efforts"))
        self.assertEqual([row["effort"] for row in r.context["to_do"]], [self.effort])
        self.assertContains(r, "teruggestuurd")
        r = self.client.get(self.update_url)
        self.assertContains(r, "Noem de nieuwe datum van de vergunning.")
        self.client.post(self.update_url, {**UPDATE, "note": "Vergunning aangevraagd, 1 mei"})
        update.refresh_from_db()
        self.assertEqual(update.state, ProgressUpdate.State.SUBMITTED)
        self.assertEqual(self.shown_status(), ([self.other_effort.pk], False))

        # accepted: now the effort, the dashboard and the report follow
        self.client.force_login(self.bob)
        r = self.client.post(review_url, {"action": "accept", "reason": ""})
        self.assertRedirects(r, reverse("plan:round-completeness", args=[self.round.pk]))
        self.effort.refresh_from_db()
        self.assertEqual(
            (self.effort.status, self.effort.progress, self.effort.note),
            (Effort.Status.DELAYED, 35, "Vergunning aangevraagd, 1 mei"),
        )
        attention, in_report = self.shown_status()
        self.assertEqual(sorted(attention), sorted([self.effort.pk, self.other_effort.pk]))
        self.assertTrue(in_report)

        # every step is kept: who and when, with the reason
        steps = list(update.reviews.values_list("action", "by__username", "reason"))
        self.assertEqual(
            steps,
            [
                ("submitted", "alice", ""),
                ("returned", "bob", "Noem de nieuwe datum van de vergunning."),
                ("submitted", "alice", ""),
                ("accepted", "bob", ""),
            ],
        )
        latest = self.effort.history.order_by("-history_date").first()
        self.assertEqual(latest.history_user, self.bob)
        self.client.force_login(self.bob)
        r = self.client.get(review_url)
        self.assertContains(r, "Verloop van de beoordeling")

    def test_returning_needs_a_reason(self):
        update = submit(self.effort, self.round, self.alice)
        self.client.force_login(self.bob)
        url = reverse("plan:update-review", args=[update.pk])
        r = self.client.post(url, {"action": "return", "reason": "  "})
        self.assertEqual(r.status_code, 400)
        self.assertContains(r, "Geef de reden om de update terug te sturen.", status_code=400)
        update.refresh_from_db()
        self.assertEqual(update.state, ProgressUpdate.State.SUBMITTED)
        self.assertEqual(mail.outbox, [])

    def test_accepting_raises_the_version_so_an_open_edit_conflicts(self):
        loaded = self.effort.version
        update = submit(self.effort, self.round, self.alice)
        progress_update_review(update=update, by=self.bob, accept=True)
        with self.assertRaises(EditConflict) as raised, transaction.atomic():
            effort_lock(effort=self.effort, loaded_version=loaded)
        changed = {str(change["field"]) for change in raised.exception.changes}
        self.assertIn("status", changed)


class FourEyesTestCase(RoundTestCase):
    def test_the_programme_manager_never_reviews_their_own_update(self):
        update = submit(self.effort, self.round, self.bob)  # bob may write every update
        self.client.force_login(self.bob)
        url = reverse("plan:update-review", args=[update.pk])
        r = self.client.get(url)
        self.assertContains(r, "U hebt deze update zelf geschreven")
        self.assertNotContains(r, 'value="accept"')
        self.assertEqual(self.client.post(url, {"action": "accept"}).status_code, 403)
        update.refresh_from_db()
        self.assertEqual(update.state, ProgressUpdate.State.SUBMITTED)
        # a second programme manager may
        other = make_user("dana", role=Role.PROGRAMME_MANAGER)
        self.client.force_login(other)
        self.assertEqual(self.client.post(url, {"action": "accept"}).status_code, 302)
        update.refresh_from_db()
        self.assertEqual(update.state, ProgressUpdate.State.ACCEPTED)

    def test_anyone_else_is_refused_with_a_403(self):
        update = submit(self.effort, self.round, self.alice)
        review_url = reverse("plan:update-review", args=[update.pk])
        accept_url = reverse("plan:round-accept", args=[self.round.pk])
        for user in (self.alice, self.charlie, self.wethouder):
            self.client.force_login(user)
            with self.subTest(user=user.username):
                self.assertEqual(self.client.get(review_url).status_code, 403)
                r = self.client.post(review_url, {"action": "accept"})
                self.assertEqual(r.status_code, 403)
                r = self.client.post(accept_url, {"update": [update.pk], "confirm": "1"})
                self.assertEqual(r.status_code, 403)
        update.refresh_from_db()
        self.assertEqual(update.state, ProgressUpdate.State.SUBMITTED)


class PendingVisibilityTestCase(RoundTestCase):
    def test_a_pending_update_shows_marked_to_its_lead_and_the_manager_only(self):
        submit(self.effort, self.round, self.alice)
        effort_url = self.effort.get_absolute_url()
        for user in (self.alice, self.bob):
            self.client.force_login(user)
            r = self.client.get(effort_url)
            self.assertContains(r, "Toelichting 3.1")
            self.assertContains(r, "Wacht op beoordeling")
        for user in (self.charlie, self.wethouder):
            self.client.force_login(user)
            self.assertNotContains(self.client.get(effort_url), "Toelichting 3.1")
            self.assertNotContains(
                self.client.get(self.round.get_absolute_url()), "Toelichting 3.1"
            )


class BulkAcceptTestCase(RoundTestCase):
    def test_twenty_updates_selected_previewed_and_confirmed(self):
        self.add_efforts(20)
        self.round.efforts.add(*Effort.objects.filter(title__startswith="Extra"))
        updates = [
            submit(effort, self.round, self.charlie)
            for effort in Effort.objects.filter(title__startswith="Extra")
        ]
        own = submit(self.effort, self.round, self.bob)
        self.client.force_login(self.bob)
        completeness = reverse("plan:round-completeness", args=[self.round.pk])
        r = self.client.get(completeness)
        self.assertContains(r, 'name="update"', count=20)  # not on the manager's own update
        self.assertContains(r, "uw eigen update: een andere beoordelaar beslist")

        url = reverse("plan:round-accept", args=[self.round.pk])
        r = self.client.post(url, {"all": "1"})
        self.assertEqual(r.status_code, 200)
        self.assertEqual(len(r.context["rows"]), 20)
        self.assertEqual(r.context["own"], [own])
        self.assertContains(r, "20 updates accepteren?")
        self.assertFalse(ProgressUpdate.objects.accepted().exists())  # a preview writes nothing

        ids = [row.pk for row in r.context["rows"]]
        r = self.client.post(url, {"update": ids, "confirm": "1"}, follow=True)
        self.assertContains(r, "20 updates geaccepteerd.")
        self.assertEqual(
            set(ProgressUpdate.objects.accepted().values_list("pk", flat=True)),
            {u.pk for u in updates},
        )
        self.assertEqual(
            set(Effort.objects.filter(title__startswith="Extra").values_list("status", flat=True)),
            {"delayed"},
        )
        self.assertEqual(UpdateReview.objects.filter(action="accepted", by=self.bob).count(), 20)
        own.refresh_from_db()
        self.assertEqual(own.state, ProgressUpdate.State.SUBMITTED)
        extra = Effort.objects.filter(title__startswith="Extra").first()
        self.assertEqual(extra.history.order_by("-history_id").first().history_user, self.bob)
        # the history shows the accepted change, by field, and keeps the effort's goals
        # (bulk writing copies them into the history record)
        [latest, *_rest] = effort_history(effort=extra)
        changed = {str(c["field"]): c["new"] for c in latest["changes"]}
        self.assertEqual(changed["status"], "Vertraagd")
        self.assertNotIn("doelen", changed)

    def test_nothing_chosen_is_told(self):
        self.client.force_login(self.bob)
        url = reverse("plan:round-accept", args=[self.round.pk])
        r = self.client.post(url, {}, follow=True)
        self.assertContains(r, "Kies ten minste één update die op beoordeling wacht.")

    def test_five_hundred_updates_in_one_transaction_with_bulk_queries(self):
        def accept(count):
            efforts = list(Effort.objects.filter(title__startswith="Extra")[:count])
            self.round.efforts.add(*efforts)
            ids = [submit(effort, self.round, self.charlie).pk for effort in efforts]
            with CaptureQueriesContext(connection) as captured:
                result = progress_updates_accept(
                    steering_round=self.round, update_ids=ids, by=self.bob
                )
            self.assertEqual(len(result["accepted"]), count)
            ProgressUpdate.objects.filter(pk__in=ids).delete()
            return [q["sql"] for q in captured.captured_queries]

        self.add_efforts(500)
        accept(5)  # the first looks up the history's content types, then they are cached
        small, large = accept(50), accept(500)
        if connection.vendor == "postgresql":
            self.assertEqual(len(small), len(large))
        else:  # SQLite takes at most 999 parameters a query: bulk writes go in batches
            self.assertLess(len(large), 500 / 5)
        # one transaction: a savepoint opened first and released last, nothing outside it
        self.assertTrue(large[0].startswith("SAVEPOINT"), large[0])
        self.assertTrue(large[-1].startswith("RELEASE SAVEPOINT"), large[-1])
        self.assertEqual(sum(sql.startswith("SAVEPOINT") for sql in large), 1)


class ClosedRoundTestCase(RoundTestCase):
    def test_a_closed_round_refuses_every_change(self):
        update = submit(self.effort, self.round, self.alice)
        draft = progress_update_submit(
            effort=self.other_effort,
            steering_round=self.round,
            author=self.charlie,
            **UPDATE,
        )
        steering_round_close(steering_round=self.round, by=self.bob)
        self.client.force_login(self.bob)
        review_url = reverse("plan:update-review", args=[update.pk])
        r = self.client.get(review_url)
        self.assertContains(r, "De ronde is gesloten; de updates zijn bevroren.")
        self.assertNotContains(r, 'value="accept"')
        r = self.client.post(review_url, {"action": "accept"})
        self.assertContains(r, "Deze updateronde is gesloten", status_code=400)
        r = self.client.post(
            reverse("plan:round-accept", args=[self.round.pk]),
            {"update": [update.pk, draft.pk], "confirm": "1"},
            follow=True,
        )
        self.assertContains(r, "Deze updateronde is gesloten")
        self.assertFalse(ProgressUpdate.objects.accepted().exists())
        self.client.force_login(self.alice)
        r = self.client.post(reverse("plan:update-create", args=[self.effort.pk]), UPDATE)
        self.assertEqual(ProgressUpdate.objects.get(pk=update.pk).state, "submitted")
        self.effort.refresh_from_db()
        self.assertEqual(self.effort.status, Effort.Status.ON_TRACK)

    def test_the_summary_names_accepted_returned_and_never_sent(self):
        self.add_efforts(2)
        self.round.efforts.set(Effort.objects.all())
        accepted = submit(self.effort, self.round, self.alice)
        progress_update_review(update=accepted, by=self.bob, accept=True)
        returned = submit(self.other_effort, self.round, self.charlie)
        progress_update_review(update=returned, by=self.bob, accept=False, reason="Te kort")
        extra = Effort.objects.get(title="Extra inspanning 2")
        submit(extra, self.round, self.charlie)
        self.client.force_login(self.bob)
        r = self.client.get(reverse("plan:round-close", args=[self.round.pk]))  # before closing
        self.assertContains(r, "<dt>Teruggestuurd naar de trekker (1)</dt><dd>1.1</dd>", html=True)
        self.assertContains(r, "<dt>Wacht op beoordeling (1)</dt><dd>3.2</dd>", html=True)
        steering_round_close(steering_round=self.round, by=self.bob)
        r = self.client.get(reverse("plan:round-summary", args=[self.round.pk]))
        summary = r.context["summary"]
        self.assertEqual(summary["accepted"], ["3.1"])
        self.assertEqual(summary["returned"], ["1.1"])
        self.assertEqual(summary["awaiting"], ["3.2"])
        self.assertEqual(summary["never_sent"], ["3.3"])
        self.assertContains(r, "<dt>Geaccepteerd (1)</dt><dd>3.1</dd>", html=True)
        self.assertContains(r, "<dt>Nooit ingediend (1)</dt><dd>3.3</dd>", html=True)


class CompletenessQueriesTestCase(RoundTestCase):
    """The completeness page with 50 and with 500 updates awaiting review: the same queries."""

    def pending(self, count):
        start = self.economy.efforts.count() + 1
        efforts = Effort.objects.bulk_create(
            Effort(spearhead=self.economy, number=n, title=f"Inspanning {n}", team=self.team_w)
            for n in range(start, start + count)
        )
        self.round.efforts.add(*efforts)
        ProgressUpdate.objects.bulk_create(
            ProgressUpdate(
                effort=effort,
                steering_round=self.round,
                author=self.charlie,
                status="on_track",
                progress=50,
                note="-",
                state=ProgressUpdate.State.SUBMITTED,
            )
            for effort in efforts
        )

    def test_same_queries_at_1x_and_10x(self):
        self.client.force_login(self.bob)
        url = reverse("plan:round-completeness", args=[self.round.pk])
        self.pending(50)
        # session, user, permissions (1), round, efforts and updates counted per team, a page
        # of the missing efforts and one of the updates awaiting review (their counts are
        # among those per team), the menu's plan years awaiting the user and every plan,
        # once, for the menu's plan switcher (plan.periods)
        with self.assertNumQueries(10):
            r = self.client.get(url)
        self.assertEqual(r.context["awaiting"], 50)
        self.pending(450)
        with self.assertNumQueries(10):
            r = self.client.get(url)
        self.assertEqual(r.context["awaiting"], 500)
        self.assertEqual(len(r.context["review_page"].object_list), 25)
        self.assertEqual(r.context["review_page"].paginator.num_pages, 20)
        with self.assertNumQueries(10):
            r = self.client.get(url, {"review": 20})
        self.assertEqual(len(r.context["review_page"].object_list), 25)
        # the summary names the first hundred in plan order and counts the rest
        summary_url = reverse("plan:round-summary", args=[self.round.pk])
        with self.assertNumQueries(10):
            r = self.client.get(summary_url)
        self.assertEqual(len(r.context["summary"]["awaiting"]), 100)
        self.assertContains(r, "en nog 400")
