"""Migration 0016 moves the unit from each monitor value to its indicator, and back."""

from decimal import Decimal

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import TransactionTestCase

BEFORE = [("plan", "0017_progress_update_counts_index")]
AFTER = [("plan", "0018_monitor_goals")]


class MonitorGoalsMigrationTestCase(TransactionTestCase):
    def migrate(self, targets):
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(targets)
        return executor.loader.project_state(targets).apps

    def tearDown(self):
        self.migrate(executor_leaf_nodes())

    def test_each_indicator_gets_the_unit_of_its_latest_value(self):
        apps = self.migrate(BEFORE)
        Indicator = apps.get_model("plan", "Indicator")
        IndicatorValue = apps.get_model("plan", "IndicatorValue")
        share = Indicator.objects.create(name="Aandeel")
        for year, unit in ((2019, "procent"), (2021, "%"), (2020, "%")):
            IndicatorValue.objects.create(indicator=share, year=year, value=1, unit=unit)
        Indicator.objects.create(name="Nog niet gemeten")

        apps = self.migrate(AFTER)
        Indicator = apps.get_model("plan", "Indicator")
        units = dict(Indicator.objects.values_list("name", "unit"))
        self.assertEqual(units, {"Aandeel": "%", "Nog niet gemeten": ""})
        values = apps.get_model("plan", "IndicatorValue").objects.filter(indicator__name="Aandeel")
        self.assertEqual(values.count(), 3)
        self.assertEqual({v.target for v in values}, {None})

        apps = self.migrate(BEFORE)  # and back: every value gets its indicator's unit
        IndicatorValue = apps.get_model("plan", "IndicatorValue")
        self.assertEqual(set(IndicatorValue.objects.values_list("unit", flat=True)), {"%"})
        self.assertEqual(IndicatorValue.objects.get(year=2019).value, Decimal("1"))


def executor_leaf_nodes():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()
