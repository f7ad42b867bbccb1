"""Titles and ambitions in English where they have an English version, Dutch otherwise."""

from datetime import UTC, datetime

from django.urls import reverse
from django.utils import translation

from plan.models import PlanYear
from plan.selectors import plan_snapshot
from tests.base import BaseTestCase
from tests.plan.test_effort_edit import form_data


class EnglishContentTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.economy.name_en = "Knowledge & Economy"
        cls.economy.ambition_en = "An attractive business climate"
        cls.economy.save()
        cls.city_goal.text_en = "Leiden as a city of knowledge"
        cls.city_goal.save()
        cls.effort.title_en = "Further development of the Expat Centre"
        cls.effort.save()

    def english(self, user):
        self.client.force_login(user)
        self.client.post(reverse("set_language"), {"language": "en", "next": "/"})

    def test_the_english_interface_shows_the_english_versions(self):
        self.english(self.alice)
        r = self.client.get(reverse("plan:spearhead-detail", args=[self.economy.pk]))
        self.assertContains(r, "<h1>Spearhead 3: Knowledge &amp; Economy</h1>", html=False)
        self.assertContains(r, "An attractive business climate")
        self.assertContains(r, "Leiden as a city of knowledge")
        self.assertContains(r, "Further development of the Expat Centre")
        self.assertNotContains(r, "Kennis &amp; Economie")
        self.assertNotContains(r, "Doorontwikkeling Expat Centre")

    def test_text_without_an_english_version_is_dutch_and_marked_so(self):
        self.english(self.alice)
        r = self.client.get(reverse("plan:overview"))
        self.assertContains(r, '<html lang="en">')
        # spearhead 1 has no English name: shown in Dutch, marked for screen readers
        self.assertContains(r, '<span lang="nl">Integratie &amp; Ontmoeting</span>', html=False)
        self.assertContains(r, "3. Knowledge &amp; Economy</a>", html=False)
        # a goal without an English text: its text marked Dutch, its count in English
        self.assertContains(
            r,
            '<span lang="nl">Meer ontmoeting</span></a> <span class="text-body-secondary">'
            "(2 efforts)</span>",
            html=False,
        )
        r = self.client.get(reverse("plan:effort-detail", args=[self.other_effort.pk]))
        self.assertContains(
            r, '<span lang="nl">Huurteam met internationals als aandachtsgroep</span>', html=False
        )
        # the <title> has no markup in it
        self.assertContains(r, "<title>1.1 Huurteam voor internationals ·", html=False)
        # the teams to filter on are Dutch names, each marked; "All" is English
        r = self.client.get(reverse("plan:effort-list"))
        team = f'<option value="{self.team_w.pk}" lang="nl">Wonen</option>'
        self.assertContains(r, team, html=False)
        self.assertContains(r, '<option value="" selected>All</option>', html=False)
        # the spearheads to filter on in English where they have an English name
        economy = f'<option value="{self.economy.pk}">3. Knowledge &amp; Economy</option>'
        self.assertContains(r, economy, html=False)

    def test_the_dutch_interface_is_unchanged(self):
        self.client.force_login(self.alice)
        r = self.client.get(reverse("plan:spearhead-detail", args=[self.economy.pk]))
        self.assertContains(r, "Kennis &amp; Economie")
        self.assertContains(r, "Doorontwikkeling Expat Centre")
        self.assertNotContains(r, "Knowledge &amp; Economy")
        self.assertNotContains(r, 'lang="nl"><', html=False)
        r = self.client.get(reverse("plan:effort-list"))
        self.assertContains(r, f'<option value="{self.team_w.pk}">Wonen</option>', html=False)
        economy = f'<option value="{self.economy.pk}">3. Kennis &amp; Economie</option>'
        self.assertContains(r, economy, html=False)
        goal = f'<option value="{self.city_goal.pk}">3.1 Leiden als kennisstad</option>'
        self.assertContains(r, goal, html=False)

    def test_a_team_member_writes_the_english_title_in_the_edit_form(self):
        self.client.force_login(self.charlie)
        url = reverse("plan:effort-edit", args=[self.other_effort.pk])
        r = self.client.get(url)
        self.assertContains(r, 'name="title_en"')
        self.assertContains(r, 'lang="en"')
        self.client.post(
            url, form_data(self.other_effort, title_en="Tenants' team for internationals")
        )
        self.other_effort.refresh_from_db()
        self.assertEqual(self.other_effort.title_en, "Tenants' team for internationals")
        self.assertEqual(self.other_effort.title, "Huurteam voor internationals")
        with translation.override("en"):
            self.assertEqual(str(self.other_effort), "1.1 Tenants' team for internationals")
        self.assertEqual(str(self.other_effort), "1.1 Huurteam voor internationals")

    def test_the_adopted_plan_keeps_its_english_versions(self):
        plan_year = PlanYear.objects.create(
            plan=self.plan,
            year=2022,
            state="adopted",
            snapshot=plan_snapshot(plan=self.plan),
            adopted=datetime(2023, 4, 1, 12, tzinfo=UTC),
        )
        spearhead = plan_year.snapshot["spearheads"][1]
        self.assertEqual(spearhead["name_en"], "Knowledge & Economy")
        self.assertEqual(spearhead["goals"][0]["text_en"], "Leiden as a city of knowledge")
        self.client.cookies.load({"django_language": "en"})
        r = self.client.get(reverse("plan:public-plan"))
        self.assertContains(r, "Further development of the Expat Centre")
        self.assertContains(r, '<span lang="nl">Huurteam voor internationals</span>', html=False)
