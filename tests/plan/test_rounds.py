from datetime import date, datetime

from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from plan import selectors
from plan.models import Effort, ProgressUpdate, SteeringRound, Team
from plan.services import progress_update_submit, steering_round_open
from tests.base import BaseTestCase, RoundTestCase


def submit(effort, steering_round, author):
    return progress_update_submit(
        effort=effort,
        steering_round=steering_round,
        author=author,
        status="on_track",
        progress=50,
        note="Goed op weg",
    )


class SteeringRoundOpenTestCase(BaseTestCase):
    def test_it_takes_the_running_efforts(self):
        self.other_effort.set_status(Effort.Status.DONE, by=self.bob)
        steering_round = steering_round_open(
            meeting_date=date(2023, 3, 15), deadline=date(2023, 3, 1), opened_by=self.bob
        )
        self.assertEqual(list(steering_round.efforts.all()), [self.effort])

    def test_only_one_round_is_open_at_a_time(self):
        steering_round_open(
            meeting_date=date(2023, 3, 15), deadline=date(2023, 3, 1), opened_by=self.bob
        )
        with self.assertRaisesMessage(ValidationError, "Sluit eerst de huidige updateronde"):
            steering_round_open(
                meeting_date=date(2023, 9, 15), deadline=date(2023, 9, 1), opened_by=self.bob
            )

    def test_the_programme_manager_opens_a_round_in_the_browser(self):
        self.client.force_login(self.bob)
        page = self.client.get(reverse("plan:round-list"))
        # both running efforts are offered and ticked
        self.assertContains(page, 'name="efforts"', count=2)
        self.assertEqual(page.content.decode().count(" checked>"), 2)
        data = {"meeting_date": "2099-03-15", "deadline": "2099-03-01", "efforts": [self.effort.pk]}
        r = self.client.post(reverse("plan:round-create"), data)
        steering_round = SteeringRound.objects.get()
        self.assertRedirects(r, steering_round.get_absolute_url())
        self.assertEqual(steering_round.opened_by, self.bob)
        self.assertEqual(list(steering_round.efforts.all()), [self.effort])  # as chosen

    def test_the_form_refuses_a_past_meeting_and_no_efforts_and_hides_while_a_round_is_open(self):
        self.client.force_login(self.bob)
        data = {"meeting_date": "2020-03-15", "deadline": "2020-03-01"}
        r = self.client.post(reverse("plan:round-create"), data)
        self.assertContains(r, "De datum van het overleg is voorbij", status_code=400)
        self.assertContains(r, "Kies ten minste één inspanning", status_code=400)
        self.assertFalse(SteeringRound.objects.exists())
        steering_round_open(
            meeting_date=date(2099, 3, 15), deadline=date(2099, 3, 1), opened_by=self.bob
        )
        page = self.client.get(reverse("plan:round-list"))
        self.assertNotContains(page, 'name="meeting_date"')
        self.assertContains(page, "Ga naar de open ronde")

    def test_an_effort_that_ended_long_ago_is_not_offered(self):
        long_ago = timezone.make_aware(datetime(2020, 1, 1))
        Effort.objects.filter(pk=self.other_effort.pk).update(
            status=Effort.Status.DONE, updated=long_ago
        )
        self.client.force_login(self.bob)
        form = self.client.get(reverse("plan:round-list")).context["form"]
        self.assertEqual(list(form.fields["efforts"].queryset), [self.effort])

    def test_a_deadline_after_the_meeting_is_refused_in_dutch(self):
        self.client.force_login(self.bob)
        data = {
            "meeting_date": "2099-03-15",
            "deadline": "2099-03-20",
            "efforts": [self.effort.pk],
        }
        r = self.client.post(reverse("plan:round-create"), data)
        self.assertContains(r, "op of voor de datum van het overleg", status_code=400)
        self.assertFalse(SteeringRound.objects.exists())

    def test_leads_and_the_alderman_cannot_open_a_round(self):
        for user in (self.alice, self.wethouder):
            self.client.force_login(user)
            data = {"meeting_date": "2023-03-15", "deadline": "2023-03-01"}
            self.assertEqual(self.client.post(reverse("plan:round-create"), data).status_code, 403)
        self.assertFalse(SteeringRound.objects.exists())


