"""The report's texts written in the portal, as the council reads them: in the preview, the
PDF and the public page, frozen on adoption, and never carrying live markup."""

import re

from django.urls import reverse

from plan.models import SpearheadNarrative, YearNarrative
from plan.services import year_narrative_save
from tests.plan.test_plan_years import PlanYearTestCase
from tests.plan.test_year_narrative import PAYLOAD
from tests.reporting.test_annual_report import pdf_text

LIVE_MARKUP = ("<script", "alert(", "<img", "onerror", "javascript:")


class ReportNarrativeTestCase(PlanYearTestCase):
    def write(self, *, version=0, foreword="", outlook="", intros=None, **english):
        intros = intros or {}
        year_narrative_save(
            plan_year=self.plan_year,
            loaded_version=version,
            texts={"foreword": foreword, "outlook": outlook, **english},
            intros={s.pk: intros.get(s.number, ("", "")) for s in (self.integration, self.economy)},
            by=self.bob,
        )

    def write_all(self, version=0, word="Eerste"):
        self.write(
            version=version,
            foreword=f"{word} voorwoord van de wethouder.",
            outlook=f"{word} vooruitblik op volgend jaar.",
            intros={
                1: (f"{word} inleiding integratie.", ""),
                3: (f"{word} inleiding economie.", ""),
            },
        )

    def page(self, url, user=None):
        self.client.logout()
        if user is not None:
            self.client.force_login(user)
        return self.client.get(url)

    def report_url(self, lang=None, chapter=None):
        """The report's page: its front part, or the chapter of a spearhead (its number)."""
        if chapter is None:
            url = reverse("reporting:annual-report", args=[2022])
        else:
            url = reverse("reporting:annual-report-chapter", args=[2022, chapter])
        return url + (f"?lang={lang}" if lang else "")

    def pdf(self):
        return self.page(reverse("reporting:annual-report-pdf", args=[2022]), self.reader).content


class PlacementTestCase(ReportNarrativeTestCase):
    def test_the_texts_open_the_report_each_chapter_and_close_it_before_adoption(self):
        self.write_all()
        html = self.page(self.report_url(), self.reader).content.decode()
        order = [
            'href="#foreword"',  # in the contents
            'id="foreword"',
            "Eerste voorwoord van de wethouder.",
            'id="summary"',
            'id="monitor"',
            'id="outlook"',
            "Eerste vooruitblik op volgend jaar.",
            'id="approval"',
        ]
        positions = [html.index(marker) for marker in order]
        self.assertEqual(positions, sorted(positions))
        # the page shows one part at a time: each chapter on its own page, with its intro
        self.assertNotIn("Eerste inleiding", html)
        for number, intro in [
            (1, "Eerste inleiding integratie."),
            (3, "Eerste inleiding economie."),
        ]:
            chapter = self.page(self.report_url(chapter=number), self.reader).content.decode()
            self.assertLess(chapter.index(f'id="spearhead-{number}"'), chapter.index(intro))
            self.assertNotIn('id="summary"', chapter)
        pdf = pdf_text(self.pdf())
        order = [
            "Eerste voorwoord van de wethouder.",
            "Eerste inleiding integratie.",
            "Eerste inleiding economie.",
            "Eerste vooruitblik op volgend jaar.",
        ]
        positions = [pdf.index(text) for text in order]
        self.assertEqual(positions, sorted(positions))

    def test_the_english_report_uses_english_texts_and_marks_dutch_ones(self):
        self.write(foreword="Voorwoord.", foreword_en="Foreword in English.", outlook="Vooruit.")
        r = self.page(self.report_url(lang="en"), self.reader)
        self.assertContains(r, '<div class="narrative"><p>Foreword in English.</p></div>')
        self.assertContains(r, '<div class="narrative" lang="nl"><p>Vooruit.</p></div>')
        self.assertNotContains(r, "Voorwoord.")

    def test_a_year_without_texts_shows_no_empty_sections(self):
        r = self.page(self.report_url(), self.reader)
        self.assertNotContains(r, 'id="foreword"')
        self.assertNotContains(r, 'id="outlook"')


