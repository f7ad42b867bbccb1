from datetime import date

from django.db import IntegrityError, transaction

from plan.models import Effort, Goal, Plan
from tests.base import BaseTestCase


class EffortConstraintTestCase(BaseTestCase):
    def create_effort(self, **fields):
        values = {"spearhead": self.economy, "number": 9, "title": "Nieuw", "team": self.team_k}
        values.update(fields)
        with transaction.atomic():
            return Effort.objects.create(**values)

    def test_the_database_rejects_a_duplicate_code(self):
        with self.assertRaises(IntegrityError):
            self.create_effort(number=self.effort.number)  # 3.1 again

    def test_the_same_number_in_another_spearhead_is_a_different_code(self):
        effort = self.create_effort(spearhead=self.integration, number=2)
        self.assertEqual(effort.code, "1.2")

    def test_the_database_rejects_progress_above_100(self):
        with self.assertRaises(IntegrityError):
            self.create_effort(progress=101)

    def test_progress_100_is_accepted(self):
        self.assertEqual(self.create_effort(progress=100).progress, 100)

    def test_the_database_rejects_an_end_before_the_start(self):
        with self.assertRaises(IntegrityError):
            self.create_effort(start=date(2023, 6, 1), end=date(2023, 5, 31))

    def test_an_open_end_is_accepted(self):
        effort = self.create_effort(start=date(2023, 6, 1), end=None)
        self.assertIsNone(effort.end)

    def test_the_database_rejects_a_duplicate_goal_number(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            Goal.objects.create(spearhead=self.integration, number=3, text="Dubbel")

    def test_the_database_rejects_a_plan_ending_before_it_starts(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            Plan.objects.create(title="Fout", start_year=2024, end_year=2021, ambition="-")


class EffortBehaviourTestCase(BaseTestCase):
    def test_code_joins_spearhead_and_number(self):
        self.assertEqual(self.effort.code, "3.1")
        self.assertEqual(str(self.effort), "3.1 Doorontwikkeling Expat Centre")
        self.assertEqual(self.meeting_goal.code, "1.3")

    def test_an_effort_may_serve_goals_of_other_spearheads(self):
        spearheads = {goal.spearhead for goal in self.effort.goals.all()}
        self.assertEqual(spearheads, {self.economy, self.integration})

    def test_open_leaves_out_finished_and_stopped_efforts(self):
        self.other_effort.status = Effort.Status.DONE
        self.other_effort.save()
        self.assertEqual(list(Effort.objects.open()), [self.effort])

    def test_priority_lists_only_priority_efforts(self):
        self.assertEqual(list(Effort.objects.priority()), [self.effort])

    def test_a_team_member_and_the_programme_manager_may_edit(self):
        self.assertTrue(self.effort.can_edit(self.alice))
        self.assertTrue(self.effort.can_edit(self.bob))

    def test_a_member_of_another_team_and_the_alderman_may_not_edit(self):
        self.assertFalse(self.effort.can_edit(self.charlie))
        self.assertFalse(self.effort.can_edit(self.wethouder))

    def test_goal_lookup_by_code(self):
        self.assertEqual(Goal.objects.get_by_code(" 1.3 ", plan=self.plan), self.meeting_goal)
