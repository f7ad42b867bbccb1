"""The fixture `leiden_2021_2024` holds the real plan, transcribed from the seed text."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from plan.models import (
    Effort,
    Goal,
    Indicator,
    IndicatorValue,
    Plan,
    Spearhead,
    TargetGroup,
    Team,
)

pytestmark = pytest.mark.django_db

AMBITION = (
    "Leiden is een inclusieve stad waar Leidenaren en internationale Leidenaren samen het "
    "leefklimaat bepalen"
)
SPEARHEADS = [
    "Integratie & Ontmoeting",
    "Onderwijs",
    "Kennis & Economie",
    "Huisvesting & Stedelijke ontwikkeling",
    "Communicatie & Dienstverlening",
    "Inbedding in de organisatie",
]
TABLE_EFFORTS = {"1.1", "2.1", "3.1", "3.2", "3.3", "4.1", "4.2", "5.1", "6.1", "6.2"}
PRIORITY_CODES = {"1.1", "3.1", "3.3", "5.1", "6.1"}
TARGET_GROUPS = {
    "Kenniswerkers",
    "Arbeidsmigranten (EU)",
    "Internationale studenten",
    "Vluchtelingen/statushouders",
}


@pytest.fixture
def plan():
    call_command("loaddata", "leiden_2021_2024", verbosity=0)
    return Plan.objects.get()


def effort_codes(queryset):
    return {effort.code for effort in queryset.select_related("spearhead")}


def test_one_plan_with_the_ambition(plan):
    assert Plan.objects.count() == 1
    assert plan.title == "Meerjarenplan internationalisering 2021-2024"
    assert (plan.start_year, plan.end_year) == (2021, 2024)
    assert plan.ambition == AMBITION


def test_six_spearheads_with_exact_names_in_order(plan):
    spearheads = list(Spearhead.objects.filter(plan=plan))
    assert [s.number for s in spearheads] == [1, 2, 3, 4, 5, 6]
    assert [s.name for s in spearheads] == SPEARHEADS


def test_spearhead_ambitions_kept_verbatim(plan):
    ambitions = {s.number: s.ambition for s in plan.spearheads.all()}
    assert "internationale leidenaren" in ambitions[1]
    assert ambitions[6] == (
        "In 2024 is de internationaliseringsopgave is geïntegreerd binnen alle beleidsterreinen"
    )


def test_twenty_three_goals_per_spearhead(plan):
    assert Goal.objects.count() == 23
    counts = [Goal.objects.filter(spearhead__number=n).count() for n in range(1, 7)]
    assert counts == [5, 3, 4, 5, 4, 2]
    for spearhead in plan.spearheads.all():
        numbers = list(spearhead.goals.values_list("number", flat=True))
        assert numbers == list(range(1, len(numbers) + 1))


def test_goal_texts_verbatim(plan):
    def text(code):
        return Goal.objects.get_by_code(code, plan=plan).text

    assert text("1.3") == "Meer ontmoeting tussen internationale en niet-internationale Leidenaren"
    assert text("6.2") == "Beter inbedding van internationalisering in gemeentelijk beleid"
    assert text("4.3") == (
        "Beter positie van internationale studenten op de markt voor studentenhuysvesting"
    )
    assert text("5.4") == "Meer samenwerking tussen gemeente en expat centre"


def test_exactly_the_five_priority_efforts(plan):
    priorities = Effort.objects.priority()
    assert priorities.count() == 5
    assert effort_codes(priorities) == PRIORITY_CODES
    assert not priorities.filter(in_line=True).exists()


def test_table_efforts_exist_by_code(plan):
    assert effort_codes(Effort.objects.all()) >= TABLE_EFFORTS


def test_efforts_named_outside_the_table_exist(plan):
    assert Effort.objects.filter(title__contains="European City of Science").exists()
    assert Effort.objects.filter(title__contains="Monitor Internationalisering").exists()
    ecs = Effort.objects.get(title__contains="European City of Science")
    assert ecs.status == Effort.Status.ON_TRACK
    assert ecs.in_line


def test_every_effort_has_a_goal(plan):
    assert not Effort.objects.filter(goals__isnull=True).exists()


def test_target_groups_exact_names(plan):
    assert set(TargetGroup.objects.values_list("name", flat=True)) == TARGET_GROUPS


def test_non_dutch_residents_2020(plan):
    indicator = Indicator.objects.get(name="Inwoners met een niet-Nederlandse nationaliteit")
    assert indicator.values.get(year=2020).value == 14500
    assert indicator.values.get(year=2009).value == 10058
    share = IndicatorValue.objects.get(
        indicator__name="Aandeel inwoners met een niet-Nederlandse nationaliteit", year=2020
    )
    assert share.value == Decimal("11.6")
    assert share.indicator.unit == "%"


def test_an_effort_contributes_to_another_spearheads_goal(plan):
    efforts = Effort.objects.prefetch_related("goals")
    assert any(
        goal.spearhead_id != effort.spearhead_id
        for effort in efforts
        for goal in effort.goals.all()
    )


def test_team_economie_owns_at_least_two_efforts(plan):
    assert Team.objects.get(name="Economie").efforts.count() >= 2
    assert Team.objects.filter(name="Kennis & Internationalisering").exists()
    assert not Team.objects.filter(efforts__isnull=True).exists()


def test_effort_values_are_valid(plan):
    statuses = set(Effort.Status.values)
    financing = set(Effort.Financing.values)
    for effort in Effort.objects.all():
        assert effort.status in statuses
        assert effort.financing in financing
        assert 0 <= effort.progress <= 100
        assert effort.lead is None
        if effort.start and effort.end:
            assert effort.end >= effort.start
