from django.urls import reverse

from plan import selectors
from plan.models import Effort, Goal, Partner, TargetGroup, Team
from plan.services import progress_update_submit, steering_round_close
from tests.base import BaseTestCase, FormPage, RoundTestCase


def form_data(effort, **changes):
    """What the edit form posts for `effort` unchanged, with `changes` applied."""
    data = {
        "version": effort.version,
        "title": effort.title,
        "title_en": effort.title_en,
        "description": effort.description,
        "description_en": effort.description_en,
        "status": effort.status,
        "progress": effort.progress,
        "note": effort.note,
        "start": effort.start.isoformat() if effort.start else "",
        "end": effort.end.isoformat() if effort.end else "",
        "goals": [g.pk for g in effort.goals.all()],
        "partners": [p.pk for p in effort.partners.all()],
        "target_groups": [t.pk for t in effort.target_groups.all()],
        "international_role": effort.international_role,
        "policy_relation": effort.policy_relation,
        "financing": effort.financing,
        "team": effort.team_id,
        "lead": effort.lead_id or "",
        "is_priority": "on" if effort.is_priority else "",
        "in_line": "on" if effort.in_line else "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


class EffortEditTestCase(BaseTestCase):
    def setUp(self):
        self.url = reverse("plan:effort-edit", args=[self.effort.pk])

    def test_it_offers_and_accepts_only_the_goals_of_the_efforts_own_plan(self):
        from tests.plan.test_plan_periods import successor_start

        later = successor_start(self.effort.spearhead.plan, close=False)
        later_goal = Goal.objects.get(spearhead__plan=later, origin=self.city_goal)
        self.client.force_login(self.alice)
        offered = set(self.client.get(self.url).context["form"].fields["goals"].queryset)
        self.assertEqual(
            offered, set(Goal.objects.filter(spearhead__plan=self.effort.spearhead.plan))
        )
        r = self.client.post(self.url, form_data(self.effort, goals=[later_goal.pk]))
        self.assertEqual(r.status_code, 200)
        self.assertTrue(r.context["form"].has_error("goals"))
        self.assertNotIn(later_goal, self.effort.goals.all())

    def test_it_saves_for_team_member(self):
        self.client.force_login(self.alice)
        r = self.client.post(self.url, form_data(self.effort, title="Loket", status="at_risk"))
        self.assertRedirects(r, self.effort.get_absolute_url())
        self.effort.refresh_from_db()
        self.assertEqual(self.effort.title, "Loket")
        self.assertEqual(self.effort.status, Effort.Status.AT_RISK)
        self.assertEqual(self.effort.version, 2)
        self.assertEqual(self.effort.history.latest().history_user, self.alice)

    def test_the_lead_edits_the_effort_they_lead_outside_their_team(self):
        Effort.objects.filter(pk=self.effort.pk).update(lead=self.charlie)  # charlie: Wonen
        self.effort.refresh_from_db()
        self.client.force_login(self.charlie)
        self.assertContains(self.client.get(self.effort.get_absolute_url()), f'href="{self.url}"')
        r = self.client.post(self.url, form_data(self.effort, title="Loket"))
        self.assertRedirects(r, self.effort.get_absolute_url())
        self.effort.refresh_from_db()
        self.assertEqual(self.effort.title, "Loket")
        other = reverse("plan:effort-edit", args=[self.other_effort.pk])
        self.client.force_login(self.alice)  # leads nothing of Wonen
        self.assertEqual(self.client.get(other).status_code, 403)

    def test_a_team_member_cannot_change_team_or_priority(self):
        self.client.force_login(self.alice)
        data = form_data(self.effort, team=self.team_w.pk, is_priority="")
        self.client.post(self.url, data)
        self.effort.refresh_from_db()
        self.assertEqual(self.effort.team, self.team_k)
        self.assertTrue(self.effort.is_priority)

    def test_the_programme_manager_edits_any_effort_and_its_team(self):
        self.client.force_login(self.bob)
        url = reverse("plan:effort-edit", args=[self.other_effort.pk])
        data = form_data(self.other_effort, team=self.team_k.pk, is_priority="on")
        r = self.client.post(url, data)
        self.assertRedirects(r, self.other_effort.get_absolute_url())
        self.other_effort.refresh_from_db()
        self.assertEqual(self.other_effort.team, self.team_k)
        self.assertTrue(self.other_effort.is_priority)

    def test_it_forbids_other_team_and_changes_nothing(self):
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get(self.url).status_code, 403)
        r = self.client.post(self.url, form_data(self.effort, title="Gekaapt"))
        self.assertEqual(r.status_code, 403)
        self.assertContains(r, "Geen toegang", status_code=403)
        self.effort.refresh_from_db()
        self.assertEqual(self.effort.title, "Doorontwikkeling Expat Centre")

    def test_it_forbids_the_alderman(self):
        self.client.force_login(self.wethouder)
        r = self.client.post(self.url, form_data(self.effort, title="Gekaapt"))
        self.assertEqual(r.status_code, 403)
        self.effort.refresh_from_db()
        self.assertEqual(self.effort.version, 1)

    def test_the_effort_page_offers_edit_only_to_who_may(self):
        self.client.force_login(self.alice)
        self.assertContains(self.client.get(self.effort.get_absolute_url()), self.url)
        self.client.force_login(self.charlie)
        self.assertNotContains(self.client.get(self.effort.get_absolute_url()), self.url)

    def test_it_runs_a_fixed_number_of_queries(self):
        self.client.force_login(self.alice)
        # session, user, effort+spearhead+team, permissions (1), membership, the form's
        # current goals, partners and target groups, its goals to choose from, its partners
        # and target groups to choose from (one query: plan.forms.OptionLists), the open
        # round still waiting for this effort's update, the menu's plan years awaiting the
        # user's decision (plan.context_processors) and every plan, once, for the menu's
        # plan switcher (plan.periods)
        with self.assertNumQueries(13):
            self.client.get(self.url)
        # saving: session, user, effort, permissions, membership, its current goals,
        # partners and target groups, the open round awaiting its update (for the message),
        # the chosen goals and partners checked, the version locked, the effort written
        # with its history and the history of its three link lists (django-simple-history:
        # for each, the excluded created/updated read back, the links read and written),
        # and the three lists set, in a savepoint (the test's transaction holds it). The
        # check constraints are not asked of the database: the progress field and
        # Effort.clean() check the same in Python
        data = form_data(self.effort, title="Loket")
        with self.assertNumQueries(29):
            r = self.client.post(self.url, data)
        self.assertRedirects(r, self.effort.get_absolute_url())
        # the programme manager's form also offers teams and leads, in that same query; he
        # may edit every effort, so no membership is asked
        self.client.force_login(self.bob)
        with self.assertNumQueries(12):
            self.client.get(self.url)


