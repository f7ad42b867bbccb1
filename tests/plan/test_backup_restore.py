import tempfile
from datetime import date
from io import StringIO
from pathlib import Path

from django.apps import apps
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command
from django.test import TransactionTestCase, override_settings

from plan.models import Effort, PlanYear, ProgressUpdate
from plan.roles import Role, role_groups_sync
from plan.services import plan_year_transition, progress_update_submit, steering_round_open


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class BackupRestoreTestCase(TransactionTestCase):
    """Back up a portal in use, empty the database, restore: every record is back."""

    def setUp(self):
        from django.contrib.auth.models import Permission

        role_groups_sync(group_model=Group, permission_model=Permission)
        call_command("load_real_plan", stdout=StringIO())
        with override_settings(DEBUG=True):
            call_command("create_demo_users", verbosity=0)
        manager = User.objects.get(username="opgavemanager")
        steering_round = steering_round_open(
            meeting_date=date(2023, 3, 15), deadline=date(2023, 3, 1), opened_by=manager
        )
        progress_update_submit(
            effort=Effort.objects.get(spearhead__number=3, number=2),
            steering_round=steering_round,
            author=User.objects.get(username="regiegroep"),
            status="at_risk",
            progress=35,
            note="Werving loopt achter",
        )
        plan_year = PlanYear.objects.get(year=2022)
        for to, username in [
            ("advised", "opgavemanager"),
            ("endorsed", "opdrachtgever"),
            ("reviewed", "directieteam"),
            ("adopted", "wethouder"),
        ]:
            plan_year_transition(plan_year=plan_year, to=to, by=User.objects.get(username=username))

    def counts(self):
        return {
            model._meta.label: model.objects.count()
            for model in apps.get_models()
            if model._meta.app_label in ("plan", "auth", "axes")
            and model._meta.model_name != "permission"
        }

    def test_every_record_comes_back(self):
        before = self.counts()
        pdf = bytes(PlanYear.objects.get(year=2022).report_pdf)
        note = ProgressUpdate.objects.get().note
        with tempfile.TemporaryDirectory() as directory:
            backup = Path(directory) / "backup.json"
            call_command("backup", backup, stdout=StringIO())
            call_command("flush", interactive=False, verbosity=0)
            self.assertEqual(Effort.objects.count(), 0)
            call_command("restore", backup, stdout=StringIO())
        self.assertEqual(self.counts(), before)
        self.assertGreater(before["plan.Effort"], 10)
        self.assertEqual(bytes(PlanYear.objects.get(year=2022).report_pdf), pdf)
        self.assertEqual(ProgressUpdate.objects.get().note, note)
        regiegroep = User.objects.get(username="regiegroep")
        self.assertTrue(regiegroep.check_password("demo-regiegroep"))
        self.assertEqual(
            list(regiegroep.groups.values_list("name", flat=True)), [Role.STEERING_GROUP]
        )
        self.assertEqual(list(regiegroep.teams.values_list("name", flat=True)), ["Economie"])

    def test_restore_refuses_a_database_with_a_plan(self):
        with tempfile.TemporaryDirectory() as directory:
            backup = Path(directory) / "backup.json"
            call_command("backup", backup, stdout=StringIO())
            with self.assertRaisesMessage(CommandError, "already holds a plan"):
                call_command("restore", backup)
