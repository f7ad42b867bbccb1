"""OpenID Connect sign-in: the claim mapping, the login page with and without local passwords,
and signing out at the provider. The sign-in through a real provider is
tests/browser/test_oidc_sign_in.py."""

from urllib.parse import parse_qs, urlsplit

import jwt
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.test import override_settings
from django.urls import reverse

from leiden_intl.oidc import PortalOIDCBackend, username_for
from plan.roles import Role
from tests.base import BaseTestCase

PROVIDER = "http://127.0.0.1:9/openid"  # never contacted: these tests make no token requests
OIDC = {
    "OIDC_ENABLED": True,
    "OIDC_PROVIDER_NAME": "Test IdP",
    "OIDC_RP_CLIENT_ID": "leiden-portal",
    "OIDC_RP_CLIENT_SECRET": "a-client-secret-of-at-least-32-bytes",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{PROVIDER}/authorize",
    "OIDC_OP_TOKEN_ENDPOINT": f"{PROVIDER}/token",
    "OIDC_OP_USER_ENDPOINT": f"{PROVIDER}/userinfo",
    "OIDC_OP_JWKS_ENDPOINT": f"{PROVIDER}/jwks",
    "OIDC_OP_LOGOUT_ENDPOINT": f"{PROVIDER}/end-session",
    "AUTHENTICATION_BACKENDS": [
        "axes.backends.AxesStandaloneBackend",
        "leiden_intl.oidc.PortalOIDCBackend",
        "leiden_intl.auth.PortalModelBackend",
    ],
}
WITHOUT_PASSWORDS = {
    **OIDC,
    "LOCAL_PASSWORDS": False,
    "AUTHENTICATION_BACKENDS": [
        "axes.backends.AxesStandaloneBackend",
        "leiden_intl.oidc.PortalOIDCBackend",
    ],
}
ENTRA_STEERING_GROUP = "1f0c2c4e-5d7a-4c1b-9e0e-3a5b7c9d1e2f"  # group object ids
ENTRA_TEAM_WONEN = "9a7b5c3d-1e2f-4a6b-8c0d-2e4f6a8b0c1d"


