"""The audit trail of sign-ins (django-axes): every login, logout and failed attempt is kept,
and the programme manager reads it in the admin, which lets nobody change or delete it."""

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import Group, User
from django.test import override_settings
from django.urls import reverse
from django.utils import formats, timezone, translation

from plan.roles import Role
from tests.base import BaseTestCase

LOG_MODELS = [AccessLog, AccessFailureLog, AccessAttempt]
ALICE_IP = "192.0.2.7"  # TEST-NET-1: an address no test machine has


def admin_url(model, view, *args):
    return reverse(f"admin:axes_{model._meta.model_name}_{view}", args=args)


def shown(value) -> str:
    """A date and time as the (Dutch) admin changelist shows it."""
    with translation.override("nl"):
        return formats.localize(timezone.template_localtime(value))


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class SignInAuditTestCase(BaseTestCase):
    def sign_in(self, username, password):
        return self.client.post(
            reverse("login"),
            {"username": username, "password": password},
            REMOTE_ADDR=ALICE_IP,
            HTTP_USER_AGENT="Firefox test",
        )

    def test_failed_and_good_logins_and_the_logout_are_recorded(self):
        self.assertEqual(self.sign_in("alice", "wrong").status_code, 200)
        self.assertEqual(self.sign_in("nobody", "guess").status_code, 200)  # unknown name too
        self.assertEqual(self.sign_in("alice", "pw-alice-123").status_code, 302)

        failures = AccessFailureLog.objects.order_by("attempt_time")
        self.assertEqual(
            [(f.username, f.ip_address, f.user_agent) for f in failures],
            [("alice", ALICE_IP, "Firefox test"), ("nobody", ALICE_IP, "Firefox test")],
        )
        # The good login resets alice's lockout count; the failure log keeps her attempt.
        self.assertFalse(AccessAttempt.objects.filter(username="alice").exists())
        login = AccessLog.objects.get()
        self.assertEqual((login.username, login.ip_address), ("alice", ALICE_IP))
        self.assertIsNone(login.logout_time)

        self.client.post(reverse("logout"), REMOTE_ADDR=ALICE_IP)
        login.refresh_from_db()
        self.assertIsNotNone(login.logout_time)
        self.assertGreaterEqual(login.logout_time, login.attempt_time)

    def test_the_programme_manager_reads_both_in_the_admin(self):
        self.sign_in("alice", "wrong")
        self.sign_in("alice", "pw-alice-123")
        self.client.logout()
        failure, login = AccessFailureLog.objects.get(), AccessLog.objects.get(username="alice")

        self.client.force_login(self.bob)  # staff, in the opgavemanager group, no superuser
        self.assertFalse(self.bob.is_superuser)
        for model, entry in ((AccessFailureLog, failure), (AccessLog, login)):
            with self.subTest(model=model.__name__):
                r = self.client.get(admin_url(model, "changelist"))
                self.assertEqual(r.status_code, 200)
                self.assertIn(entry, r.context["cl"].result_list)
                self.assertContains(r, "alice")
                self.assertContains(r, ALICE_IP)
                self.assertContains(r, shown(entry.attempt_time))
                r = self.client.get(admin_url(model, "change", entry.pk))
                self.assertContains(r, ALICE_IP)
        r = self.client.get(reverse("admin:index"))
        self.assertContains(r, admin_url(AccessFailureLog, "changelist"))

    def test_nobody_adds_changes_or_deletes_an_entry_in_the_admin(self):
        self.sign_in("alice", "wrong")  # an attempt (lockout count) and a failure log
        self.sign_in("alice", "wrong")
        self.sign_in("bob", "pw-bob-123")  # a login
        entries = {model: model.objects.first() for model in LOG_MODELS}
        superuser = User.objects.create_superuser("root", password="pw-root-123")
        for user in (self.bob, superuser):
            self.client.force_login(user)
            for model, entry in entries.items():
                with self.subTest(user=user.username, model=model.__name__):
                    r = self.client.get(admin_url(model, "changelist"))
                    self.assertEqual(r.status_code, 200)
                    self.assertNotContains(r, 'name="action"')  # no actions, no bulk delete
                    self.assertNotContains(r, admin_url(model, "add"))
                    self.assertEqual(self.client.get(admin_url(model, "add")).status_code, 403)
                    r = self.client.get(admin_url(model, "change", entry.pk))
                    self.assertEqual(r.status_code, 200)  # read-only view
                    self.assertNotContains(r, 'name="_save"')
                    self.assertNotContains(r, admin_url(model, "delete", entry.pk))
                    r = self.client.post(admin_url(model, "change", entry.pk), {"username": "x"})
                    self.assertEqual(r.status_code, 403)
                    delete = admin_url(model, "delete", entry.pk)
                    self.assertEqual(self.client.get(delete).status_code, 403)
                    self.assertEqual(self.client.post(delete, {"post": "yes"}).status_code, 403)
                    bulk = {"action": "delete_selected", "_selected_action": [entry.pk]}
                    self.client.post(admin_url(model, "changelist"), bulk)
                    self.assertTrue(model.objects.filter(pk=entry.pk).exists())
                    entry.refresh_from_db()
                    self.assertNotEqual(entry.username, "x")

    def test_only_the_programme_manager_role_may_read_the_logs(self):
        for role in Role:
            user = User.objects.create_user(f"audit-{role.value}", is_staff=True)
            user.groups.add(Group.objects.get(name=role))
            for model in LOG_MODELS:
                opts = model._meta
                with self.subTest(role=role, model=opts.model_name):
                    expected = role == Role.PROGRAMME_MANAGER
                    self.assertEqual(user.has_perm(f"axes.view_{opts.model_name}"), expected)
                    for action in ("add", "change", "delete"):
                        self.assertFalse(user.has_perm(f"axes.{action}_{opts.model_name}"))
