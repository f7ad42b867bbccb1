"""The public endpoints: the plan as adopted, without login, and nothing internal in it."""

import base64
import csv
import hashlib
import io
import json
from datetime import date

from django.test import override_settings
from django.urls import URLPattern, get_resolver, reverse

from plan.models import Effort, Indicator, IndicatorValue, PlanYear
from plan.roles import Role
from plan.services import progress_update_review, progress_update_submit, steering_round_open
from tests.base import make_user
from tests.reporting.test_annual_report import pdf_text

from .base import STAND_IN_PDF, ApiTestCase

# Unique words planted where the public must never read them.
LEAD = "Lijkendijk-Oudenhoven"
AUTHOR = "Vlasblom-Terpstra"
NOTE = "Notemarkeerder"
UPDATE_NOTE = "Updatemarkeerder"
RISKS = "Risicomarkeerder"
NEXT_STEPS = "Stappenmarkeerder"
ROLE_TEXT = "Rolmarkeerder"
POLICY_TEXT = "Beleidsmarkeerder"
PERSONAL = (LEAD, AUTHOR)
INTERNAL = (NOTE, UPDATE_NOTE, RISKS, NEXT_STEPS, ROLE_TEXT, POLICY_TEXT)


def public_urls(year: int) -> list[str]:
    """Every public endpoint of the API, its arguments filled in for `year` and effort 3.1;
    fails on a public pattern it does not know."""
    (api,) = [p for p in get_resolver().url_patterns if getattr(p, "namespace", None) == "api"]
    args = {"year": year, "code": "3.1"}
    urls = []
    for pattern in api.url_patterns:
        assert isinstance(pattern, URLPattern)
        if not pattern.name.startswith("public-") and pattern.name not in ("schema", "docs"):
            continue
        names = list(pattern.pattern.regex.groupindex)
        urls.append(reverse(f"api:{pattern.name}", kwargs={n: args[n] for n in names}))
    return urls


