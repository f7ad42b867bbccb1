"""Shared data for the API's tests: the base plan, a user per role, adopted years."""

from django.test import override_settings

from api.services import api_token_create
from plan.models import PlanYear
from plan.roles import Role
from plan.services import plan_year_transition
from tests.base import BaseTestCase, make_user

STAND_IN_PDF = b"%PDF-1.7\n% stand-in for the tests of the API\n"


def stand_in_freeze(*, plan_year, by, when):
    """settings.PLAN_YEAR_REPORT where the PDF's contents do not matter: the real frozen
    data, a stand-in for the PDF (rendering takes seconds)."""
    from plan.selectors import plan_snapshot
    from reporting.report import report_data

    snapshot = plan_snapshot(plan=plan_year.plan)
    snapshot["report"] = report_data(plan=plan_year.plan, year=plan_year.year)
    return snapshot, STAND_IN_PDF


class ApiTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.client_user = make_user("client", role=Role.CLIENT)
        cls.directors = make_user("directors", role=Role.DIRECTORS)
        cls.reader = make_user("reader", role=Role.READER)

    @classmethod
    def adopt(cls, year: int, *, real_pdf: bool = False) -> PlanYear:
        """Take `year` through the approval chain to adopted, as the pages do."""
        plan_year = PlanYear.objects.create(plan=cls.plan, year=year)
        chain = [
            ("advised", cls.bob),
            ("endorsed", cls.client_user),
            ("reviewed", cls.directors),
            ("adopted", cls.wethouder),
        ]
        freeze = "reporting.report.plan_year_freeze" if real_pdf else f"{__name__}.stand_in_freeze"
        with override_settings(PLAN_YEAR_REPORT=freeze):
            for to, by in chain:
                plan_year_transition(plan_year=plan_year, to=to, by=by)
        return plan_year

    def token_for(self, user, name="test") -> str:
        return api_token_create(user=user, name=name)[1]

    def with_token(self, key: str, scheme: str = "Token") -> dict:
        return {"HTTP_AUTHORIZATION": f"{scheme} {key}"}
