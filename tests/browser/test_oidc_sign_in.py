"""Staff sign in with OpenID Connect, end to end, against a real provider.

Two servers run on loopback, each with its own SQLite database:

- the test identity provider (django-oidc-provider, settings tests.idp.settings) at
  http://localhost:<port>, with its own user "idp-pieter" and the RS256 key it signs with;
  it puts the `groups` claim in the ID token only, as Entra ID does, from a JSON file this
  test writes (the provider's "directory");
- the portal, exactly as production runs it (gunicorn, leiden_intl.settings, DEBUG off, no
  local passwords), configured for that provider by environment variables only, at
  http://127.0.0.1:<port>: another host name, so the browser keeps the two sessions apart as
  it would for an organisation's provider.

The two never share a user table: the provider's "idp-pieter" is the provider's account, the
portal's "oidc-<sub>" is the one the portal makes at the first sign-in and finds again by the
`sub` claim at the next (never by e-mail address). Chromium follows the real redirects: the
portal's login page, the provider's login page, the callback, and at sign-out the provider's
end_session_endpoint and back.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from tests.test_oidc import OIDC

from .conftest import NARROW, axe_check

pytestmark = pytest.mark.browser

BASE_DIR = Path(settings.BASE_DIR)
BIN = Path(sys.executable).parent
CLIENT_ID = "leiden-portal"
CLIENT_SECRET = "portal-secret-for-the-test"  # noqa: S105
IDP_USER, IDP_PASSWORD = "idp-pieter", "pieters-idp-password"
MAPPED_GROUPS = ["regiegroep", "team:Economie", "alle-medewerkers"]  # the last maps to nothing

IDP_SETUP = """
from django.contrib.auth.models import User
from oidc_provider.models import Client, ResponseType
User.objects.create_user(
    "{user}", "pieter.jansen@example.org", "{password}", first_name="Pieter", last_name="Jansen"
)
client = Client.objects.create(
    name="Portal", client_id="{client_id}", client_secret="{client_secret}",
    client_type="confidential", jwt_alg="RS256", require_consent=False,
    redirect_uris=["{portal}/oidc/callback/"],
    post_logout_redirect_uris=["{portal}/accounts/login/"],
    scope=["openid", "email", "profile"],
)
client.response_types.set([ResponseType.objects.get(value="code")])
"""

# What the portal's database says: the rights of the demo steering-group member and of every
# account the OIDC sign-in made, their sign-ins in the audit log, and two efforts to edit.
PORTAL_STATE = """
import json
from axes.models import AccessLog
from django.contrib.auth.models import User
from plan.models import Effort

def rights(user):
    return {
        "groups": sorted(user.groups.values_list("name", flat=True)),
        "teams": sorted(user.teams.values_list("name", flat=True)),
        "permissions": sorted(user.get_all_permissions()),
        "is_staff": user.is_staff,
        "is_superuser": user.is_superuser,
    }

print(json.dumps({
    "demo": rights(User.objects.get(username="regiegroep")),
    "oidc": {
        u.username: {**rights(u), "name": u.get_full_name(), "email": u.email}
        for u in User.objects.filter(username__startswith="oidc-")
    },
    "access_log": [
        [log.username, log.path_info, log.logout_time is not None]
        for log in AccessLog.objects.order_by("pk")
    ],
    "economie_effort": Effort.objects.filter(team__name="Economie").order_by("pk").first().pk,
    "other_effort": Effort.objects.exclude(team__name="Economie").order_by("pk").first().pk,
}))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, server: subprocess.Popen) -> None:
    for _ in range(150):
        try:
            urllib.request.urlopen(url, timeout=5)  # noqa: S310 (loopback)
            return
        except urllib.error.HTTPError:
            return  # it answers
        except (ConnectionError, urllib.error.URLError):
            assert server.poll() is None, f"the server behind {url} stopped"
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer")