class PlantedDataTestCase(ApiTestCase):
    """Notes, risks, next steps, internal texts and the names of people are planted in the
    plan; a year is adopted (with its real PDF); no public endpoint may show any of them."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        lead = make_user("lead", role=Role.STEERING_GROUP, first_name="Joke", last_name=LEAD)
        author = make_user("author", role=Role.STEERING_GROUP, first_name="Kees", last_name=AUTHOR)
        cls.team_k.members.add(author)
        Effort.objects.filter(pk=cls.other_effort.pk).update(
            lead=lead, note=NOTE, international_role=ROLE_TEXT, policy_relation=POLICY_TEXT
        )
        steering_round = steering_round_open(
            meeting_date=date(2022, 3, 15), deadline=date(2022, 3, 1), opened_by=cls.bob
        )
        update = progress_update_submit(
            effort=cls.effort,
            steering_round=steering_round,
            author=author,
            status="at_risk",
            progress=45,
            note=UPDATE_NOTE,
            risks=RISKS,
            next_steps=NEXT_STEPS,
        )
        progress_update_review(update=update, by=cls.bob, accept=True)  # now it counts
        indicator = Indicator.objects.create(name="Aandeel internationals", unit="%")
        IndicatorValue.objects.create(indicator=indicator, year=2021, value=11.6)
        cls.adopt(2022, real_pdf=True)

    def test_the_markers_are_in_the_portal_so_the_search_below_can_find_them(self):
        self.client.force_login(self.reader)
        page = self.client.get(reverse("plan:effort-detail", args=[self.effort.pk]))
        for marker in (AUTHOR, UPDATE_NOTE, RISKS, NEXT_STEPS):
            self.assertContains(page, marker)
        page = self.client.get(reverse("plan:effort-detail", args=[self.other_effort.pk]))
        for marker in (LEAD, NOTE, ROLE_TEXT, POLICY_TEXT):
            self.assertContains(page, marker)
        snapshot = json.dumps(PlanYear.objects.get(year=2022).snapshot)
        for marker in (LEAD, *INTERNAL):
            self.assertIn(marker, snapshot)  # frozen with the year: the API must cut it out

    def test_no_public_endpoint_shows_a_note_risk_or_name(self):
        urls = public_urls(2022)
        self.assertIn(reverse("api:public-year-csv", args=[2022]), urls)
        self.assertIn(reverse("api:public-latest-json"), urls)
        for url in urls:
            with self.subTest(url=url):
                r = self.client.get(url)
                self.assertEqual(r.status_code, 200)
                if r["Content-Type"] == "application/pdf":
                    text = pdf_text(r.content)
                    # The annual report is the council's document as adopted, served byte for
                    # byte: it carries the latest progress note of each effort (its
                    # "Toelichting") and who took each approval step, but never the lead, the
                    # author of an update, risks, next steps or the internal texts.
                    self.assertIn(UPDATE_NOTE, text)
                    hidden = (LEAD, AUTHOR, RISKS, NEXT_STEPS, ROLE_TEXT, POLICY_TEXT)
                else:
                    text = r.content.decode()
                    hidden = (*PERSONAL, *INTERNAL)
                for marker in hidden:
                    self.assertNotIn(marker, text)
        # and the data itself is there
        r = self.client.get(reverse("api:public-year-json", args=[2022]))
        self.assertContains(r, "Doorontwikkeling Expat Centre")
        self.assertContains(r, "Aandeel internationals")

    def test_the_efforts_carry_exactly_the_public_fields(self):
        r = self.client.get(reverse("api:public-effort-detail", args=[2022, "3.1"]))
        self.assertEqual(
            set(r.json()),
            {
                "code",
                "spearhead",
                "title",
                "title_en",
                "description",
                "description_en",
                "goals",
                "team",
                "partners",
                "target_groups",
                "is_priority",
                "in_line",
                "status",
                "progress",
                "start",
                "end",
            },
        )
        self.assertEqual(r.json()["status"], "at_risk")  # as the update set it


class PublicEndpointsTestCase(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.year = cls.adopt(2022)

    def get(self, name, *args, **query):
        return self.client.get(reverse(f"api:{name}", args=args), query)

    def test_the_years_list_names_the_adopted_years_only(self):
        PlanYear.objects.create(plan=self.plan, year=2023, state=PlanYear.State.REVIEWED)
        r = self.get("public-year-list")
        self.assertEqual(r.status_code, 200)
        (year,) = r.json()["results"]
        self.assertEqual(year["year"], 2022)
        self.assertEqual(year["report_sha256"], hashlib.sha256(STAND_IN_PDF).hexdigest())
        self.assertEqual(
            year["links"]["report_pdf"],
            "http://testserver" + reverse("api:public-report-pdf", args=[2022]),
        )
        self.assertEqual(self.get("public-year-detail", 2023).status_code, 404)
        self.assertEqual(self.get("public-effort-list", 2023).status_code, 404)
        self.assertEqual(self.get("public-report-pdf", 2023).status_code, 404)

    def test_it_serves_what_was_adopted_not_what_changed_since(self):
        self.effort.title = "Nog niet vastgesteld"
        self.effort.save()
        self.effort.set_status(Effort.Status.DONE, by=self.bob)
        r = self.get("public-effort-detail", 2022, "3.1")
        self.assertEqual(r.json()["title"], "Doorontwikkeling Expat Centre")
        self.assertEqual(r.json()["status"], "on_track")
        self.assertNotContains(self.get("public-year-csv", 2022), "Nog niet vastgesteld")

    def test_the_efforts_filter_and_refuse_bad_filters_with_a_message(self):
        codes = [e["code"] for e in self.get("public-effort-list", 2022).json()["results"]]
        self.assertEqual(codes, ["1.1", "3.1"])
        for query, expected in [
            ({"spearhead": 3}, ["3.1"]),
            ({"goal": "1.3"}, ["1.1", "3.1"]),
            ({"goal": "3.1"}, ["3.1"]),
            ({"status": "delayed"}, ["1.1"]),
            ({"is_priority": "true"}, ["3.1"]),
            ({"in_line": "true", "spearhead": 3}, []),
        ]:
            with self.subTest(query=query):
                r = self.get("public-effort-list", 2022, **query)
                self.assertEqual([e["code"] for e in r.json()["results"]], expected)
        r = self.get("public-effort-list", 2022, status="bogus", goal="drie")
        self.assertEqual(r.status_code, 400)
        self.assertEqual(set(r.json()), {"status", "goal"})
        self.assertEqual(self.get("public-effort-detail", 2022, "9.9").status_code, 404)

    def test_lists_are_paginated_with_a_maximum_page_size(self):
        with self.settings(API_MAX_PAGE_SIZE=1):
            r = self.get("public-effort-list", 2022, page_size=100)
            self.assertEqual(len(r.json()["results"]), 1)
            self.assertEqual(r.json()["count"], 2)
            self.assertIn("page=2", r.json()["next"])
        self.assertEqual(self.get("public-effort-list", 2022, page=3).status_code, 404)

    def test_the_report_pdf_carries_its_sha256_as_etag_and_digest(self):
        r = self.get("public-report-pdf", 2022)
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r["Content-Type"], "application/pdf")
        self.assertEqual(r.content, STAND_IN_PDF)
        sha256 = hashlib.sha256(STAND_IN_PDF).hexdigest()
        self.assertEqual(r["ETag"], f'"{sha256}"')
        digest = base64.b64encode(hashlib.sha256(STAND_IN_PDF).digest()).decode()
        self.assertEqual(r["Digest"], f"sha-256={digest}")
        self.assertEqual(r["Repr-Digest"], f"sha-256=:{digest}:")
        again = self.client.get(r.wsgi_request.path, HTTP_IF_NONE_MATCH=f'"{sha256}"')
        self.assertEqual(again.status_code, 304)
        self.assertEqual(again.content, b"")
        # a client that accepts only PDF still gets it
        r = self.client.get(r.wsgi_request.path, HTTP_ACCEPT="application/pdf")
        self.assertEqual(r.status_code, 200)

    def test_the_csv_download_is_one_row_per_adopted_effort(self):
        r = self.get("public-year-csv", 2022)
        self.assertEqual(r["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn("attachment", r["Content-Disposition"])
        rows = list(csv.DictReader(io.StringIO(r.content.decode())))
        self.assertEqual([row["code"] for row in rows], ["1.1", "3.1"])
        self.assertEqual(rows[1]["goals"], "1.3; 3.1")
        self.assertEqual(rows[1]["team"], "Kennis & Internationalisering")
        self.assertEqual(rows[1]["is_priority"], "true")
        self.assertEqual(rows[1]["start"], "2022-01-01")
        r = self.client.get(reverse("api:public-latest-csv"), HTTP_ACCEPT="text/csv")
        self.assertEqual(r.status_code, 200)
        self.assertIn("2022.csv", r["Content-Disposition"])

    def test_the_json_download_is_the_whole_adopted_year(self):
        document = json.loads(self.get("public-year-json", 2022).content)
        self.assertEqual(document["year"], 2022)
        self.assertEqual(document["plan"]["title"], "Meerjarenplan test")
        self.assertEqual([s["number"] for s in document["spearheads"]], [1, 3])
        self.assertEqual([e["code"] for e in document["efforts"]], ["1.1", "3.1"])
        self.assertEqual(document, json.loads(self.client.get("/api/v1/public/plan.json").content))

    def test_the_latest_downloads_follow_the_newest_adopted_year(self):
        self.adopt(2023)
        r = self.client.get(reverse("api:public-latest-json"))
        self.assertEqual(json.loads(r.content)["year"], 2023)

    def test_without_an_adopted_year_the_downloads_answer_404(self):
        PlanYear.objects.all().delete()
        self.assertEqual(self.client.get(reverse("api:public-latest-csv")).status_code, 404)
        r = self.get("public-year-list")
        self.assertEqual(r.json()["results"], [])

    def test_answers_may_be_cached_publicly_for_a_while(self):
        r = self.get("public-effort-list", 2022)
        self.assertIn("public", r["Cache-Control"])
        self.assertIn("max-age=300", r["Cache-Control"])

    @override_settings(API_RATE_ANON="1000/minute", API_RATE_USER="1000/minute")
    def test_writes_are_refused(self):
        urls = public_urls(2022)
        key = self.token_for(self.bob)
        for url in urls:
            for method in ("post", "put", "patch", "delete"):
                with self.subTest(url=url, method=method):
                    r = getattr(self.client, method)(url, {}, content_type="application/json")
                    self.assertEqual(r.status_code, 405)
                    r = getattr(self.client, method)(url, **self.with_token(key))
                    self.assertEqual(r.status_code, 405)
        self.assertEqual(PlanYear.objects.get(year=2022).snapshot["efforts"][1]["code"], "3.1")

    def test_query_counts_do_not_grow_with_the_plan(self):
        """One query (the adopted year), two for the list of years (count and page) and the
        PDF (its SHA-256 for the ETag, then the file); at 10x the efforts as at 1x."""
        for year in (2022, 2023):
            if year == 2023:
                self.add_efforts(18)  # 2 -> 20 efforts, adopted as 2023
                self.adopt(2023)
            for url in public_urls(year):
                if url.endswith(("/schema/", "/docs/")):
                    continue
                expected = 2 if url.endswith(("/years/", "/report.pdf")) else 1
                with self.subTest(url=url), self.assertNumQueries(expected):
                    self.assertEqual(self.client.get(url).status_code, 200)
        self.assertEqual(self.get("public-effort-list", 2023).json()["count"], 20)
