"""Pages served from the cache are never older than the data (plan/pagecache.py)."""

import io

from django.contrib.auth.models import Group
from django.db import transaction
from django.urls import reverse

from plan.pagecache import content_version
from plan.roles import Role
from plan.spreadsheet.importer import import_apply
from tests.base import BaseTestCase
from tests.plan.test_effort_edit import form_data
from tests.workbooks import REQUIRED, effort_row, xlsx

SERVED = 3  # session, user, content version


class PageCacheTestCase(BaseTestCase):
    def setUp(self):
        self.list_url = reverse("plan:effort-list")
        self.detail_url = reverse("plan:effort-detail", args=[self.effort.pk])

    def test_a_page_is_served_from_the_cache_until_the_data_changes(self):
        self.login_for_cached_pages(self.alice)
        self.assertContains(self.client.get(self.list_url), "Doorontwikkeling Expat Centre")
        with self.assertNumQueries(SERVED):
            self.assertContains(self.client.get(self.list_url), "Doorontwikkeling Expat Centre")
        # an edit through the portal shows at once, on every page that shows the effort
        self.client.post(
            reverse("plan:effort-edit", args=[self.effort.pk]),
            form_data(self.effort, title="Expat Centre 2.0"),
        )
        r = self.client.get(self.list_url)
        self.assertContains(r, "Expat Centre 2.0")
        self.assertNotContains(r, "Doorontwikkeling Expat Centre")
        r = self.client.get(self.detail_url)
        self.assertContains(r, '<h1><span class="effort-code">3.1</span> Expat Centre 2.0</h1>')

    def test_each_user_gets_their_own_page(self):
        # alice's team owns the effort, charlie's does not: only alice may edit it
        edit_link = reverse("plan:effort-edit", args=[self.effort.pk])
        self.login_for_cached_pages(self.alice)
        self.assertContains(self.client.get(self.detail_url), edit_link)
        self.login_for_cached_pages(self.charlie)
        self.assertNotContains(self.client.get(self.detail_url), edit_link)

    def test_the_frame_is_rendered_for_each_request(self):
        self.login_for_cached_pages(self.alice)
        self.client.get(self.list_url)
        r = self.client.get(self.list_url)  # served from the cache
        self.assertContains(r, "<title>Inspanningen · Internationalisering Leiden</title>")
        self.assertContains(r, '<span class="navbar-text user-name">alice</span>', html=True)
        self.assertContains(r, 'name="csrfmiddlewaretoken"')

    def test_a_renamed_team_and_a_changed_group_show_at_once(self):
        self.login_for_cached_pages(self.bob)
        self.client.get(self.list_url)
        self.team_k.name = "Team Internationaal"
        self.team_k.save()
        self.assertContains(self.client.get(self.list_url), "Team Internationaal")
        # taking the programme manager's role away removes the import button at once
        self.assertContains(self.client.get(self.list_url), reverse("plan:import-upload"))
        self.bob.groups.remove(Group.objects.get(name=Role.PROGRAMME_MANAGER))
        self.assertNotContains(self.client.get(self.list_url), reverse("plan:import-upload"))

    def test_an_import_shows_at_once(self):
        self.login_for_cached_pages(self.bob)
        self.client.get(self.list_url)
        data = xlsx([effort_row(Inspanning="Geïmporteerde titel")], headings=REQUIRED)
        import_apply(file=io.BytesIO(data.getvalue()), plan=self.plan, user=self.bob)
        self.assertContains(self.client.get(self.list_url), "Geïmporteerde titel")

    def test_a_rolled_back_change_keeps_the_version(self):
        before = content_version()
        with self.assertRaises(RuntimeError), transaction.atomic():
            self.effort.set_status("delayed", by=self.bob)
            self.assertNotEqual(content_version(), before)
            raise RuntimeError
        self.assertEqual(content_version(), before)

    def test_dutch_and_english_are_cached_apart(self):
        self.login_for_cached_pages(self.alice)
        self.assertContains(self.client.get(self.list_url), "Loopt volgens planning")
        self.client.cookies["django_language"] = "en"
        r = self.client.get(self.list_url)
        self.assertContains(r, "On track")
        self.assertNotContains(r, "Loopt volgens planning")

    def test_without_a_csrf_cookie_the_page_is_rendered_uncached(self):
        """A cached form would carry another session's CSRF token."""
        self.client.force_login(self.alice)
        with self.assertNumQueries(7):  # the overview's own 7: no version lookup
            self.client.get(reverse("plan:overview"))
