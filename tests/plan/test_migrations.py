"""The data migration that makes the updates written before review count: they are accepted."""

from datetime import date

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import TransactionTestCase

BEFORE = [("plan", "0013_progress_update_review")]
AFTER = [("plan", "0014_progress_update_accept_existing")]


class AcceptExistingUpdatesTestCase(TransactionTestCase):
    def migrate(self, targets):
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(targets)
        return executor.loader.project_state(targets).apps

    def tearDown(self):
        self.migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    def test_existing_updates_are_accepted(self):
        apps = self.migrate(BEFORE)
        plan = apps.get_model("plan", "Plan").objects.create(
            title="Plan", start_year=2021, end_year=2024, ambition="Samen"
        )
        spearhead = apps.get_model("plan", "Spearhead").objects.create(
            plan=plan, number=1, name="Integratie", ambition="-"
        )
        team = apps.get_model("plan", "Team").objects.create(name="Wonen")
        effort = apps.get_model("plan", "Effort").objects.create(
            spearhead=spearhead, number=1, title="Huurteam", team=team
        )
        steering_round = apps.get_model("plan", "SteeringRound").objects.create(
            meeting_date=date(2023, 3, 15), deadline=date(2023, 3, 1), state="closed"
        )
        update = apps.get_model("plan", "ProgressUpdate").objects.create(
            effort=effort, steering_round=steering_round, status="on_track", progress=5, note="-"
        )
        self.assertEqual(update.state, "concept")  # the field's default, before the migration

        apps = self.migrate(AFTER)
        update = apps.get_model("plan", "ProgressUpdate").objects.get(pk=update.pk)
        self.assertEqual(update.state, "accepted")