@override_settings(**OIDC)
class ClaimMappingTestCase(BaseTestCase):
    def sign_in(self, groups, sub="pieter-sub", **claims):
        """What the backend does with the claims of a verified sign-in."""
        backend = PortalOIDCBackend()
        claims = {"sub": sub, "groups": groups, **claims}
        users = backend.filter_users_by_claims(claims)
        if users:
            return backend.update_user(users.get(), claims)
        return backend.create_user(claims)

    def roles_and_teams(self, user):
        return (
            set(user.groups.values_list("name", flat=True)),
            set(user.teams.values_list("name", flat=True)),
        )

    def test_a_first_sign_in_gives_the_mapped_role_and_team(self):
        user = self.sign_in(
            ["regiegroep", "team:Kennis & Internationalisering", "team:Nope", "alle-medewerkers"],
            given_name="Pieter",
            family_name="Jansen",
            email="pieter@example.org",
        )
        self.assertEqual(user.username, "oidc-pieter-sub")
        self.assertEqual(user.get_full_name(), "Pieter Jansen")
        self.assertFalse(user.has_usable_password())
        self.assertEqual(
            self.roles_and_teams(user), ({"regiegroep"}, {"Kennis & Internationalisering"})
        )
        # exactly what alice, a steering-group member of that team, may do
        self.assertEqual(user.get_all_permissions(), self.alice.get_all_permissions())
        self.assertFalse(user.is_staff)
        self.assertTrue(self.effort.can_edit(user))
        self.assertFalse(self.other_effort.can_edit(user))

    def test_the_next_sign_in_takes_away_what_the_claim_no_longer_gives(self):
        user = self.sign_in(["regiegroep", "team:Kennis & Internationalisering"])
        newsletter = Group.objects.create(name="nieuwsbrief")  # not a portal role
        user.groups.add(newsletter)

        again = self.sign_in(["alle-medewerkers"])
        self.assertEqual(again.pk, user.pk)
        self.assertEqual(self.roles_and_teams(again), ({"nieuwsbrief"}, set()))
        again = type(again).objects.get(pk=again.pk)  # no cached permissions
        self.assertFalse(again.has_perm("plan.view_effort"))
        self.assertFalse(self.effort.can_edit(again))

    def test_the_programme_manager_role_gives_the_back_office_and_losing_it_takes_it(self):
        user = self.sign_in(["opgavemanager"])
        self.assertTrue(user.is_staff)
        self.assertTrue(user.has_perm("plan.change_effort"))
        user = self.sign_in(["lezer"])
        user.refresh_from_db()
        self.assertFalse(user.is_staff)
        self.assertEqual(self.roles_and_teams(user), ({"lezer"}, set()))

    @override_settings(
        OIDC_ROLE_MAP={ENTRA_STEERING_GROUP: Role.STEERING_GROUP},
        OIDC_TEAM_MAP={ENTRA_TEAM_WONEN: "Wonen"},
        OIDC_TEAM_PREFIX="",
    )
    def test_entra_group_ids_map_through_the_maps_and_nothing_else_does(self):
        user = self.sign_in([ENTRA_STEERING_GROUP, ENTRA_TEAM_WONEN, "opgavemanager", "team:Wonen"])
        self.assertEqual(self.roles_and_teams(user), ({"regiegroep"}, {"Wonen"}))
        self.assertFalse(user.is_staff)

    @override_settings(OIDC_GROUPS_CLAIMS=["roles"])
    def test_an_app_roles_claim_with_one_value(self):
        user = self.sign_in(["opgavemanager"], roles="wethouder")  # ADFS: a string for one
        self.assertEqual(self.roles_and_teams(user), ({"wethouder"}, set()))

    @override_settings(OIDC_TEAM_PREFIX="", OIDC_TEAM_MAP={})
    def test_without_a_team_mapping_the_back_office_keeps_the_teams(self):
        user = self.sign_in(["regiegroep"])
        self.team_w.members.add(user)
        user = self.sign_in(["regiegroep", "team:Kennis & Internationalisering"])
        self.assertEqual(self.roles_and_teams(user), ({"regiegroep"}, {"Wonen"}))

    @override_settings(OIDC_ROLE_MAP={ENTRA_STEERING_GROUP: "beheerder"})
    def test_a_role_map_naming_no_role_is_refused(self):
        with self.assertRaisesMessage(ImproperlyConfigured, "'beheerder'"):
            self.sign_in([ENTRA_STEERING_GROUP])

    def test_people_are_found_by_sub_never_by_email(self):
        self.alice.email = "alice@example.org"
        self.alice.save()
        user = self.sign_in(["opgavemanager"], sub="mallory", email="alice@example.org")
        self.assertNotEqual(user.pk, self.alice.pk)
        self.alice.refresh_from_db()
        self.assertFalse(self.alice.is_staff)
        self.assertEqual(set(self.alice.groups.values_list("name", flat=True)), {"regiegroep"})

    def test_empty_name_and_email_claims_leave_them_empty(self):
        user = self.sign_in(["lezer"], given_name=None, family_name="", email=None)
        self.assertEqual((user.first_name, user.last_name, user.email), ("", "", ""))
        self.assertEqual(user.get_username(), "oidc-pieter-sub")

    def test_a_sub_that_is_no_username_is_hashed(self):
        self.assertEqual(username_for("AAAA-bbb_9.x"), "oidc-AAAA-bbb_9.x")
        hashed = username_for("CN=Pieter Jansen,OU=Leiden")
        self.assertRegex(hashed, r"^oidc-[0-9a-f]{64}$")
        self.assertEqual(username_for("x" * 141), username_for("x" * 141))
        self.assertNotEqual(username_for("x" * 141), username_for("x" * 142))

    @override_settings(OIDC_RP_SIGN_ALGO="HS256")  # signed with the client secret: no JWKS
    def test_an_id_token_for_another_client_is_refused(self):
        backend = PortalOIDCBackend()
        for audience, accepted in (
            ("leiden-portal", True),
            (["another-app", "leiden-portal"], True),
            ("another-app", False),
            (None, False),
        ):
            with self.subTest(audience=audience):
                claims = {"sub": "pieter-sub", "nonce": "n0nce", "aud": audience}
                token = jwt.encode(claims, OIDC["OIDC_RP_CLIENT_SECRET"], algorithm="HS256")
                if accepted:
                    self.assertEqual(backend.verify_token(token, nonce="n0nce")["aud"], audience)
                else:
                    with self.assertRaisesMessage(SuspiciousOperation, "(aud)"):
                        backend.verify_token(token, nonce="n0nce")

    def test_a_sign_in_takes_a_fixed_number_of_queries(self):
        self.sign_in(["regiegroep", "team:Kennis & Internationalisering"])
        # user, role groups, remove, add (existing and insert), teams, teams.set (3), staff
        with self.assertNumQueries(11):
            self.sign_in(
                ["opgavemanager", "lezer", "team:Wonen", "team:Kennis & Internationalisering"]
            )