class EffortEditFormTestCase(BaseTestCase):
    """The form as a person sees it: written plainly, as crispy-forms wrote it before."""

    def setUp(self):
        self.url = reverse("plan:effort-edit", args=[self.effort.pk])

    def test_every_field_shows_its_label_and_current_value(self):
        self.client.force_login(self.bob)  # the programme manager: all fields
        page = FormPage(self.client.get(self.url).content)
        for name, label in [
            ("title", "Titel*"),
            ("title_en", "Titel in het Engels"),
            ("status", "Status*"),
            ("progress", "Voortgang (%)*"),
            ("start", "Start"),
            ("note", "Toelichting voortgang"),
            ("financing", "Financiering"),
            ("team", "Team*"),
            ("lead", "Trekker"),
            ("is_priority", "Prioriteit"),
            ("in_line", "Belegd in de lijn"),
        ]:
            self.assertEqual(page.labels[f"id_{name}"], label, name)
        [title] = page.named("title")
        self.assertEqual(title["attrs"]["value"], "Doorontwikkeling Expat Centre")
        self.assertEqual(page.named("progress")[0]["attrs"]["value"], "40")
        self.assertEqual(page.named("start")[0]["attrs"]["value"], "2022-01-01")
        [status] = [o for o in page.options("status") if "selected" in o["attrs"]]
        self.assertEqual(status["text"], "Loopt volgens planning")
        [team] = [o for o in page.options("team") if "selected" in o["attrs"]]
        self.assertEqual(team["text"], "Kennis & Internationalisering")
        self.assertEqual(
            [o["text"] for o in page.options("lead")],
            ["---------", "alice", "bob", "charlie", "fatima"],
        )
        self.assertIn("checked", page.named("is_priority")[0]["attrs"])
        self.assertNotIn("checked", page.named("in_line")[0]["attrs"])
        self.assertEqual(
            page.texts["id_in_line_helptext"],
            "Al belegd bij een team in het reguliere werk (groen in het plan).",
        )
        self.assertEqual(
            page.named("in_line")[0]["attrs"]["aria-describedby"], "id_in_line_helptext"
        )
        [version] = page.named("version")
        self.assertEqual((version["attrs"]["type"], version["attrs"]["value"]), ("hidden", "1"))

    def test_teams_leads_partners_and_target_groups_each_offer_their_own_in_order(self):
        # read together in one query (plan.forms.OptionLists): no list gets another's rows
        Team.objects.create(name="Aardrijkskunde")
        Partner.objects.create(name="Zeeland Partners")
        Partner.objects.create(name="Alfa College")
        TargetGroup.objects.create(name="Studenten")
        self.client.force_login(self.bob)
        page = FormPage(self.client.get(self.url).content)
        teams = [o["text"] for o in page.options("team")]
        self.assertEqual(teams, ["---------", *Team.objects.values_list("name", flat=True)])
        self.assertEqual(teams[1], "Aardrijkskunde")
        for name, model in (("partners", Partner), ("target_groups", TargetGroup)):
            offered = [box["attrs"]["value"] for box in page.named(name)]
            names = model.objects.order_by("name").values_list("pk", flat=True)
            self.assertEqual(offered, [str(pk) for pk in names], name)
        [chosen] = [o for o in page.options("team") if "selected" in o["attrs"]]
        self.assertEqual(chosen["text"], "Kennis & Internationalisering")

    def test_the_checkbox_groups_are_fieldsets_with_a_legend_and_the_chosen_ticked(self):
        self.client.force_login(self.alice)
        page = FormPage(self.client.get(self.url).content)
        for name, legend, ticked in [
            (
                "goals",
                "Draagt bij aan doelen",
                {"1.3 Meer ontmoeting", "3.1 Leiden als kennisstad"},
            ),
            ("partners", "Partners", {"Universiteit Leiden"}),
            ("target_groups", "Doelgroepen", {"Kenniswerkers"}),
        ]:
            boxes = page.named(name)
            self.assertTrue(boxes, name)
            for box in boxes:
                self.assertEqual(box["attrs"]["type"], "checkbox")
                self.assertEqual(box["legend"], legend)
                self.assertIn(f"div_id_{name}", box["within"])
            chosen = {page.labels[b["attrs"]["id"]] for b in boxes if "checked" in b["attrs"]}
            self.assertEqual(chosen, ticked, name)
        self.assertIn("Internationale studenten", page.labels.values())  # offered, not ticked
        self.assertEqual(page.named("team"), [])  # a team member does not choose the team

    def test_a_checkbox_label_of_dutch_content_is_marked_dutch_on_an_english_page(self):
        self.client.force_login(self.alice)
        self.client.post(reverse("set_language"), {"language": "en", "next": "/"})
        r = self.client.get(self.url)
        self.assertContains(r, '<html lang="en">')
        self.assertContains(
            r,
            '<label class="form-check-label" for="id_goals_1" lang="nl">'
            "3.1 Leiden als kennisstad</label>",
            html=True,
        )

    def test_an_error_is_shown_beside_its_field_and_what_was_typed_is_kept(self):
        self.client.force_login(self.alice)
        r = self.client.post(self.url, form_data(self.effort, progress=150, title="Nieuw"))
        page = FormPage(r.content)
        [progress] = page.named("progress")
        self.assertEqual(progress["attrs"]["aria-invalid"], "true")
        self.assertIn("is-invalid", progress["attrs"]["class"].split())
        self.assertEqual(progress["attrs"]["aria-describedby"], "id_progress_error")
        self.assertEqual(progress["attrs"]["value"], "150")
        self.assertEqual(
            page.texts["id_progress_error"], "Zorg ervoor dat deze waarde hoogstens 100 is."
        )
        self.assertContains(r, '<div id="div_id_progress"')
        [title] = page.named("title")
        self.assertEqual(title["attrs"]["value"], "Nieuw")
        self.assertNotIn("aria-invalid", title["attrs"])

    def test_a_choice_outside_the_offered_ones_is_refused(self):
        self.client.force_login(self.bob)
        for field, value in [("goals", [999]), ("partners", [999]), ("team", 999), ("lead", 999)]:
            r = self.client.post(self.url, form_data(self.effort, **{field: value}))
            self.assertEqual(r.status_code, 200, field)
            page = FormPage(r.content)
            self.assertIn("geldige keuze", page.texts[f"id_{field}_error"], field)
        self.effort.refresh_from_db()
        self.assertEqual(self.effort.version, 1)

    def test_the_form_errors_of_a_missing_version_are_shown_on_top(self):
        self.client.force_login(self.alice)
        data = form_data(self.effort)
        del data["version"]
        r = self.client.post(self.url, data)
        self.assertContains(r, "Versie: Dit veld is verplicht.")