class InertMarkupTestCase(ReportNarrativeTestCase):
    def write_payload(self):
        """The payload stored as typed, around the sanitising save (as a row restored from
        an old backup or written in the shell would be): the output must be inert alone."""
        self.write(foreword="x", outlook="x", intros={3: ("x", "")})
        YearNarrative.objects.update(foreword=PAYLOAD, outlook=PAYLOAD)
        SpearheadNarrative.objects.filter(spearhead=self.economy).update(text=PAYLOAD)

    def assert_inert(self, html, count):
        narratives = re.findall(r'<div class="narrative"[^>]*>(.*?)</div>', html, re.DOTALL)
        self.assertEqual(len(narratives), count)
        for narrative in narratives:
            self.assertEqual(
                narrative,
                '<p>Beste raadsleden <a rel="noopener noreferrer">Klik hier</a> en '
                "<strong>samen</strong>.</p>",
            )
        for markup in ("alert(", "onerror", "javascript:"):  # nowhere on the page
            self.assertNotIn(markup, html)

    def test_payloads_are_inert_in_the_preview(self):
        self.write_payload()
        self.assert_inert(self.page(self.report_url(), self.reader).content.decode(), 2)
        chapter = self.page(self.report_url(chapter=3), self.reader).content.decode()
        self.assert_inert(chapter, 1)

    def test_payloads_are_inert_in_the_pdf_which_shows_the_text_not_markup(self):
        self.write_payload()
        text = pdf_text(self.pdf())
        self.assertIn("Beste raadsleden Klik hier en samen.", text)
        for markup in (*LIVE_MARKUP, "<strong", "<a "):
            self.assertNotIn(markup, text)

    def test_payloads_are_inert_on_the_public_page(self):
        self.write_payload()
        self.advance_to("adopted")
        html = self.page(reverse("plan:public-plan")).content.decode()
        self.assert_inert(html, 3)
        self.assertIn("Beste raadsleden", html)


class FrozenTestCase(ReportNarrativeTestCase):
    def test_the_adopted_pdf_holds_the_texts_and_does_not_change_after_edits(self):
        self.write_all()
        self.advance_to("adopted")
        adopted = self.pdf()
        text = pdf_text(adopted)
        for expected in (
            "Voorwoord",
            "Eerste voorwoord van de wethouder.",
            "Eerste inleiding integratie.",
            "Eerste inleiding economie.",
            "Vooruitblik",
            "Eerste vooruitblik op volgend jaar.",
        ):
            self.assertIn(expected, text)

        # written around the service (the edit page refuses an adopted year)
        narrative = self.plan_year.narrative
        narrative.foreword = "Later voorwoord."
        narrative.save()
        narrative.spearheads.update(text="Latere inleiding.")

        self.assertEqual(self.pdf(), adopted)  # byte for byte
        preview = self.page(self.report_url(), self.reader)
        self.assertContains(preview, "Eerste voorwoord van de wethouder.")
        self.assertNotContains(preview, "Later")
        public = self.page(reverse("plan:public-plan"))
        self.assertContains(public, "Eerste inleiding economie.")
        self.assertNotContains(public, "Later")

    def test_the_public_page_of_a_year_adopted_before_texts_existed_still_renders(self):
        self.advance_to("adopted")
        self.plan_year.refresh_from_db()
        snapshot = self.plan_year.snapshot
        del snapshot["report"]["narrative"]
        for spearhead in snapshot["report"]["spearheads"]:
            del spearhead["intro"], spearhead["intro_en"]
        type(self.plan_year).objects.filter(pk=self.plan_year.pk).update(snapshot=snapshot)
        self.assertEqual(self.page(reverse("plan:public-plan")).status_code, 200)
        self.assertEqual(self.page(self.report_url(), self.reader).status_code, 200)
