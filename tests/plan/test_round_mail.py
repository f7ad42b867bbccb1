"""Who a round reaches: the lead, else the team, else the programme manager, with links."""

from datetime import date

from django.core import mail
from django.test import override_settings
from django.urls import reverse

from plan.models import Effort, SteeringRound
from plan.services import steering_round_open, steering_round_send_reminders
from tests.base import BaseTestCase, RoundTestCase


@override_settings(PORTAL_URL="https://internationalisering.leiden.nl")
class RemindersTestCase(RoundTestCase):
    def remind(self):
        self.client.force_login(self.bob)
        url = reverse("plan:round-reminders", args=[self.round.pk])
        return self.client.post(url, follow=True)

    def mails(self):
        return {tuple(m.to): m.body for m in mail.outbox}

    def test_an_effort_without_a_lead_reaches_its_teams_members_with_an_address(self):
        # effort 3.1 (team K: alice) and 1.1 (team W: charlie) have no lead
        r = self.remind()
        self.assertContains(r, "2 herinneringen verstuurd.")
        self.assertContains(r, "ging de herinnering naar het team of de opgavemanager")
        body = self.mails()[("alice@example.org",)]
        self.assertIn("Inspanningen van uw team zonder trekker", body)
        self.assertIn("3.1 Doorontwikkeling Expat Centre", body)
        link = f"https://internationalisering.leiden.nl/efforts/{self.effort.pk}/update/"
        self.assertIn(link, body)
        self.assertIn("https://internationalisering.leiden.nl/my-efforts/", body)

    def test_a_lead_without_an_address_or_inactive_is_passed_over_for_the_team(self):
        self.effort.lead = self.charlie  # charlie is not in team K
        self.effort.save()
        self.charlie.is_active = False
        self.charlie.save()
        self.remind()
        self.assertIn(("alice@example.org",), self.mails())
        self.assertNotIn(("charlie@example.org",), self.mails())

    def test_with_no_one_in_the_team_the_programme_manager_gets_it(self):
        self.alice.email = ""
        self.alice.save()
        self.bob.email = "bob@example.org"
        self.bob.save()
        r = self.remind()
        body = self.mails()[("bob@example.org",)]
        self.assertIn("u ontvangt ze als opgavemanager", body)
        self.assertIn("3.1 Doorontwikkeling Expat Centre", body)
        self.assertIn(f"/efforts/{self.effort.pk}/update/", body)
        self.assertNotContains(r, "niemand bereikt")

    def test_the_message_names_the_efforts_no_one_could_be_told_about(self):
        self.alice.email = ""
        self.alice.save()  # team K has no one with an address, bob has none either
        r = self.remind()
        self.assertContains(
            r,
            "1 herinnering verstuurd. Voor 1 inspanning zonder trekker die per e-mail "
            "bereikbaar is, ging de herinnering naar het team of de opgavemanager. Voor deze "
            "inspanning is niemand bereikt (geen trekker, teamlid of opgavemanager met een "
            "e-mailadres): 3.1 Doorontwikkeling Expat Centre.",
        )
        self.assertContains(r, 'class="alert alert-warning"')
        self.assertEqual(list(self.mails()), [("charlie@example.org",)])

    def test_a_reachable_lead_is_told_alone_with_a_link_to_the_update_form(self):
        self.other_effort.lead = self.alice
        self.other_effort.save()
        result = steering_round_send_reminders(steering_round=self.round)
        self.assertEqual(sorted(result["sent"]), ["alice@example.org"])
        body = mail.outbox[0].body
        self.assertIn("Inspanningen waarvan u trekker bent:", body)
        self.assertIn(
            f"https://internationalisering.leiden.nl/efforts/{self.other_effort.pk}/update/",
            body,
        )


class RoundOpenMailTestCase(BaseTestCase):
    def test_opening_a_round_tells_each_lead_which_efforts_the_deadline_and_the_link(self):
        self.alice.email = "alice@example.org"
        self.alice.save()
        self.charlie.email = "charlie@example.org"
        self.charlie.save()
        self.other_effort.lead = self.charlie
        self.other_effort.save()
        self.client.force_login(self.bob)
        data = {
            "meeting_date": "2099-03-15",
            "deadline": "2099-03-01",
            "efforts": [self.effort.pk, self.other_effort.pk],
        }
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("plan:round-create"), data)
        self.assertTrue(SteeringRound.objects.open().exists())
        mails = {tuple(m.to): m for m in mail.outbox}
        self.assertEqual(set(mails), {("alice@example.org",), ("charlie@example.org",)})
        to_charlie = mails[("charlie@example.org",)]
        self.assertIn("1-03-2099", to_charlie.subject)
        self.assertIn("vóór 1 maart 2099", to_charlie.body)
        self.assertIn("Inspanningen waarvan u trekker bent:", to_charlie.body)
        self.assertIn("1.1 Huurteam voor internationals", to_charlie.body)
        self.assertNotIn("3.1", to_charlie.body)
        link = f"http://127.0.0.1:8000/efforts/{self.other_effort.pk}/update/"
        self.assertIn(link, to_charlie.body)  # PORTAL_URL's default
        self.assertIn("3.1 Doorontwikkeling Expat Centre", mails[("alice@example.org",)].body)

    def test_no_mail_before_the_round_is_committed_and_none_for_finished_efforts(self):
        self.alice.email = "alice@example.org"
        self.alice.save()
        self.effort.set_status(Effort.Status.DONE, by=self.bob)
        with self.captureOnCommitCallbacks() as callbacks:
            steering_round_open(
                meeting_date=date(2023, 3, 15), deadline=date(2023, 3, 1), opened_by=self.bob
            )
        self.assertEqual(mail.outbox, [])
        for callback in callbacks:
            callback()
        self.assertEqual(mail.outbox, [])  # alice's only effort is done: not in the round
