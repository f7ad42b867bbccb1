"""Locust users for bench/load.py: 20 people of the portal, each logged in with a session of
their own, reading the pages of their role and now and then saving a change.

Read from the environment (bench/load.py sets them): BENCH_LOGINS, a JSON file listing the
people (username, role, session key, the efforts they may edit and the open round), and
BENCH_MODE: "bare" requests only the bare view (the floor), "mix" the portal's pages. The
session cookie's name is BENCH_COOKIE.

In the mix, one task in WRITE_SHARE (after the form's GET, about 10 % of all requests are
POSTs) is a write by someone who may edit: a progress update for the open round
(plan:update-create) or an edit of the effort (plan:effort-edit). Each writer cycles through
efforts of their own team (the programme managers through teams nobody else edits), so two
people rarely edit the same effort; a 409 (the effort changed since the form was loaded) is
still reported apart from the errors. Everything else is a GET of one of the role's pages.

No wait between tasks: each simulated user sends its next request as soon as the previous
answer is in (a closed loop), so the throughput is what the server manages. Redirects are not
followed: a GET must answer 200 (a lost session would otherwise look like a served login
page), a POST 302 (200 means the form was refused).
"""

import itertools
import json
import os
import random
from html.parser import HTMLParser

from locust import HttpUser, constant, task

LOGINS = json.loads(open(os.environ["BENCH_LOGINS"]).read())  # noqa: SIM115
MODE = os.getenv("BENCH_MODE", "mix")
COOKIE = os.getenv("BENCH_COOKIE", "sessionid")
WRITE_SHARE = 0.2  # of a writer's tasks; 14 of the 20 people write: about 10 % of requests
NUMBERS = itertools.count()


class FormFields(HTMLParser):
    """The fields of the page's own form (the one without an action: not the logout or
    language forms of the frame) as a browser would submit them unchanged."""

    def __init__(self):
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._in_form = False
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._in_form = not attrs.get("action")
        elif not self._in_form:
            return
        elif tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind not in ("submit", "button", "file"):
                self.fields.append((attrs["name"], attrs.get("value", "")))
        elif tag == "textarea":
            self._textarea = [attrs["name"], ""]
        elif tag == "select":
            self._select = attrs["name"]
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields.append((self._select, attrs.get("value", "")))

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "textarea" and self._textarea is not None:
            # a browser drops the one newline right after <textarea>
            name, value = self._textarea
            self.fields.append((name, value[1:] if value.startswith("\n") else value))
            self._textarea = None
        elif tag == "select":
            self._select = None


def form_fields(html: str) -> list[tuple[str, str]]:
    parser = FormFields()
    parser.feed(html)
    return parser.fields


def replaced(fields, **values) -> list[tuple[str, str]]:
    """The form's fields with `values` put in; a value the form has no field for (the
    pressed button) is added."""
    names = {name for name, _value in fields}
    added = [(name, value) for name, value in values.items() if name not in names]
    return [(name, values.get(name, value)) for name, value in fields] + added


class PortalUser(HttpUser):
    wait_time = constant(0)

    def on_start(self):
        self.login = LOGINS[next(NUMBERS) % len(LOGINS)]
        self.client.cookies.set(COOKIE, self.login["session"])
        self.efforts = itertools.cycle(self.login["efforts"] or [None])
        self.reads = self.login["pages"]
        self.writes = 0

    def get(self, path, name):
        with self.client.get(
            path, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
            return response

    @task
    def step(self):
        if MODE == "bare":
            self.get("/bench/bare/", "bare")
        elif self.login["efforts"] and random.random() < WRITE_SHARE:
            self.write(next(self.efforts))
        else:
            name, path = random.choice(self.reads)
            self.get(path, name)

    def write(self, effort):
        self.writes += 1
        if self.writes % 2:
            path, name = f"/efforts/{effort}/update/", "update form"
            changes = {"status": "on_track", "progress": str(random.randrange(0, 101, 5))}
            changes["note"] = f"Voortgang gemeten door {self.login['username']}."
            # saved as a draft, as a lead does while writing: a submitted update is read-only
            # until reviewed, so submitting would leave the next visit no form to post
            changes["draft"] = "1"
        else:
            path, name = f"/efforts/{effort}/edit/", "effort edit form"
            changes = {"note": f"Bijgewerkt door {self.login['username']} ({self.writes})."}
        form = self.get(path, f"{name} GET")
        if form.status_code != 200:
            return
        data = replaced(form_fields(form.text), **changes)
        with self.client.post(
            path, data=data, name=f"{name} POST", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code == 409:
                response.failure("conflict 409")  # counted apart by bench/load.py
            elif response.status_code != 302:
                response.failure(f"status {response.status_code}")
