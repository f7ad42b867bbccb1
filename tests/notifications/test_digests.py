"""The daily digest (manage.py send_digests --date): who gets what, once a day, in their
language, and how many queries it takes."""

from datetime import date
from io import StringIO

from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from notifications.models import DigestSent, NotificationPreference
from plan.models import Milestone, ProgressUpdate, SteeringRound, Team, UpdateReview
from plan.roles import Role
from tests.base import RoundTestCase, make_user

PORTAL = "https://internationalisering.leiden.nl"
# the round of RoundTestCase: deadline 1 March 2023, meeting 15 March 2023
SEVEN_BEFORE, FIVE_BEFORE, TWO_BEFORE = "2023-02-22", "2023-02-24", "2023-02-27"
DAY_AFTER = "2023-03-02"


@override_settings(PORTAL_URL=PORTAL)
class DigestTestCase(RoundTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # charlie reads English; alice keeps the defaults (digest on, Dutch)
        NotificationPreference.objects.create(user=cls.charlie, language="en")
        cls.bob.email = "bob@example.org"
        cls.bob.save()

    def send(self, day: str) -> str:
        out = StringIO()
        call_command("send_digests", "--date", day, stdout=out)
        return out.getvalue()

    def mails(self) -> dict:
        return {message.to[0]: message for message in mail.outbox}

    def html(self, message) -> str:
        ((content, mimetype),) = message.alternatives
        self.assertEqual(mimetype, "text/html")
        return content

    def test_seven_days_before_each_contact_gets_one_mail_in_their_language(self):
        Milestone.objects.create(
            effort=self.effort, title="Convenant getekend", due=date(2023, 3, 1), owner=self.alice
        )
        out = self.send(SEVEN_BEFORE)
        self.assertIn("2 digest(s) sent", out)
        mails = self.mails()
        self.assertEqual(len(mail.outbox), 2)  # one each, the milestone bundled into alice's
        self.assertEqual(set(mails), {"alice@example.org", "charlie@example.org"})

        dutch = mails["alice@example.org"]
        self.assertEqual(
            dutch.subject,
            "Internationalisering Leiden: wat er voor u klaarstaat op 22 februari 2023",
        )
        self.assertIn("Overleg regiegroep van 15-03-2023", dutch.body)  # names the round
        self.assertIn("3.1 Doorontwikkeling Expat Centre", dutch.body)
        self.assertIn("nog niet geschreven", dutch.body)
        self.assertIn(f"{PORTAL}/efforts/{self.effort.pk}/update/", dutch.body)
        self.assertIn("Convenant getekend", dutch.body)
        milestone = Milestone.objects.get()
        self.assertIn(f"{PORTAL}/milestones/{milestone.pk}/edit/", dutch.body)
        self.assertNotIn("1.1 Huurteam", dutch.body)  # charlie's team's effort
        html = self.html(dutch)
        self.assertIn('<html lang="nl">', html)
        self.assertIn(f'href="{PORTAL}/efforts/{self.effort.pk}/update/"', html)
        self.assertIn(f'href="{PORTAL}/milestones/{milestone.pk}/edit/"', html)

        english = mails["charlie@example.org"]
        self.assertEqual(
            english.subject, "Internationalisation Leiden: what is due for you on 22 February 2023"
        )
        self.assertIn("Steering group meeting of 15-03-2023", english.body)
        self.assertIn("1.1 Huurteam voor internationals", english.body)
        self.assertIn("not written yet", english.body)
        self.assertIn(f"{PORTAL}/efforts/{self.other_effort.pk}/update/", english.body)
        self.assertIn('<html lang="en">', self.html(english))

    def test_a_second_run_the_same_day_sends_nothing(self):
        self.send(SEVEN_BEFORE)
        self.assertEqual(len(mail.outbox), 2)
        out = self.send(SEVEN_BEFORE)
        self.assertEqual(len(mail.outbox), 2)
        self.assertIn("0 digest(s) sent", out)
        self.assertIn("Already sent that day: alice, charlie", out)
        recorded = DigestSent.objects.order_by("user__username")
        self.assertEqual(
            [(d.user.username, d.day) for d in recorded],
            [("alice", date(2023, 2, 22)), ("charlie", date(2023, 2, 22))],
        )

    def test_the_round_is_listed_seven_and_two_days_before_the_deadline_only(self):
        self.send(FIVE_BEFORE)
        self.assertEqual(mail.outbox, [])
        self.send(TWO_BEFORE)
        self.assertEqual(set(self.mails()), {"alice@example.org", "charlie@example.org"})
        mail.outbox.clear()
        self.send("2023-03-01")  # the deadline itself
        self.assertEqual(mail.outbox, [])

    def test_a_draft_is_listed_and_a_submitted_update_is_not(self):
        ProgressUpdate.objects.create(
            effort=self.effort, steering_round=self.round, author=self.alice,
            status="on_track", progress=50, note="concept", state=ProgressUpdate.State.CONCEPT,
        )  # fmt: skip
        ProgressUpdate.objects.create(
            effort=self.other_effort, steering_round=self.round, author=self.charlie,
            status="on_track", progress=50, note="-", state=ProgressUpdate.State.SUBMITTED,
        )  # fmt: skip
        self.send(TWO_BEFORE)
        self.assertEqual(list(self.mails()), ["alice@example.org"])
        self.assertIn("3.1 Doorontwikkeling Expat Centre", mail.outbox[0].body)
        self.assertIn("nog een concept", mail.outbox[0].body)

    def test_escalation_the_day_after_the_deadline_goes_to_the_programme_manager_per_team(self):
        ProgressUpdate.objects.create(
            effort=self.effort, steering_round=self.round, author=self.alice,
            status="on_track", progress=50, note="concept", state=ProgressUpdate.State.CONCEPT,
        )  # fmt: skip
        self.send(DAY_AFTER)
        self.assertEqual(list(self.mails()), ["bob@example.org"])  # the leads get no round mail
        body = mail.outbox[0].body
        self.assertIn("Nog niet binnen voor het overleg van de regiegroep van 15 maart 2023", body)
        team_k = body.index("Kennis & Internationalisering (1 inspanning)")
        team_w = body.index("Wonen (1 inspanning)")
        self.assertLess(team_k, body.index("3.1 Doorontwikkeling Expat Centre: nog een concept"))
        self.assertLess(body.index("3.1 Doorontwikkeling Expat Centre"), team_w)
        self.assertLess(team_w, body.index("1.1 Huurteam voor internationals: nog niet geschreven"))
        self.assertIn(f"{PORTAL}/rounds/{self.round.pk}/completeness/", body)
        html = self.html(mail.outbox[0])
        self.assertIn("<h3", html)
        self.assertIn(f'href="{PORTAL}/rounds/{self.round.pk}/completeness/"', html)

    def test_escalation_skips_programme_managers_without_an_address(self):
        self.bob.email = ""
        self.bob.save()
        self.send(DAY_AFTER)
        self.assertEqual(mail.outbox, [])

    def test_a_person_who_turned_digests_off_gets_nothing(self):
        NotificationPreference.objects.update_or_create(user=self.alice, defaults={"digest": False})
        out = self.send(SEVEN_BEFORE)
        self.assertEqual(list(self.mails()), ["charlie@example.org"])
        self.assertIn("Digests switched off: alice", out)
        self.assertFalse(DigestSent.objects.filter(user=self.alice).exists())

    def test_nothing_due_sends_no_mail_at_all(self):
        self.send(FIVE_BEFORE)  # an open round, but no reminder day and nothing else due
        SteeringRound.objects.update(state=SteeringRound.State.CLOSED)
        self.send(SEVEN_BEFORE)  # no open round
        self.send(DAY_AFTER)
        self.assertEqual(mail.outbox, [])
        self.assertFalse(DigestSent.objects.exists())

    def test_a_returned_update_goes_to_its_lead_any_day_with_the_reason(self):
        self.effort.lead = self.alice
        self.effort.save()
        update = ProgressUpdate.objects.create(
            effort=self.effort, steering_round=self.round, author=self.alice,
            status="on_track", progress=50, note="-", state=ProgressUpdate.State.RETURNED,
        )  # fmt: skip
        UpdateReview.objects.create(
            update=update, action="returned", by=self.bob, reason="Graag de risico's invullen."
        )
        self.send(FIVE_BEFORE)
        self.assertEqual(list(self.mails()), ["alice@example.org"])
        body = mail.outbox[0].body
        self.assertIn("Teruggestuurd", body)
        self.assertIn("Graag de risico's invullen.", body)
        self.assertIn(f"{PORTAL}/efforts/{self.effort.pk}/update/", body)
        # on a reminder day it is listed once, under returned, not again under the round
        mail.outbox.clear()
        self.send(TWO_BEFORE)
        body = self.mails()["alice@example.org"].body
        self.assertEqual(body.count("3.1 Doorontwikkeling Expat Centre"), 1)

    def test_milestones_go_to_their_owner_else_the_effort_lead(self):
        SteeringRound.objects.update(state=SteeringRound.State.CLOSED)
        day = date(2023, 5, 1)
        Milestone.objects.create(
            effort=self.effort, title="Te laat", due=date(2023, 4, 1), owner=self.alice
        )
        Milestone.objects.create(
            effort=self.effort, title="Over twee weken", due=date(2023, 5, 15), owner=self.alice
        )
        Milestone.objects.create(
            effort=self.effort, title="Over drie weken", due=date(2023, 5, 22), owner=self.alice
        )
        Milestone.objects.create(
            effort=self.effort, title="Al gedaan", due=date(2023, 4, 1), done=date(2023, 4, 2)
        )
        self.other_effort.lead = self.charlie
        self.other_effort.save()
        Milestone.objects.create(effort=self.other_effort, title="Zonder eigenaar", due=day)
        self.send(day.isoformat())
        mails = self.mails()
        self.assertEqual(set(mails), {"alice@example.org", "charlie@example.org"})
        alice = mails["alice@example.org"].body
        self.assertIn("1 april 2023 (over tijd): Te laat", alice)
        self.assertIn("15 mei 2023: Over twee weken", alice)
        self.assertNotIn("Over drie weken", alice)
        self.assertNotIn("Al gedaan", alice)
        self.assertIn("Zonder eigenaar", mails["charlie@example.org"].body)

    def test_a_bad_date_is_refused(self):
        from django.core.management.base import CommandError

        with self.assertRaisesMessage(CommandError, "YYYY-MM-DD"):
            call_command("send_digests", "--date", "22-02-2023")


@override_settings(PORTAL_URL=PORTAL)
class DigestQueriesTestCase(RoundTestCase):
    """The command's queries do not grow with people, efforts, updates or milestones."""

    def grow(self, number: int) -> None:
        """Another team with a member, an effort in the round led by a new person, a returned
        update and two milestones, of which one without an owner."""
        team = Team.objects.create(name=f"Team {number}")
        member = make_user(
            f"lid{number}", role=Role.STEERING_GROUP, teams=[team], email=f"l{number}@x.nl"
        )
        lead = make_user(f"trekker{number}", role=Role.STEERING_GROUP, email=f"t{number}@x.nl")
        NotificationPreference.objects.create(user=lead, language="en")
        self.add_efforts(2, spearhead=self.integration, team=team)
        efforts = list(team.efforts.all())
        for effort in efforts:
            effort.lead = lead
            effort.save()
        self.round.efforts.add(*efforts)
        update = ProgressUpdate.objects.create(
            effort=efforts[0], steering_round=self.round, author=member,
            status="on_track", progress=5, note="-", state=ProgressUpdate.State.RETURNED,
        )  # fmt: skip
        UpdateReview.objects.create(update=update, action="returned", by=self.bob, reason="x")
        Milestone.objects.create(effort=efforts[1], title="m", due=date(2023, 2, 1), owner=member)
        Milestone.objects.create(effort=efforts[1], title="n", due=date(2023, 3, 1))

    def count(self, day: str) -> tuple[int, int]:
        mail.outbox.clear()
        DigestSent.objects.all().delete()
        with CaptureQueriesContext(connection) as queries:
            call_command("send_digests", "--date", day, stdout=StringIO())
        return len(queries), len(mail.outbox)

    def test_the_queries_stay_the_same_from_one_to_ten_times_the_data(self):
        self.bob.email = "bob@example.org"
        self.bob.save()
        self.grow(1)
        small = {day: self.count(day) for day in (SEVEN_BEFORE, DAY_AFTER)}
        for number in range(2, 11):
            self.grow(number)
        large = {day: self.count(day) for day in (SEVEN_BEFORE, DAY_AFTER)}
        for day in (SEVEN_BEFORE, DAY_AFTER):
            self.assertEqual(small[day][0], large[day][0], day)
            self.assertLessEqual(large[day][0], 12, day)
        # more people got a digest, with the same queries
        self.assertGreater(large[SEVEN_BEFORE][1], small[SEVEN_BEFORE][1])
