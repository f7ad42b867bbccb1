from io import StringIO

from django.core.management import call_command
from django.test import TestCase

from plan.models import Effort


class LoadRealPlanTestCase(TestCase):
    def test_it_loads_once_and_never_overwrites_edits(self):
        call_command("load_real_plan", stdout=StringIO())
        effort = Effort.objects.get(spearhead__number=3, number=1)
        effort.title = "Bewerkt"
        effort.save()
        out = StringIO()
        call_command("load_real_plan", stdout=out)
        self.assertIn("left alone", out.getvalue())
        effort.refresh_from_db()
        self.assertEqual(effort.title, "Bewerkt")

    def test_the_loaded_plan_starts_its_history(self):
        call_command("load_real_plan", stdout=StringIO())
        effort = Effort.objects.get(spearhead__number=3, number=1)
        snapshot = effort.history.latest()
        self.assertEqual(
            set(snapshot.goals.values_list("goal_id", flat=True)),
            set(effort.goals.values_list("pk", flat=True)),
        )
        goal = effort.goals.first()
        self.assertEqual(goal.history.get().text, goal.text)