class RoundCycleTestCase(RoundTestCase):
    def test_from_open_to_closed(self):
        completeness = reverse("plan:round-completeness", args=[self.round.pk])
        self.client.force_login(self.bob)
        r = self.client.get(completeness)
        self.assertEqual((r.context["submitted"], r.context["missing"]), (0, 2))

        submit(self.effort, self.round, self.alice)
        r = self.client.get(completeness)
        self.assertEqual((r.context["submitted"], r.context["missing"]), (1, 1))
        teams = {t["team"].name: (t["submitted"], t["missing"]) for t in r.context["teams"]}
        self.assertEqual(teams, {"Kennis & Internationalisering": (1, 0), "Wonen": (0, 1)})
        self.assertContains(r, "1 van 2 updates ingediend, 1 ontbreken.")

        # only charlie (team Wonen, effort 1.1 missing) is reminded
        r = self.client.post(reverse("plan:round-reminders", args=[self.round.pk]), follow=True)
        self.assertContains(r, "1 herinnering verstuurd.")
        self.assertEqual([m.to for m in mail.outbox], [["charlie@example.org"]])
        self.assertIn("1.1 Huurteam voor internationals", mail.outbox[0].body)
        self.assertIn("Herinnering", mail.outbox[0].subject)

        r = self.client.post(reverse("plan:round-close", args=[self.round.pk]), follow=True)
        self.assertContains(r, "de updates liggen nu vast")
        self.round.refresh_from_db()
        self.assertEqual(self.round.state, SteeringRound.State.CLOSED)
        with self.assertRaisesMessage(ValidationError, "gesloten"):
            submit(self.other_effort, self.round, self.charlie)
        self.assertEqual(ProgressUpdate.objects.count(), 1)

    def test_the_lead_of_an_effort_is_reminded_instead_of_its_team(self):
        self.other_effort.lead = self.alice
        self.other_effort.save()
        self.effort.updates.all().delete()
        submit(self.effort, self.round, self.alice)
        call_command("send_round_reminders", verbosity=0)
        self.assertEqual([m.to for m in mail.outbox], [["alice@example.org"]])

    def test_leads_see_no_completeness_and_cannot_close_or_remind(self):
        self.client.force_login(self.alice)
        for name in ("plan:round-completeness",):
            self.assertEqual(self.client.get(reverse(name, args=[self.round.pk])).status_code, 403)
        for name in ("plan:round-reminders", "plan:round-close"):
            self.assertEqual(self.client.post(reverse(name, args=[self.round.pk])).status_code, 403)
        self.round.refresh_from_db()
        self.assertTrue(self.round.is_open)
        self.assertEqual(mail.outbox, [])

    def test_the_meeting_outcome_is_recorded_by_the_programme_manager_only(self):
        url = self.round.get_absolute_url()
        data = {"advice": "Prioriteit voor 3.1", "decisions": "Akkoord"}
        self.client.force_login(self.alice)
        self.assertEqual(self.client.post(url, data).status_code, 403)
        self.client.force_login(self.bob)
        self.assertRedirects(self.client.post(url, data), url)
        self.round.refresh_from_db()
        self.assertEqual(self.round.advice, "Prioriteit voor 3.1")
        self.client.force_login(self.wethouder)
        self.assertContains(self.client.get(url), "Prioriteit voor 3.1")

    def test_minutes_must_be_a_document(self):
        from django.core.files.uploadedfile import SimpleUploadedFile

        self.client.force_login(self.bob)
        upload = SimpleUploadedFile("verslag.exe", b"MZ")
        r = self.client.post(self.round.get_absolute_url(), {"minutes": upload})
        self.assertContains(r, "Upload het verslag als PDF")
        self.round.refresh_from_db()
        self.assertFalse(self.round.minutes)

    def test_completeness_runs_the_same_queries_for_more_efforts(self):
        self.client.force_login(self.bob)
        url = reverse("plan:round-completeness", args=[self.round.pk])
        # session, user, permissions (1), round, efforts and updates counted per team, then
        # a page of the missing efforts with team, spearhead and lead and one of the updates
        # awaiting review (the counts per team give their numbers); the menu's plan years
        # awaiting the user's decision and every plan, once, for the plan switcher
        submit(self.other_effort, self.round, self.charlie)
        with self.assertNumQueries(10):
            self.client.get(url)
        self.add_efforts(10)
        self.round.efforts.set(Effort.objects.all())
        for effort in Effort.objects.exclude(pk=self.other_effort.pk)[:5]:
            submit(effort, self.round, self.charlie)
        with self.assertNumQueries(10):
            r = self.client.get(url)
        self.assertEqual((r.context["submitted"], r.context["missing"]), (6, 6))
        self.assertEqual(len(r.context["page"].object_list), 6)
        wonen = next(t["team"] for t in r.context["teams"] if t["team"].name == "Wonen")
        r = self.client.get(url, {"team": wonen.pk})
        self.assertEqual({e.team_id for e in r.context["page"].object_list}, {wonen.pk})
        self.assertContains(r, "Nog te doen voor Wonen")

    def test_the_missing_efforts_page_through_every_team_once_in_order(self):
        # teams of 1, 12 and 30 missing efforts (and one with none) cut across the pages of
        # 25: each page reads only its own teams' efforts, and together the pages are the list
        teams = [Team.objects.create(name=name) for name in ("Aa", "Bb", "Cc", "Dd")]
        for team, count in zip(teams, (1, 0, 12, 30), strict=True):
            self.add_efforts(count, team=team)
        complete = Team.objects.get(name="Bb")
        self.add_efforts(2, team=complete)
        self.round.efforts.set(Effort.objects.all())
        for effort in complete.efforts.all():
            submit(effort, self.round, self.charlie)
        self.client.force_login(self.bob)
        url = reverse("plan:round-completeness", args=[self.round.pk])
        shown, number, pages = [], 0, 1
        while number < pages:
            number += 1
            with self.assertNumQueries(10):
                r = self.client.get(url, {"page": number})
            pages = r.context["page"].paginator.num_pages
            shown += [(effort.team.name, effort.code) for effort in r.context["page"].object_list]
        self.assertEqual(pages, 2)
        whole = [
            (effort.team.name, effort.code)
            for effort in selectors.round_missing_efforts(steering_round=self.round)
        ]
        self.assertEqual(len(whole), r.context["missing"])
        self.assertEqual(shown, whole)
        self.assertEqual([team for team, _code in shown[:2]], ["Aa", "Cc"])
        self.assertNotIn("Bb", {team for team, _code in shown})