class EffortEditBadInputTestCase(BaseTestCase):
    def setUp(self):
        self.url = reverse("plan:effort-edit", args=[self.effort.pk])
        self.client.force_login(self.alice)

    def assert_refused(self, field, message, **changes):
        r = self.client.post(self.url, form_data(self.effort, **changes))
        self.assertEqual(r.status_code, 200)
        self.assertIn(message, " ".join(r.context["form"].errors[field]))
        self.assertContains(r, f'id="id_{field}"')
        self.assertContains(r, "is-invalid")
        self.effort.refresh_from_db()
        self.assertEqual(self.effort.version, 1)
        self.assertEqual(self.effort.title, "Doorontwikkeling Expat Centre")
        return r

    def test_progress_above_100(self):
        r = self.assert_refused("progress", "hoogstens 100", progress=150, title="Nieuw")
        self.assertContains(r, 'value="Nieuw"')  # what was typed is kept
        self.assertContains(r, 'value="150"')

    def test_end_before_start(self):
        self.assert_refused(
            "end",
            "De einddatum mag niet voor de startdatum liggen.",
            start="2023-06-01",
            end="2023-05-01",
        )

    def test_empty_status(self):
        self.assert_refused("status", "Dit veld is verplicht.", status="")

    def test_a_note_of_100_kb(self):
        self.assert_refused("note", "niet meer dan 4000 tekens", note="x" * 100_000)

    def test_the_page_title_says_there_is_an_error(self):
        r = self.client.post(self.url, form_data(self.effort, status=""))
        self.assertContains(r, "<title>Fout:")