class Servers:
    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.groups_file = tmp / "idp-groups.json"
        self.idp = f"http://localhost:{free_port()}"
        self.portal = f"http://127.0.0.1:{free_port()}"
        inherited = {
            key: value
            for key, value in os.environ.items()
            if key not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "HTTPS", "DEBUG")
            and not key.startswith(("OIDC_", "LOCAL_PASSWORDS"))
        }
        self.idp_env = {
            **inherited,
            "DJANGO_SETTINGS_MODULE": "tests.idp.settings",
            "IDP_DATABASE": str(tmp / "idp.sqlite3"),
            "IDP_GROUPS_FILE": str(self.groups_file),
        }
        openid = f"{self.idp}/openid"
        self.portal_env = {
            **inherited,
            "DEBUG": "false",
            "SECRET_KEY": "portal-key-for-the-oidc-test-4kT!pZ9@wR2#xL7$mN1%vB6^",
            "HTTPS": "false",
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": f"sqlite:///{tmp / 'portal.sqlite3'}",
            "MEDIA_ROOT": str(tmp / "media"),
            "LOCAL_PASSWORDS": "false",
            "OIDC_PROVIDER_NAME": "Test IdP",
            "OIDC_RP_CLIENT_ID": CLIENT_ID,
            "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{openid}/authorize",
            "OIDC_OP_TOKEN_ENDPOINT": f"{openid}/token",
            "OIDC_OP_USER_ENDPOINT": f"{openid}/userinfo",
            "OIDC_OP_JWKS_ENDPOINT": f"{openid}/jwks",
            "OIDC_OP_LOGOUT_ENDPOINT": f"{openid}/end-session",
        }
        self.processes: list[subprocess.Popen] = []

    def manage(self, env, *args) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, f"manage.py {args[0]}: {result.stdout}{result.stderr}"
        return result.stdout

    def set_groups(self, groups: list[str]) -> None:
        self.groups_file.write_text(json.dumps({IDP_USER: groups}))

    def portal_state(self) -> dict:
        return json.loads(self.manage(self.portal_env, "shell", "-v", "0", "-c", PORTAL_STATE))

    def start(self) -> None:
        self.set_groups(MAPPED_GROUPS)
        self.manage(self.idp_env, "migrate", "--no-input", "-v", "0")
        self.manage(self.idp_env, "creatersakey")
        setup = IDP_SETUP.format(
            user=IDP_USER,
            password=IDP_PASSWORD,
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            portal=self.portal,
        )
        self.manage(self.idp_env, "shell", "-v", "0", "-c", setup)
        self.manage(self.portal_env, "migrate", "--no-input", "-v", "0")
        self.manage(self.portal_env, "loaddata", "leiden_2021_2024", "-v", "0")
        self.manage({**self.portal_env, "DEBUG": "true"}, "create_demo_users", "-v", "0")
        idp_port = urlsplit(self.idp).port
        self.processes.append(
            subprocess.Popen(
                [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{idp_port}"],
                cwd=BASE_DIR,
                env=self.idp_env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        portal_bind = urlsplit(self.portal).netloc
        self.processes.append(
            subprocess.Popen(
                [BIN / "gunicorn", "leiden_intl.wsgi", "--bind", portal_bind, "--workers", "2"],
                cwd=BASE_DIR,
                env=self.portal_env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        wait_until_up(f"{self.idp}/openid/.well-known/openid-configuration", self.processes[0])
        wait_until_up(f"{self.portal}/healthz", self.processes[1])

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
            process.wait(timeout=30)


@pytest.fixture(scope="module")
def servers():
    tmp = Path(tempfile.mkdtemp())
    servers = Servers(tmp)
    try:
        servers.start()
        yield servers
    finally:
        servers.stop()
        shutil.rmtree(tmp)


def sign_in_at_provider(page, servers) -> None:
    """From the portal's login page through the provider's login page and back."""
    page.get_by_role("link", name="Inloggen met Test IdP").click()
    page.wait_for_url(f"{servers.idp}/login/**")
    assert page.get_by_role("heading", level=1).inner_text() == "Test identity provider"
    page.get_by_label("Username").fill(IDP_USER)
    page.get_by_label("Password").fill(IDP_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{servers.portal}/**")


def test_oidc_sign_in_gives_and_takes_the_mapped_rights(page, servers):
    portal = servers.portal

    # The portal's login page offers only the provider: local passwords are off.
    page.goto(f"{portal}/accounts/login/")
    assert page.locator("input[name=password]").count() == 0
    axe_check(page, "anonymous (OIDC login page)")

    # Signed in with regiegroep + team Economie: the steering group's landing page.
    sign_in_at_provider(page, servers)
    assert urlsplit(page.url).path == "/my-efforts/"
    assert page.locator(".user-name").inner_text() == "Pieter Jansen"

    state = servers.portal_state()
    ((username, rights),) = state["oidc"].items()
    assert username != IDP_USER and username.startswith("oidc-")
    assert rights.pop("name") == "Pieter Jansen"
    assert rights.pop("email") == "pieter.jansen@example.org"
    assert rights == state["demo"], "not exactly the demo steering-group member's rights"
    assert state["demo"]["groups"] == ["regiegroep"]
    assert state["demo"]["teams"] == ["Economie"]
    # and what that means on the pages: the own team's effort is editable, another's not
    economie_edit = f"{portal}/efforts/{state['economie_effort']}/edit/"
    other_edit = f"{portal}/efforts/{state['other_effort']}/edit/"
    assert page.goto(economie_edit).status == 200
    assert page.locator("main form input[name=title]").count() == 1
    assert page.goto(other_edit).status == 403
    # the audit log has the sign-in
    assert state["access_log"] == [[username, "/oidc/callback/", False]]

    # The provider drops the groups; signing out ends the provider's session too.
    servers.set_groups(["alle-medewerkers"])
    page.goto(f"{portal}/")
    page.get_by_role("button", name="Afmelden").click()
    page.wait_for_url(f"{portal}/accounts/login/")
    # The provider asks for the password again: its session ended with the portal's.
    sign_in_at_provider(page, servers)
    assert urlsplit(page.url).path == "/"  # no role: the plan overview

    state = servers.portal_state()
    assert list(state["oidc"]) == [username], "the second sign-in made a second account"
    rights = state["oidc"][username]
    assert (rights["groups"], rights["teams"], rights["permissions"]) == ([], [], [])
    assert not rights["is_staff"]
    assert page.goto(economie_edit).status == 403
    assert state["access_log"] == [
        [username, "/oidc/callback/", True],
        [username, "/oidc/callback/", False],
    ]


def test_the_login_page_offering_provider_and_password_is_accessible(
    page, live_server, settings, transactional_db
):
    """The demo's login page with a provider configured: both ways in, at 320 px too."""
    for name, value in OIDC.items():
        setattr(settings, name, value)
    page.goto(f"{live_server.url}/accounts/login/")
    assert page.get_by_role("link", name="Inloggen met Test IdP").is_visible()
    assert page.get_by_label("Wachtwoord").is_visible()
    axe_check(page, "anonymous (OIDC and password)")
    page.set_viewport_size(NARROW)
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    axe_check(page, "anonymous (OIDC and password, 320 px)")