class MyEffortsTestCase(RoundTestCase):
    url = reverse("plan:my-efforts")

    def test_a_lead_lands_here_after_logging_in(self):
        r = self.client.post(reverse("login"), {"username": "alice", "password": "pw-alice-123"})
        self.assertRedirects(r, self.url)

    def test_it_lists_what_is_still_missing_for_my_team(self):
        self.client.force_login(self.alice)
        r = self.client.get(self.url)
        self.assertEqual([row["effort"] for row in r.context["rows"]], [self.effort])
        self.assertEqual([row["effort"] for row in r.context["to_do"]], [self.effort])
        self.assertContains(r, "1 inspanning heeft nog een update nodig.")
        submit(self.effort, self.round, self.alice)
        r = self.client.get(self.url)
        self.assertEqual(r.context["to_do"], [])
        self.assertContains(r, "Al uw inspanningen in deze ronde hebben een update.")

    def test_it_runs_the_same_queries_with_many_efforts_and_updates(self):
        self.client.force_login(self.charlie)
        # session, user, efforts, open round, efforts in the round, updates, and the plan
        # years awaiting the user's decision (notice and menu, plan.context_processors)
        # and every plan, once, for the menu's plan switcher (plan.periods)
        with self.assertNumQueries(8):
            self.client.get(self.url)
        self.add_efforts(12)
        self.round.efforts.set(Effort.objects.all())
        for effort in Effort.objects.filter(team=self.team_w)[:8]:
            submit(effort, self.round, self.charlie)
        with self.assertNumQueries(8):
            r = self.client.get(self.url)
        self.assertEqual(len(r.context["rows"]), 13)
        self.assertEqual(len(r.context["to_do"]), 5)


class EffortListWithUpdatesTestCase(RoundTestCase):
    def test_the_effort_list_runs_the_same_queries_with_many_updates(self):
        self.client.force_login(self.alice)
        url = reverse("plan:effort-list")
        # 9, the permissions that decide on "Import", and the menu's plan years awaiting
        # the user's decision (plan.context_processors) and every plan, once, for the
        # menu's plan switcher (plan.periods)
        with self.assertNumQueries(12):
            self.client.get(url)
        self.add_efforts(10)
        self.round.efforts.set(Effort.objects.all())
        for effort in Effort.objects.all():
            submit(effort, self.round, self.bob)
        with self.assertNumQueries(12):
            self.client.get(url)


class MinutesTestCase(RoundTestCase):
    def test_uploaded_minutes_are_downloaded_by_logged_in_users_only(self):
        from django.core.files.uploadedfile import SimpleUploadedFile

        with self.settings(MEDIA_ROOT=self.tmp_media()):
            self.client.force_login(self.bob)
            upload = SimpleUploadedFile("verslag.pdf", b"%PDF-1.4 verslag")
            self.client.post(self.round.get_absolute_url(), {"minutes": upload})
            url = reverse("plan:round-minutes", args=[self.round.pk])
            self.client.force_login(self.wethouder)
            r = self.client.get(url)
            self.assertEqual(b"".join(r.streaming_content), b"%PDF-1.4 verslag")
            self.assertIn("attachment", r["Content-Disposition"])
            self.client.logout()
            self.assertEqual(self.client.get(url).status_code, 302)

    def test_replaced_minutes_are_removed_from_storage(self):
        from pathlib import Path

        from django.core.files.uploadedfile import SimpleUploadedFile

        media = self.tmp_media()
        with self.settings(MEDIA_ROOT=media):
            self.client.force_login(self.bob)
            with self.captureOnCommitCallbacks(execute=True):
                for name in ("verslag.pdf", "verslag-definitief.pdf"):
                    upload = SimpleUploadedFile(name, b"%PDF-1.4 " + name.encode())
                    self.client.post(self.round.get_absolute_url(), {"minutes": upload})
                self.client.post(self.round.get_absolute_url(), {"advice": "Doorgaan"})  # kept
            stored = sorted(p.name for p in Path(media).rglob("*") if p.is_file())
            self.assertEqual(stored, ["verslag-definitief.pdf"])
            self.client.force_login(self.wethouder)
            r = self.client.get(reverse("plan:round-minutes", args=[self.round.pk]))
            content = b"".join(r.streaming_content)
        self.assertEqual(content, b"%PDF-1.4 verslag-definitief.pdf")

    def tmp_media(self):
        import tempfile

        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        return directory.name