class EffortEditConflictTestCase(BaseTestCase):
    def setUp(self):
        self.url = reverse("plan:effort-edit", args=[self.effort.pk])

    def test_the_second_save_is_refused_and_nothing_is_lost(self):
        loaded = form_data(self.effort)  # both load version 1
        self.client.force_login(self.bob)
        self.client.post(self.url, {**loaded, "title": "Expat Centre 2.0"})

        self.client.force_login(self.alice)
        r = self.client.post(self.url, {**loaded, "status": "delayed", "note": "Vertraging"})
        self.assertEqual(r.status_code, 409)
        self.assertContains(r, "Iemand anders heeft deze inspanning opgeslagen", status_code=409)
        self.assertContains(r, "Expat Centre 2.0", status_code=409)  # what bob changed
        self.assertContains(r, "door bob", status_code=409)
        self.assertContains(r, "Vertraging", status_code=409)  # what alice typed
        self.effort.refresh_from_db()
        self.assertEqual(self.effort.title, "Expat Centre 2.0")
        self.assertEqual(self.effort.status, Effort.Status.ON_TRACK)

        # the form now carries bob's version: saving again is a deliberate override
        self.assertEqual(r.context["form"].data["version"], 2)
        [version] = FormPage(r.content).named("version")  # posted with the next save
        self.assertEqual((version["attrs"]["type"], version["attrs"]["value"]), ("hidden", "2"))
        data = {**loaded, "status": "delayed", "note": "Vertraging", "version": 2}
        self.assertRedirects(self.client.post(self.url, data), self.effort.get_absolute_url())
        self.effort.refresh_from_db()
        self.assertEqual(self.effort.status, Effort.Status.DELAYED)
        self.assertEqual(self.effort.version, 3)


