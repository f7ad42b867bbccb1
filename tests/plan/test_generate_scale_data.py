from io import StringIO

from django.core.management import CommandError, call_command
from django.test import TestCase

from plan.models import Effort, Goal, IndicatorValue, ProgressUpdate, SteeringRound


class GenerateScaleDataTestCase(TestCase):
    def test_it_builds_a_plan_of_the_asked_size(self):
        call_command("generate_scale_data", factor=2, stdout=StringIO())
        self.assertEqual(Effort.objects.count(), 100)
        self.assertEqual(Goal.objects.count(), 23)
        self.assertEqual(SteeringRound.objects.count(), 8)
        self.assertEqual(SteeringRound.objects.open().count(), 1)
        self.assertGreater(ProgressUpdate.objects.count(), 7 * 100)
        self.assertEqual(IndicatorValue.objects.values("year").distinct().count(), 10)
        self.assertFalse(Effort.objects.filter(goals=None).exists())

    def test_it_refuses_a_database_that_holds_a_plan(self):
        call_command("loaddata", "leiden_2021_2024", verbosity=0)
        with self.assertRaisesMessage(CommandError, "already holds a plan"):
            call_command("generate_scale_data", factor=1)
        self.assertEqual(Effort.objects.count(), 15)