class LoginPageTestCase(BaseTestCase):
    url = reverse("login")

    def test_without_oidc_there_is_only_the_password_form(self):
        r = self.client.get(self.url)
        self.assertContains(r, 'name="password"')
        self.assertNotContains(r, "/oidc/authenticate/")
        self.assertEqual(self.client.get(reverse("oidc:authenticate")).status_code, 404)
        self.assertEqual(self.client.get(reverse("oidc:callback")).status_code, 404)

    @override_settings(**OIDC)
    def test_with_oidc_and_passwords_both_are_offered(self):
        r = self.client.get(self.url + "?next=/efforts/")
        self.assertContains(
            r,
            '<a class="btn btn-primary" href="/oidc/authenticate/?next=/efforts/">'
            "Inloggen met Test IdP</a>",
            html=True,
        )
        self.assertContains(r, "Of log in met een wachtwoord")
        self.assertContains(r, 'name="password"')

    @override_settings(**OIDC)
    def test_the_button_starts_the_code_flow_at_the_provider(self):
        r = self.client.get(reverse("oidc:authenticate") + "?next=/efforts/")
        self.assertEqual(r.status_code, 302)
        location = urlsplit(r["Location"])
        self.assertEqual(
            f"{location.scheme}://{location.netloc}{location.path}",
            OIDC["OIDC_OP_AUTHORIZATION_ENDPOINT"],
        )
        query = parse_qs(location.query)
        self.assertEqual(query["client_id"], ["leiden-portal"])
        self.assertEqual(query["redirect_uri"], ["http://testserver/oidc/callback/"])
        self.assertEqual(query["response_type"], ["code"])
        self.assertEqual(query["scope"], ["openid email profile"])
        self.assertEqual(query["code_challenge_method"], ["S256"])
        self.assertEqual(self.client.session["oidc_login_next"], "/efforts/")

    @override_settings(**OIDC)
    def test_a_refused_sign_in_comes_back_to_the_login_page_with_a_message(self):
        r = self.client.get(reverse("oidc:callback") + "?error=access_denied", follow=True)
        self.assertRedirects(r, self.url)
        self.assertContains(r, "Inloggen met Test IdP is niet gelukt. Probeer het opnieuw.")
        self.assertNotIn(SESSION_KEY, self.client.session)

    @override_settings(**WITHOUT_PASSWORDS)
    def test_without_local_passwords_only_the_provider_is_offered(self):
        r = self.client.get(self.url)
        self.assertContains(r, "Inloggen met Test IdP")
        self.assertNotContains(r, 'name="password"')
        self.assertNotContains(r, reverse("password_reset"))

    @override_settings(**WITHOUT_PASSWORDS)
    def test_without_local_passwords_a_password_is_refused(self):
        r = self.client.post(self.url, {"username": "alice", "password": "pw-alice-123"})
        self.assertContains(
            r, "Inloggen met een wachtwoord staat uit. Log in met Test IdP.", status_code=403
        )
        self.assertNotIn(SESSION_KEY, self.client.session)

    @override_settings(**WITHOUT_PASSWORDS)
    def test_without_local_passwords_the_password_pages_are_refused(self):
        self.alice.email = "alice@example.org"
        self.alice.save()
        message = "Inloggen met een wachtwoord staat uit."
        r = self.client.post(reverse("password_reset"), {"email": "alice@example.org"})
        self.assertContains(r, message, status_code=403)
        self.assertEqual(mail.outbox, [])
        r = self.client.get(reverse("password_reset_confirm", args=["MQ", "set-password"]))
        self.assertContains(r, message, status_code=403)
        self.client.force_login(self.alice, backend="leiden_intl.oidc.PortalOIDCBackend")
        self.assertContains(self.client.get(reverse("password_change")), message, status_code=403)


@override_settings(**OIDC)
class LogoutTestCase(BaseTestCase):
    def sign_in_with_oidc(self, user):
        self.client.force_login(user, backend="leiden_intl.oidc.PortalOIDCBackend")
        session = self.client.session
        session["oidc_id_token"] = "the.id.token"
        session.save()

    def assertSignsOutAtTheProvider(self, response):
        location = urlsplit(response["Location"])
        self.assertEqual(
            f"{location.scheme}://{location.netloc}{location.path}",
            OIDC["OIDC_OP_LOGOUT_ENDPOINT"],
        )
        self.assertEqual(
            parse_qs(location.query),
            {
                "id_token_hint": ["the.id.token"],
                "post_logout_redirect_uri": ["http://testserver/accounts/login/"],
                "client_id": ["leiden-portal"],
            },
        )
        self.assertNotIn(SESSION_KEY, self.client.session)

    def test_after_an_oidc_sign_in_the_provider_signs_out_too(self):
        self.sign_in_with_oidc(self.alice)
        self.assertSignsOutAtTheProvider(self.client.post(reverse("logout")))

    def test_the_back_office_signs_out_at_the_provider_too(self):
        self.sign_in_with_oidc(self.bob)
        self.assertSignsOutAtTheProvider(self.client.post(reverse("admin:logout")))

    def test_after_a_password_login_it_stays_in_the_portal(self):
        self.client.force_login(self.alice)
        r = self.client.post(reverse("logout"))
        self.assertRedirects(r, reverse("login"), fetch_redirect_response=False)
        self.assertNotIn(SESSION_KEY, self.client.session)

    @override_settings(**WITHOUT_PASSWORDS)
    def test_without_local_passwords_the_back_office_sends_to_the_portal_login(self):
        r = self.client.get(reverse("admin:login") + "?next=/admin/plan/effort/")
        self.assertRedirects(
            r, reverse("login") + "?next=/admin/plan/effort/", fetch_redirect_response=False
        )
        self.sign_in_with_oidc(self.bob)
        r = self.client.get(reverse("admin:login"))
        self.assertRedirects(r, reverse("admin:index"), fetch_redirect_response=False)