class EffortHistoryTestCase(BaseTestCase):
    def test_a_form_edit_shows_in_the_history_with_author(self):
        self.client.force_login(self.alice)
        url = reverse("plan:effort-edit", args=[self.effort.pk])
        self.client.post(url, form_data(self.effort, status="delayed", goals=[self.city_goal.pk]))
        r = self.client.get(self.effort.get_absolute_url())
        entry = r.context["history"][0]
        self.assertEqual(entry["user"], self.alice)
        shown = {(c["field"], c["old"], c["new"]) for c in entry["changes"]}
        self.assertIn(("status", "Loopt volgens planning", "Vertraagd"), shown)
        self.assertIn(("doelen", "1.3, 3.1", "3.1"), shown)
        self.assertContains(r, "Status: Loopt volgens planning → Vertraagd")
        self.assertContains(r, "door alice op")

    def test_an_admin_edit_shows_in_the_history_with_author(self):
        self.client.force_login(self.bob)
        url = reverse("admin:plan_effort_change", args=[self.effort.pk])
        data = form_data(self.effort, progress=80)
        data.update(
            {
                "spearhead": self.economy.pk,
                "number": 1,
                "updates-TOTAL_FORMS": 0,
                "updates-INITIAL_FORMS": 0,
            }
        )
        r = self.client.post(url, data)
        self.assertEqual(r.status_code, 302, r.context and r.context["adminform"].form.errors)
        r = self.client.get(self.effort.get_absolute_url())
        self.assertContains(r, "Voortgang (%): 40% → 80%")
        self.assertContains(r, "door bob op")
        history = self.client.get(reverse("admin:plan_effort_history", args=[self.effort.pk]))
        self.assertContains(history, "bob")


class EffortEditDuringRoundTestCase(RoundTestCase):
    """Effort 3.4 stayed "ontbreekt" after its lead edited it: the edit page says so."""

    def setUp(self):
        self.url = reverse("plan:effort-edit", args=[self.effort.pk])
        self.client.force_login(self.alice)

    def test_the_edit_page_says_the_update_is_still_missing_and_links_to_it(self):
        r = self.client.get(self.url)
        self.assertContains(
            r,
            "Voor deze inspanning ontbreekt nog de update voor de ronde van 15 maart 2023 "
            "(uiterlijk 1 maart 2023). Het bewerken van de inspanning telt niet als de update.",
        )
        self.assertContains(r, f'href="{reverse("plan:update-create", args=[self.effort.pk])}"')

    def test_saving_says_it_again_and_the_update_is_still_missing(self):
        data = form_data(self.effort, note="Nieuwe toelichting")
        r = self.client.post(self.url, data, follow=True)
        self.assertEqual(r.redirect_chain, [(self.effort.get_absolute_url(), 302)])
        self.assertContains(r, "De inspanning is opgeslagen. Voor deze inspanning ontbreekt nog")
        self.assertFalse(self.round.updates.filter(effort=self.effort).exists())
        completeness = selectors.round_completeness(steering_round=self.round)
        self.assertEqual(completeness["missing"], 2)

    def test_no_notice_once_the_update_is_in_or_without_an_open_round(self):
        progress_update_submit(
            effort=self.effort,
            steering_round=self.round,
            author=self.alice,
            status="on_track",
            progress=50,
            note="Goed op weg",
        )
        self.assertNotContains(self.client.get(self.url), "ontbreekt nog de update")
        self.effort.refresh_from_db()  # the update raised its version
        r = self.client.post(self.url, form_data(self.effort), follow=True)
        self.assertContains(r, "De inspanning is opgeslagen.")
        self.assertNotContains(r, "ontbreekt nog de update")
        self.effort.updates.all().delete()
        steering_round_close(steering_round=self.round, by=self.bob)
        self.assertNotContains(self.client.get(self.url), "ontbreekt nog de update")

    def test_an_effort_outside_the_round_gets_no_notice(self):
        self.round.efforts.remove(self.effort)
        self.assertNotContains(self.client.get(self.url), "ontbreekt nog de update")
