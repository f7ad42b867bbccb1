"""The annual report's texts written in the portal: who writes them, when they are frozen,
what a conflict shows, and that markup outside the allowed few never reaches a page."""

from django.urls import reverse

from plan.models import SpearheadNarrative, YearNarrative
from tests.plan.test_plan_years import PlanYearTestCase

SCRIPT = '<script>alert("xss")</script>'
IMG = '<img src="x" onerror="alert(1)">'
JS_LINK = '<a href="javascript:alert(1)">Klik hier</a>'
PAYLOAD = f"Beste raadsleden{SCRIPT}{IMG} {JS_LINK} en <strong>samen</strong>."


class YearNarrativeTestCase(PlanYearTestCase):
    url = reverse("plan:year-narrative", args=[2022])

    def form_data(self, version=0, **texts):
        data = {"version": version, "foreword": "", "outlook": ""}
        for spearhead in (self.integration, self.economy):
            data[f"intro_{spearhead.pk}"] = ""
            data[f"intro_{spearhead.pk}_en"] = ""
        data.update(texts)
        return data

    def save(self, user=None, **texts):
        self.client.force_login(user or self.bob)
        return self.client.post(self.url, self.form_data(**texts))


class EditTestCase(YearNarrativeTestCase):
    def test_the_programme_manager_writes_the_texts(self):
        self.client.force_login(self.bob)
        r = self.client.get(self.url)
        self.assertContains(r, "Voorwoord")
        self.assertContains(r, 'name="version" value="0"')

        r = self.save(
            foreword="Beste raadsleden,\n\nDit was een goed jaar.",
            outlook="Vooruit.",
            **{f"intro_{self.economy.pk}": "Expat Centre <em>verbeterd</em>."},
        )
        self.assertRedirects(r, self.plan_year.get_absolute_url())
        narrative = YearNarrative.objects.get()
        self.assertEqual(narrative.version, 1)
        self.assertEqual(
            narrative.foreword_html(), "<p>Beste raadsleden,</p><p>Dit was een goed jaar.</p>"
        )
        self.assertEqual(
            SpearheadNarrative.objects.get(spearhead=self.economy).text,
            "Expat Centre <em>verbeterd</em>.",
        )
        self.assertEqual(narrative.history.count(), 1)  # history like the efforts'

    def test_an_unchanged_introduction_gets_no_new_history_row(self):
        intro = {f"intro_{self.economy.pk}": "Expat Centre <b>verbeterd</b>."}
        self.save(foreword="Eerst", **intro)
        self.save(version=1, foreword="Daarna", **intro)
        self.assertEqual(YearNarrative.objects.get().history.count(), 2)
        self.assertEqual(SpearheadNarrative.objects.get(spearhead=self.economy).history.count(), 1)

    def test_readers_leads_and_other_roles_are_refused(self):
        for user in (self.reader, self.alice, self.client_user, self.alderman):
            self.client.force_login(user)
            self.assertEqual(self.client.get(self.url).status_code, 403, user)
            self.assertEqual(self.client.post(self.url, self.form_data()).status_code, 403)
        self.assertFalse(YearNarrative.objects.exists())

    def test_an_adopted_year_refuses_edits(self):
        self.save(foreword="Eerst")
        self.advance_to("adopted")
        self.client.force_login(self.bob)
        r = self.client.post(self.url, self.form_data(version=1, foreword="Later"), follow=True)
        self.assertRedirects(r, self.plan_year.get_absolute_url())
        self.assertContains(r, "Het jaar is vastgesteld; de teksten liggen vast")
        r = self.client.get(self.url, follow=True)
        self.assertContains(r, "Het jaar is vastgesteld; de teksten liggen vast")
        self.assertEqual(YearNarrative.objects.get().foreword, "Eerst")

    def test_a_save_in_between_gives_409_with_both_versions(self):
        self.save(foreword="Versie van Bob")
        self.client.force_login(self.bob)
        self.client.post(self.url, self.form_data(version=1, foreword="Tweede versie"))
        r = self.client.post(self.url, self.form_data(version=1, foreword="Mijn versie"))
        self.assertEqual(r.status_code, 409)
        self.assertContains(r, "Tweede versie", status_code=409)  # theirs, as saved
        self.assertContains(r, "Mijn versie", status_code=409)  # yours, still in the form
        self.assertContains(r, 'name="version" value="2"', status_code=409)
        self.assertEqual(YearNarrative.objects.get().foreword, "Tweede versie")
        # saving again overrides, knowingly
        r = self.client.post(self.url, self.form_data(version=2, foreword="Mijn versie"))
        self.assertEqual(r.status_code, 302)
        self.assertEqual(YearNarrative.objects.get().foreword, "Mijn versie")

    def test_the_text_is_stored_sanitised(self):
        self.save(foreword=PAYLOAD)
        stored = YearNarrative.objects.get().foreword
        self.assertEqual(
            stored,
            'Beste raadsleden <a rel="noopener noreferrer">Klik hier</a> en '
            "<strong>samen</strong>.",
        )

    def test_rows_written_around_the_form_are_sanitised_when_shown(self):
        narrative = YearNarrative.objects.create(plan_year=self.plan_year)
        YearNarrative.objects.filter(pk=narrative.pk).update(foreword=PAYLOAD)  # no save()
        narrative.refresh_from_db()
        html = narrative.foreword_html()
        for markup in ("<script", "<img", "onerror", "javascript:"):
            self.assertNotIn(markup, html)
        self.assertIn("<strong>samen</strong>", html)


class ChecklistTestCase(YearNarrativeTestCase):
    def page(self, user):
        self.client.force_login(user)
        return self.client.get(self.plan_year.get_absolute_url())

    def test_the_programme_manager_sees_what_is_still_empty(self):
        r = self.page(self.bob)
        self.assertContains(r, "Voorwoord")
        self.assertContains(r, "Inleiding op speerpunt 1: Integratie &amp; Ontmoeting")
        self.assertContains(r, "Inleiding op speerpunt 3: Kennis &amp; Economie")
        self.assertContains(r, "Vooruitblik")

        self.save(
            foreword="V",
            outlook="O",
            **{f"intro_{self.integration.pk}": "I"},
        )
        r = self.page(self.bob)
        self.assertEqual(
            r.context["narrative_missing"], ["Inleiding op speerpunt 3: Kennis & Economie"]
        )

    def test_others_do_not_see_the_checklist_and_nor_does_an_adopted_year(self):
        self.assertNotContains(self.page(self.reader), 'id="narrative-checklist"')
        self.advance_to("adopted")
        self.assertNotContains(self.page(self.bob), 'id="narrative-checklist"')

    def test_the_checklist_runs_a_fixed_number_of_queries(self):
        self.page(self.bob)
        self.client.force_login(self.bob)
        url = self.plan_year.get_absolute_url()
        with self.assertNumQueries(11):
            self.client.get(url)
        self.save(foreword="V")
        with self.assertNumQueries(11):
            self.client.get(url)
