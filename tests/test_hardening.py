"""Production hardening: CSRF on every form, stored XSS, sessions and passwords.

The pages and forms are found from the URL resolver (the walk of tests/test_url_walk.py) and
from the HTML the pages serve, not from a hand-written list, so a new form is covered too.
"""

import io
import re
import shutil
import tempfile
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.db import models, transaction
from django.test import Client, override_settings
from django.urls import resolve, reverse
from django.utils import timezone
from django.utils.html import escape
from odf import opendocument, table, teletype
from odf.namespaces import OFFICENS, TABLENS
from openpyxl import load_workbook

from plan.models import (
    Effort,
    Goal,
    Indicator,
    IndicatorValue,
    Partner,
    Plan,
    PlanYear,
    ProgressUpdate,
    Spearhead,
    SteeringRound,
    TargetGroup,
    Team,
)
from plan.roles import Role
from plan.services import plan_year_transition
from tests.base import make_user
from tests.reporting.test_annual_report import pdf_text
from tests.test_url_walk import UrlWalkBase
from tests.workbooks import REQUIRED, effort_row, xlsx

PAYLOAD = "<script>alert(1)</script>\"'><img src=x onerror=alert(1)>"
RAW_MARKERS = ("<script>alert", "<img src=x")
NOT_HTML = ("-pdf", "export-", "round-minutes")  # URL names of downloads
API_CONTENT_TYPES = r"^(application/json|text/csv|application/vnd\.oai\.openapi)(;|$)"


