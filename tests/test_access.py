"""Login is required everywhere except the login page and /healthz."""

import re

from django.core import mail
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from plan.models import Team
from plan.roles import Role
from tests.base import BaseTestCase

PUBLIC = {
    "login",
    "healthz",
    "public-plan",
    "accessibility",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "set_language",
}


def plan_urls():
    """(name, path) for every named pattern of the plan app, with 1 for each argument."""
    resolver = get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver) and pattern.namespace == "plan":
            for child in pattern.url_patterns:
                assert isinstance(child, URLPattern)
                args = [1] * len(child.pattern.converters)
                yield child.name, reverse(f"plan:{child.name}", args=args)


class AnonymousAccessTestCase(BaseTestCase):
    def test_every_plan_page_sends_an_anonymous_visitor_to_login(self):
        urls = dict(plan_urls())
        self.assertIn("effort-detail", urls)
        for name, url in urls.items():
            if name in PUBLIC:
                continue
            with self.subTest(url=url):
                r = self.client.get(url)
                self.assertRedirects(
                    r, f"{reverse('login')}?next={url}", fetch_redirect_response=False
                )

    def test_the_admin_sends_an_anonymous_visitor_to_a_login(self):
        r = self.client.get("/admin/plan/effort/")
        self.assertEqual(r.status_code, 302)
        self.assertIn("login", r["Location"])

    def test_healthz_answers_without_login_when_the_database_answers(self):
        r = self.client.get(reverse("plan:healthz"))
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.content, b"ok\n")

    def test_the_login_page_is_dutch(self):
        r = self.client.get(reverse("login"))
        self.assertContains(r, '<html lang="nl">')
        self.assertContains(r, "Inloggen")
        self.assertContains(r, "Gebruikersnaam")

    def test_a_wrong_password_is_refused_with_a_dutch_message(self):
        r = self.client.post(reverse("login"), {"username": "alice", "password": "nope"})
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "Voer een juiste gebruikersnaam en wachtwoord in")
        self.assertContains(r, 'value="alice"')  # what was typed is kept


class DemoUsersTestCase(BaseTestCase):
    def test_it_refuses_to_run_when_debug_is_off(self):
        with self.assertRaisesMessage(CommandError, "DEBUG is off"):
            call_command("create_demo_users")
        self.assertFalse(Team.objects.get(name="Wonen").members.filter(username="lezer"))

    @override_settings(DEBUG=True)
    def test_every_demo_user_logs_in_through_the_form(self):
        Team.objects.create(name="Economie")
        call_command("create_demo_users", verbosity=0)
        call_command("create_demo_users", verbosity=0)  # safe to run twice
        for role in Role:
            with self.subTest(role=role):
                r = self.client.post(
                    reverse("login"), {"username": role.value, "password": f"demo-{role.value}"}
                )
                landing = {
                    Role.STEERING_GROUP: "plan:my-efforts",
                    Role.ALDERMAN: "reporting:dashboard",
                    Role.DIRECTORS: "reporting:dashboard",
                    Role.CLIENT: "reporting:dashboard",
                }.get(role, "plan:overview")
                self.assertRedirects(r, reverse(landing))
                self.client.post(reverse("logout"))

    @override_settings(DEBUG=True)
    def test_demo_roles_have_their_groups_and_no_superuser(self):
        call_command("create_demo_users", verbosity=0)
        from django.contrib.auth.models import User

        users = {u.username: u for u in User.objects.filter(username__in=list(Role.values))}
        self.assertEqual(set(users), set(Role.values))
        for role, user in users.items():
            self.assertEqual(list(user.groups.values_list("name", flat=True)), [role])
            self.assertFalse(user.is_superuser)
        self.assertTrue(users["opgavemanager"].is_staff)
        self.assertFalse(users["wethouder"].is_staff)
        self.assertEqual(
            list(users["regiegroep"].teams.values_list("name", flat=True)), ["Economie"]
        )


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class PasswordPagesTestCase(BaseTestCase):
    """Forgotten and changed passwords, in the portal's own pages (not the admin's)."""

    def test_a_forgotten_password_is_reset_through_the_mailed_link(self):
        self.alice.email = "alice@leiden.nl"
        self.alice.save()
        r = self.client.get(reverse("login"))
        self.assertContains(r, f'href="{reverse("password_reset")}"')
        r = self.client.get(reverse("password_reset"))
        self.assertContains(r, "<h1>Wachtwoord vergeten?</h1>", html=True)
        self.assertNotContains(r, "Django")
        r = self.client.post(reverse("password_reset"), {"email": "alice@leiden.nl"})
        self.assertRedirects(r, reverse("password_reset_done"))
        self.assertEqual(len(mail.outbox), 1)
        link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.outbox[0].body)[1]
        r = self.client.get(link, follow=True)
        self.assertContains(r, "<h1>Kies een nieuw wachtwoord</h1>", html=True)
        r = self.client.post(
            r.redirect_chain[-1][0],
            {"new_password1": "Hoogstraat-1921-gracht", "new_password2": "Hoogstraat-1921-gracht"},
            follow=True,
        )
        self.assertContains(r, "<h1>Wachtwoord opgeslagen</h1>", html=True)
        self.alice.refresh_from_db()
        self.assertTrue(self.alice.check_password("Hoogstraat-1921-gracht"))
        # the link works once
        r = self.client.get(link, follow=True)
        self.assertContains(r, "<h1>Deze link werkt niet meer</h1>", html=True)

    def test_the_password_change_page_is_the_portals(self):
        self.client.force_login(self.alice)
        r = self.client.get(reverse("password_change"))
        self.assertContains(r, "<h1>Uw wachtwoord wijzigen</h1>", html=True)
        self.assertContains(r, 'class="site-header"')
        self.assertNotContains(r, "Django")
