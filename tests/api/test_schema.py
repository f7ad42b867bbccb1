"""The OpenAPI schema validates, and it and its documentation page are served without login
and without breaking the Content-Security-Policy."""

import io
import re

import yaml
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse


class SchemaTestCase(TestCase):
    def test_the_schema_validates_without_warnings(self):
        out = io.StringIO()
        # --fail-on-warn: a view whose shape drf-spectacular cannot tell fails here
        call_command(
            "spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null", stdout=out
        )

    def test_it_is_served_at_api_schema_without_login(self):
        r = self.client.get("/api/schema/")
        self.assertEqual(r.status_code, 200)
        schema = yaml.safe_load(r.content)
        self.assertEqual(schema["openapi"][:2], "3.")
        paths = schema["paths"]
        for path in (
            "/api/v1/public/years/",
            "/api/v1/public/years/{year}/efforts/",
            "/api/v1/public/years/{year}/report.pdf",
            "/api/v1/efforts/",
            "/api/v1/updates/",
        ):
            self.assertIn(path, paths)
            self.assertEqual(set(paths[path]), {"get"}, "the API is read-only")
        # the live endpoints ask for the token, the public ones for nothing
        self.assertIn({"personalToken": []}, paths["/api/v1/efforts/"]["get"]["security"])
        self.assertEqual(paths["/api/v1/public/years/"]["get"]["security"], [{}])
        # the effort list's filters are the page's
        names = {p["name"] for p in paths["/api/v1/efforts/"]["get"]["parameters"]}
        self.assertLessEqual({"q", "spearhead", "goal", "team", "status", "page"}, names)
        json_schema = self.client.get("/api/schema/?format=json")
        self.assertEqual(json_schema.json()["info"]["version"], "1")

    def test_the_documentation_page_needs_no_inline_script_or_other_origin(self):
        r = self.client.get(reverse("api:docs"))
        self.assertEqual(r.status_code, 200)
        html = r.content.decode()
        self.assertIn('<html lang="nl">', html)
        scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
        self.assertEqual(len(scripts), 3)
        for attributes, body in scripts:
            self.assertRegex(attributes, r'src="/(static|api)/')
            self.assertEqual(body.strip(), "")
        self.assertNotIn("<style", html)
        self.assertNotRegex(html, r'(src|href)="(https?:)?//')
        csp = r["Content-Security-Policy"]
        self.assertIn("script-src 'self'", csp)
        self.assertNotIn("unsafe-inline", csp)
        # the start-up script Swagger UI runs, served as a file of its own
        script = re.findall(r'<script src="(/api/docs/[^"]+)"', html)[0].replace("&amp;", "&")
        r = self.client.get(script)
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r["Content-Type"], "application/javascript")
        self.assertIn("SwaggerUIBundle", r.content.decode())
        self.assertIn("/api/schema/", r.content.decode())
        sidecar = self.client.get(
            "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js"
        )
        self.assertEqual(sidecar.status_code, 200)