class Page(HTMLParser):
    """What a browser would make of a page: its text, its POST forms, and any element or
    attribute that user text could have smuggled in."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.forms: list[dict] = []
        self.injected: list[str] = []
        self._form = self._textarea = self._select = None
        self._script = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        handlers = [name for name in attributes if name.startswith("on")]
        if handlers or (tag == "img" and attributes.get("src") == "x"):
            self.injected.append(self.get_starttag_text())
        self._script = tag == "script"
        if tag == "input" and (attributes.get("type") or "text") == "text":
            self.text.append(attributes.get("value") or "")  # what the field shows
        if tag == "form" and (attributes.get("method") or "").lower() == "post":
            self._form = {"action": attributes.get("action") or "", "fields": []}
            self.forms.append(self._form)
        if self._form is None:
            return
        name = attributes.get("name")
        if tag == "input" and name:
            kind = (attributes.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in attributes:
                return
            if kind not in ("submit", "button", "image", "reset", "file"):
                default = "on" if kind in ("checkbox", "radio") else ""
                self._form["fields"].append((name, attributes.get("value", default)))
        elif tag == "textarea" and name:
            self._textarea = [name, ""]
            self._form["fields"].append(self._textarea)
        elif tag == "select" and name:
            self._select = {"name": name, "multiple": "multiple" in attributes, "options": []}
        elif tag == "option" and self._select is not None:
            selected = "selected" in attributes
            self._select["options"].append((attributes.get("value", ""), selected))

    def handle_endtag(self, tag):
        self._script = False
        if tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select is not None:
            options = self._select["options"]
            chosen = [value for value, selected in options if selected]
            if not chosen and options and not self._select["multiple"]:
                chosen = [options[0][0]]
            self._form["fields"].extend((self._select["name"], value) for value in chosen)
            self._select = None
        elif tag == "form":
            self._form = None

    def handle_data(self, data):
        if self._script and "alert" in data:
            self.injected.append(f"<script>{data}")
        if self._textarea is not None:
            self._textarea[1] += data
        self.text.append(data)

    @property
    def visible_text(self) -> str:
        return "".join(self.text)


def form_data(form: dict, *, token=True, **overrides) -> dict:
    data: dict[str, list[str]] = {}
    for name, value in form["fields"]:
        if token or name != "csrfmiddlewaretoken":
            data.setdefault(name, []).append(value)
    data.update({name: [value] for name, value in overrides.items()})
    return data


def is_csrf_refusal(response) -> bool:
    return response.status_code == 403 and b"CSRF" in response.content


class TempMediaMixin:
    def setUp(self):
        super().setUp()
        media = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, media)
        media_settings = override_settings(MEDIA_ROOT=media)
        media_settings.enable()
        self.addCleanup(media_settings.disable)


# --- 2. CSRF ---------------------------------------------------------------------------------


class CsrfTestCase(TempMediaMixin, UrlWalkBase):
    """Every POST form of the portal and the admin is refused without its CSRF token (403)
    and accepted with it."""

    # The forms the walk must find (a guard that the crawl reaches them): URL names.
    EXPECTED_FORMS = {
        "login",
        "logout",
        "set_language",
        "password_change",
        "password_reset",
        "plan:effort-edit",
        "plan:update-create",
        "plan:update-review",
        "plan:round-accept",
        "plan:milestone-create",
        "plan:milestone-edit",
        "plan:milestone-done",
        "plan:round-create",
        "plan:round-detail",
        "plan:round-close",
        "plan:round-reminders",
        "plan:import-upload",
        "plan:import-confirm",
        "plan:year-transition",
        "plan:year-start",
        "admin:login",
        "admin:logout",
        "admin:password_change",
        "admin:plan_effort_change",
        "admin:plan_effort_add",
        "admin:plan_effort_delete",
        "admin:plan_effort_changelist",
        "admin:auth_user_password_change",
    }
    # Filled in where submitting the form unchanged would only show validation errors.
    FILL = {
        "login": {"username": "alice", "password": "pw-alice-123"},
        "admin:login": {"username": "bob", "password": "pw-bob-123"},
        "set_language": {"language": "en"},
        "plan:update-create": {"note": "Loopt volgens plan"},
        "plan:update-review": {"action": "accept"},
        "plan:milestone-create": {"title": "Convenant", "due": "2023-06-01"},
    }
    # With its token the form does its work and redirects (the others that the walk finds
    # answer with the page again, e.g. with validation errors, or a 403 of the view itself).
    DONE_WITH_TOKEN = {
        "login",
        "logout",
        "admin:login",
        "admin:logout",
        "plan:effort-edit",
        "plan:update-create",
        "plan:update-review",
        "plan:round-accept",
        "plan:milestone-create",
        "plan:milestone-edit",
        "plan:milestone-done",
        "plan:round-detail",
        "plan:round-close",
        "plan:round-reminders",
        "plan:import-confirm",
        "plan:year-transition",
        "plan:year-start",
        "admin:plan_effort_change",
        "admin:plan_effort_delete",
    }

    def csrf_client(self, user):
        client = Client(enforce_csrf_checks=True)
        if user is not None:
            client.force_login(user)
        return client

    def prepare(self, client, page_name, user):
        """The import's preview shows its form only after an upload (by the manager); the
        round list shows the form for a new round only while no round is open."""
        if page_name == "plan:round-list" and user == self.users[Role.PROGRAMME_MANAGER]:
            SteeringRound.objects.open().update(state=SteeringRound.State.CLOSED)
        if page_name == "plan:import-preview" and user == self.users[Role.PROGRAMME_MANAGER]:
            upload_url = reverse("plan:import-upload")
            page = Page(client.get(upload_url).content.decode())
            form = self.form_by_target(page, "plan:import-upload", page_url=upload_url)
            upload = xlsx([effort_row(Inspanning="Nieuwe titel")], headings=REQUIRED)
            upload.name = "plan.xlsx"
            r = client.post(upload_url, {**form_data(form), "file": upload})
            self.assertRedirects(r, reverse("plan:import-preview"), fetch_redirect_response=False)

    def form_by_target(self, page, target, *, page_url):
        for form in page.forms:
            if resolve(urlsplit(urljoin(page_url, form["action"])).path).view_name == target:
                return form
        return None

    def discover_forms(self):
        """{target URL name: (page URL name, page URL, user)} of every POST form on every page
        the walk reaches, as anonymous, the programme manager and a superuser."""
        pages = self.portal_requests() + [
            (f"admin:{view}", url) for view, _model, url in self.admin_requests()
        ]
        # the round list last: showing its form for a new round closes the open round
        pages.sort(key=lambda page: page[0] == "plan:round-list")
        found = {}
        for user in (None, self.users[Role.PROGRAMME_MANAGER], self.superuser):
            client = self.csrf_client(user)
            for name, url in pages:
                if any(marker in name for marker in NOT_HTML):
                    continue
                self.prepare(client, name, user)
                r = client.get(url)
                if r.status_code != 200 or not r["Content-Type"].startswith("text/html"):
                    continue
                for form in Page(r.content.decode()).forms:
                    target = resolve(urlsplit(urljoin(url, form["action"])).path).view_name
                    found.setdefault(target, (name, url, user))
        return found

    def test_every_post_form_needs_its_token(self):
        walked = transaction.savepoint()
        forms = self.discover_forms()
        transaction.savepoint_rollback(walked)  # the walk closed the open round
        self.assertLessEqual(self.EXPECTED_FORMS, set(forms), "the walk missed a form")
        for target, (page_name, page_url, user) in sorted(forms.items()):
            with self.subTest(form=target, page=page_url, user=str(user)):
                sid = transaction.savepoint()
                try:
                    client = self.csrf_client(user)
                    self.prepare(client, page_name, user)
                    page = Page(client.get(page_url).content.decode())
                    form = self.form_by_target(page, target, page_url=page_url)
                    self.assertIsNotNone(form)
                    action = urljoin(page_url, form["action"])
                    fill = self.FILL.get(target, {})
                    r = client.post(action, form_data(form, token=False, **fill))
                    self.assertTrue(is_csrf_refusal(r), f"{r.status_code} without a token")
                    r = client.post(action, form_data(form, **fill))
                    self.assertFalse(is_csrf_refusal(r), "refused with its token")
                    self.assertLess(r.status_code, 500)
                    if target in self.DONE_WITH_TOKEN:
                        self.assertEqual(r.status_code, 302)
                finally:
                    transaction.savepoint_rollback(sid)

    def test_a_post_without_token_is_refused_on_every_pattern(self):
        """Also where no form was rendered: no view is exempt from the check, but the API's,
        which take no POST at all (DRF exempts them: a token is not a cookie a browser sends
        by itself): they refuse it, 401 (anonymous), 405 (no such method) or, with the
        portal's session, DRF's own CSRF check (403)."""
        requests = [(name, url) for name, url in self.portal_requests()]
        requests += [(view, url) for view, _model, url in self.admin_requests()]
        for user in (None, self.users[Role.PROGRAMME_MANAGER]):
            client = self.csrf_client(user)
            for name, url in requests:
                with self.subTest(url=url, user=str(user)):
                    r = client.post(url, {"x": "1"})
                    if name.startswith("api:"):
                        self.assertTrue(r.status_code in (401, 405) or is_csrf_refusal(r))
                    else:
                        self.assertTrue(is_csrf_refusal(r))

    def submit(self, client, page_url, target, **fill):
        page = Page(client.get(page_url).content.decode())
        form = self.form_by_target(page, target, page_url=page_url)
        return client.post(urljoin(page_url, form["action"]), form_data(form, **fill))

    def test_with_the_token_the_forms_do_their_work(self):
        client = self.csrf_client(None)
        r = self.submit(client, reverse("login"), "login", username="bob", password="pw-bob-123")
        self.assertEqual(r.status_code, 302)
        self.assertEqual(client.session["_auth_user_id"], str(self.bob.pk))

        edit = reverse("plan:effort-edit", args=[self.effort.pk])
        r = self.submit(client, edit, "plan:effort-edit", title="Via het formulier")
        self.assertRedirects(r, self.effort.get_absolute_url(), fetch_redirect_response=False)
        self.assertEqual(Effort.objects.get(pk=self.effort.pk).title, "Via het formulier")

        year = reverse("plan:year-detail", args=[2022])
        r = self.submit(client, year, "plan:year-transition", comment="Akkoord")
        self.assertEqual(r.status_code, 302)
        self.assertEqual(PlanYear.objects.get(year=2022).state, PlanYear.State.ADVISED)

        change = reverse("admin:plan_partner_change", args=[self.university.pk])
        r = self.submit(client, change, "admin:plan_partner_change", name="Universiteit Leiden!")
        self.assertEqual(r.status_code, 302)
        self.university.refresh_from_db()
        self.assertEqual(self.university.name, "Universiteit Leiden!")

        r = self.submit(client, reverse("plan:overview"), "set_language", language="en")
        self.assertEqual(client.cookies[settings.LANGUAGE_COOKIE_NAME].value, "en")
        r = self.submit(client, reverse("plan:overview"), "logout")
        self.assertRedirects(r, reverse("login"), fetch_redirect_response=False)
        self.assertNotIn("_auth_user_id", client.session)


# --- 3. Stored XSS ---------------------------------------------------------------------------


def text_fields(model) -> list[str]:
    """The free-text fields people fill in (forms, admin): no choices, e-mail or usernames."""
    return [
        field.name
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and field.editable
        and not field.choices
        and not isinstance(field, models.EmailField)
        and field.name not in ("username", "password")
        and (field.max_length or len(PAYLOAD)) >= len(PAYLOAD)
    ]


class StoredXssTestCase(TempMediaMixin, UrlWalkBase):
    """The payload in every text field comes back as text: escaped in HTML, text cells in the
    spreadsheets, printed in the PDFs."""

    # Every object of these models gets the payload in every text field (a number appended
    # where the field is unique), so whichever object a page or the admin walk picks has it.
    FILLED = [
        Plan,
        Spearhead,
        Goal,
        Team,
        Partner,
        TargetGroup,
        Effort,
        SteeringRound,
        ProgressUpdate,
        Indicator,
        IndicatorValue,
    ]

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.effort.lead = cls.alice
        cls.effort.save()
        for model in cls.FILLED:
            for number, obj in enumerate(model.objects.order_by("pk")):
                for name in text_fields(model):
                    setattr(obj, name, f"{PAYLOAD} {number}" if number else PAYLOAD)
                if model is Effort:
                    obj.version += 1  # one edit, as the portal saves it: the history shows it
                obj.save()
        for user in (cls.alice, cls.bob, cls.charlie):  # lead, author, opener, approver
            for name in text_fields(User):
                setattr(user, name, PAYLOAD)
            user.save()
        # The visitors have plain names: a page shows the payload only through its content.
        cls.visitors_by_role = {
            "anonymous": None,
            "manager": cls.users[Role.PROGRAMME_MANAGER],
            "steering": cls.users[Role.STEERING_GROUP],
            "alderman": cls.users[Role.ALDERMAN],
        }
        cls.team_k.members.add(cls.users[Role.STEERING_GROUP])
        # A reviewer's comment, and an adopted year: the public page and the frozen report.
        client, directors = (
            make_user(f"xss-{role.value}", role=role) for role in (Role.CLIENT, Role.DIRECTORS)
        )
        plan_year = PlanYear.objects.get(year=2022)
        for to, user in [
            ("advised", cls.bob),
            ("endorsed", client),
            ("reviewed", directors),
            ("adopted", cls.wethouder),
        ]:
            plan_year = plan_year_transition(plan_year=plan_year, to=to, by=user, comment=PAYLOAD)
        # After adoption: a change the comparison of 2022 with 2023 lists.
        cls.other_effort.refresh_from_db()
        cls.other_effort.set_priority(True, by=cls.bob)
        # What an attacker types into the login form lands in the sign-in records.
        AccessAttempt.objects.all().delete()
        AccessFailureLog.objects.all().delete()
        Client().post(
            reverse("login"),
            {"username": PAYLOAD, "password": "x"},
            HTTP_USER_AGENT=PAYLOAD,
        )

    def assert_safe(self, response, url, *, shows=False):
        html = response.content.decode()
        for marker in RAW_MARKERS:
            self.assertNotIn(marker, html, f"raw {marker!r} in {url}")
        page = Page(html)
        self.assertEqual(page.injected, [], url)
        if shows:
            self.assertIn(PAYLOAD, page.visible_text, f"the text is not shown on {url}")
            self.assertIn(escape(PAYLOAD), html)

    def test_the_fields_hold_the_payload(self):
        self.assertIn("title_en", text_fields(Effort))
        self.assertIn("note", text_fields(ProgressUpdate))
        self.assertIn("first_name", text_fields(User))
        self.assertEqual(Effort.objects.get(pk=self.effort.pk).description, PAYLOAD)
        self.assertTrue(AccessFailureLog.objects.filter(username=PAYLOAD).exists())

    def test_the_effort_form_stores_it_verbatim(self):
        self.client.force_login(self.bob)
        effort = self.other_effort
        url = reverse("plan:effort-edit", args=[effort.pk])
        page = Page(self.client.get(url).content.decode())
        form = next(f for f in page.forms if f["action"] == "")
        r = self.client.post(url, form_data(form, title=PAYLOAD, note=PAYLOAD))
        self.assertEqual(r.status_code, 302)
        effort.refresh_from_db()
        self.assertEqual((effort.title, effort.note), (PAYLOAD, PAYLOAD))
        self.assert_safe(self.client.get(url), url)  # in the form's value and textarea

    # the pages that show the fields (others are checked for injection only)
    SHOWN = {
        "plan:overview",
        "plan:effort-list",
        "plan:effort-detail",
        "plan:spearhead-detail",
        "plan:goal-detail",
        "plan:my-efforts",
        "plan:round-detail",
        "plan:round-completeness",
        "plan:year-detail",
        "plan:year-compare",
        "plan:public-plan",
        "reporting:dashboard",
        "reporting:dashboard-goals",
        "reporting:dashboard-changes",
        "reporting:dashboard-monitor",
        "reporting:annual-report",
        "reporting:annual-report-chapter",
        "reporting:evaluation",
    }

    def test_every_page_shows_it_as_text(self):
        visitors = self.visitors_by_role
        seen = set()
        for language in ("nl", "en"):
            self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
            for visitor, user in visitors.items():
                for name, url in self.portal_requests():
                    if any(marker in name for marker in NOT_HTML):
                        continue
                    with self.subTest(url=url, visitor=visitor, language=language):
                        r = self.get_as(user, url)
                        if r.status_code != 200:
                            continue
                        if name.startswith("api:") and name != "api:docs":
                            # the API's data (JSON, CSV, the schema's YAML): never read as
                            # HTML by a browser, which may not guess another type
                            self.assertRegex(r["Content-Type"], API_CONTENT_TYPES)
                            self.assertEqual(r["X-Content-Type-Options"], "nosniff")
                            continue
                        shows = name in self.SHOWN
                        if name == "plan:my-efforts":  # their team's efforts
                            shows = visitor == "steering"
                        self.assert_safe(r, url, shows=shows)
                        seen.add(name)
        self.assertLessEqual(self.SHOWN, seen)

    def test_the_history_shows_old_and_new_as_text(self):
        self.client.force_login(self.bob)
        r = self.client.get(self.effort.get_absolute_url())
        history = r.content.decode().split('id="history-heading"')[1]
        self.assertIn(f"Doorontwikkeling Expat Centre → {escape(PAYLOAD)}", history)

    def test_the_admin_shows_it_as_text(self):
        filled = {*self.FILLED, User, AccessFailureLog, AccessAttempt}
        not_listed = {SteeringRound}  # its list shows dates and state only
        checked = set()
        self.client.force_login(self.superuser)
        for view, model, url in self.admin_requests():
            with self.subTest(url=url):
                r = self.client.get(url)
                self.assertLess(r.status_code, 500)
                if r.status_code != 200:
                    continue
                if view == "autocomplete":  # JSON, for the admin's script to insert as text
                    self.assertEqual(r["Content-Type"], "application/json")
                    self.assertEqual(r["X-Content-Type-Options"], "nosniff")
                    self.assertIn(PAYLOAD, [item["text"] for item in r.json()["results"]])
                    continue
                shows = model in filled and (
                    view == "change" or (view == "changelist" and model not in not_listed)
                )
                self.assert_safe(r, url, shows=shows)
                checked.add((model, view))
        for model in filled:
            self.assertIn((model, "changelist"), checked)
            self.assertIn((model, "change"), checked)

    def test_the_spreadsheets_hold_it_as_text_not_formulas(self):
        self.client.force_login(self.bob)
        data = self.client.get(reverse("reporting:export-xlsx")).content
        workbook = load_workbook(io.BytesIO(data))
        cells = [cell for sheet in workbook for row in sheet.iter_rows() for cell in row]
        self.assertFalse([c.coordinate for c in cells if c.data_type == "f"])
        with_payload = [c for c in cells if isinstance(c.value, str) and "alert(1)" in c.value]
        self.assertGreaterEqual(len(with_payload), 5)
        for cell in with_payload:
            self.assertEqual(cell.data_type, "s", cell.coordinate)
            self.assertIn(PAYLOAD, cell.value)
        self.assertIn(PAYLOAD, [c.value for c in with_payload])  # a whole cell, as typed

        data = self.client.get(reverse("reporting:export-ods")).content
        document = opendocument.load(io.BytesIO(data))
        texts = []
        for cell in document.spreadsheet.getElementsByType(table.TableCell):
            self.assertNotIn((TABLENS, "formula"), cell.attributes)
            text = teletype.extractText(cell)
            if "alert(1)" in text:
                self.assertEqual(cell.attributes.get((OFFICENS, "value-type")), "string")
                texts.append(text)
        self.assertGreaterEqual(len(texts), 5)
        self.assertIn(PAYLOAD, texts)

    def test_the_pdfs_print_it_as_text(self):
        self.client.force_login(self.bob)
        folded = re.sub(r"\s+", "", PAYLOAD)
        for url in (
            reverse("reporting:annual-report-pdf", args=[2022]),  # as adopted
            reverse("reporting:annual-report-pdf", args=[2023]),  # rendered now
            reverse("reporting:evaluation-pdf"),
        ):
            with self.subTest(url=url):
                r = self.client.get(url)
                self.assertEqual(r["Content-Type"], "application/pdf")
                text = re.sub(r"\s+", "", pdf_text(r.content))
                self.assertIn(folded, text)
                self.assertNotIn("alert(1)</script>\"'><imgsrc=xonerror", text.replace(folded, ""))


# --- 4. Sessions and passwords ---------------------------------------------------------------


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class SessionTestCase(UrlWalkBase):
    def log_in(self, client=None, username="alice", password="pw-alice-123"):
        client = client or self.client
        return client.post(reverse("login"), {"username": username, "password": password})

    def session_key(self, client=None):
        cookie = (client or self.client).cookies.get(settings.SESSION_COOKIE_NAME)
        return cookie.value if cookie else None

    def test_logging_in_gives_a_new_session_key(self):
        session = self.client.session  # an anonymous session with something in it
        session["seen"] = True
        session.save()
        before = self.session_key()
        self.assertTrue(Session.objects.filter(session_key=before).exists())
        self.assertEqual(self.log_in().status_code, 302)
        after = self.session_key()
        self.assertNotEqual(after, before)
        self.assertFalse(Session.objects.filter(session_key=before).exists())
        self.assertEqual(self.client.session["_auth_user_id"], str(self.alice.pk))

    def test_a_planted_session_key_is_not_used(self):
        planted = "attackerchosenkey0123456789abcdef"
        self.client.cookies[settings.SESSION_COOKIE_NAME] = planted
        self.log_in()
        self.assertNotEqual(self.session_key(), planted)
        self.assertFalse(Session.objects.filter(session_key=planted).exists())

    def test_logging_in_gives_a_new_csrf_token(self):
        client = Client(enforce_csrf_checks=True)
        page = Page(client.get(reverse("login")).content.decode())
        before = client.cookies[settings.CSRF_COOKIE_NAME].value
        (form,) = [f for f in page.forms if resolve(f["action"]).view_name == "login"]
        data = form_data(form, username="alice", password="pw-alice-123")
        self.assertEqual(client.post(reverse("login"), data).status_code, 302)
        self.assertNotEqual(client.cookies[settings.CSRF_COOKIE_NAME].value, before)

    def test_logging_out_ends_the_session_on_the_server(self):
        self.log_in()
        key = self.session_key()
        self.client.post(reverse("logout"))
        self.assertFalse(Session.objects.filter(session_key=key).exists())
        self.client.cookies[settings.SESSION_COOKIE_NAME] = key  # replaying the old cookie
        self.assertEqual(self.client.get(reverse("plan:overview")).status_code, 302)

    def test_sessions_are_short_and_end_with_the_browser(self):
        self.assertGreater(settings.SESSION_COOKIE_AGE, 0)
        self.assertLessEqual(settings.SESSION_COOKIE_AGE, 8 * 60 * 60)
        self.assertTrue(settings.SESSION_EXPIRE_AT_BROWSER_CLOSE)
        self.assertTrue(settings.SESSION_COOKIE_HTTPONLY)
        r = self.log_in()
        cookie = r.cookies[settings.SESSION_COOKIE_NAME]
        self.assertEqual(cookie["expires"], "")  # a browser-session cookie
        self.assertEqual(cookie["max-age"], "")
        self.assertTrue(cookie["httponly"])
        self.assertEqual(cookie["samesite"], "Lax")
        stored = Session.objects.get(session_key=self.session_key())
        limit = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE)
        self.assertLessEqual(stored.expire_date, limit)

    def test_an_expired_session_is_logged_out(self):
        self.log_in()
        self.assertEqual(self.client.get(reverse("plan:overview")).status_code, 200)
        Session.objects.filter(session_key=self.session_key()).update(
            expire_date=timezone.now() - timedelta(seconds=1)
        )
        r = self.client.get(reverse("plan:overview"))
        self.assertEqual(r.status_code, 302)
        self.assertTrue(r["Location"].startswith(reverse("login")))

    WEAK = {
        "1234": {"password_too_short", "password_entirely_numeric", "password_too_common"},
        "wachtwoord": {"password_too_common"},
        "password123": {"password_too_common"},
        "alice123": {"password_too_similar"},  # like the username
    }

    def error_codes(self, form) -> set[str]:
        return {error.code for errors in form.errors.as_data().values() for error in errors}

    def test_the_password_change_form_refuses_weak_passwords(self):
        self.log_in()
        for password, reasons in self.WEAK.items():
            with self.subTest(password=password):
                r = self.client.post(
                    reverse("password_change"),
                    {
                        "old_password": "pw-alice-123",
                        "new_password1": password,
                        "new_password2": password,
                    },
                )
                self.assertEqual(r.status_code, 200)
                self.assertLessEqual(reasons, self.error_codes(r.context["form"]))
        self.alice.refresh_from_db()
        self.assertTrue(self.alice.check_password("pw-alice-123"))
        strong = "Sleutelstad-aan-de-Rijn-2024"
        r = self.client.post(
            reverse("password_change"),
            {"old_password": "pw-alice-123", "new_password1": strong, "new_password2": strong},
        )
        self.assertRedirects(r, reverse("password_change_done"), fetch_redirect_response=False)

    def test_the_admin_refuses_weak_passwords(self):
        self.client.force_login(self.superuser)
        url = reverse("admin:auth_user_password_change", args=[self.alice.pk])
        for password, reasons in self.WEAK.items():
            with self.subTest(password=password, form="set password"):
                data = {"password1": password, "password2": password, "usable_password": "true"}
                r = self.client.post(url, data)
                self.assertEqual(r.status_code, 200)
                self.assertLessEqual(reasons, self.error_codes(r.context["form"]))
        self.alice.refresh_from_db()
        self.assertTrue(self.alice.check_password("pw-alice-123"))
        data = {"username": "nieuw", "password1": "1234", "password2": "1234"}
        r = self.client.post(reverse("admin:auth_user_add"), {**data, "usable_password": "true"})
        self.assertEqual(r.status_code, 200)
        self.assertIn("password_too_short", self.error_codes(r.context["adminform"].form))
        self.assertFalse(User.objects.filter(username="nieuw").exists())

    def test_the_admin_is_refused_to_users_who_are_not_staff(self):
        admin_login = reverse("admin:login")
        for role, user in self.users.items():
            if user.is_staff:
                continue
            with self.subTest(role=role):
                self.client.force_login(user)
                r = self.client.get(reverse("admin:index"))
                self.assertRedirects(
                    r, f"{admin_login}?next={reverse('admin:index')}", fetch_redirect_response=False
                )
                change = reverse("admin:plan_effort_change", args=[self.effort.pk])
                r = self.client.post(change, {"title": "gekaapt"})
                self.assertEqual(r.status_code, 302)
                self.assertTrue(r["Location"].startswith(admin_login))
                self.assertNotEqual(Effort.objects.get(pk=self.effort.pk).title, "gekaapt")
                self.client.logout()
                # Their right password does not open the admin either.
                r = self.client.post(
                    admin_login, {"username": user.username, "password": f"pw-{user.username}-123"}
                )
                self.assertEqual(r.status_code, 200)
                self.assertNotIn("_auth_user_id", self.client.session)
