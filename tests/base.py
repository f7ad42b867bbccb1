"""Shared test data: a small plan and the three actors of STYLE.md section 9."""

from datetime import date
from html.parser import HTMLParser

from django.contrib.auth.models import Group, User
from django.test import TestCase

from plan.models import Effort, Goal, Partner, Plan, Spearhead, TargetGroup, Team
from plan.roles import Role


def cache_clear() -> None:
    """Empty the cache. In Redis only the keys of this test run go (its KEY_PREFIX, set in
    tests/conftest.py), not those of another run using the same database."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    cache = caches["default"]
    if isinstance(cache, RedisCache):
        client = cache._cache.get_client(write=True)
        keys = list(client.scan_iter(match=f"{cache.key_prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
    else:
        cache.clear()


def make_user(username: str, *, role: Role, teams=(), **extra) -> User:
    user = User.objects.create_user(username, password=f"pw-{username}-123", **extra)
    user.groups.add(Group.objects.get(name=role))
    for team in teams:
        team.members.add(user)
    return user


class BaseTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.plan = Plan.objects.create(
            title="Meerjarenplan test",
            start_year=2021,
            end_year=2024,
            ambition="Samen",
            state=Plan.State.SENT_TO_COUNCIL,
        )
        cls.integration = Spearhead.objects.create(
            plan=cls.plan, number=1, name="Integratie & Ontmoeting", ambition="Inclusief"
        )
        cls.economy = Spearhead.objects.create(
            plan=cls.plan, number=3, name="Kennis & Economie", ambition="Vestigingsklimaat"
        )
        cls.meeting_goal = Goal.objects.create(
            spearhead=cls.integration, number=3, text="Meer ontmoeting"
        )
        cls.city_goal = Goal.objects.create(
            spearhead=cls.economy, number=1, text="Leiden als kennisstad"
        )
        cls.team_k = Team.objects.create(name="Kennis & Internationalisering")
        cls.team_w = Team.objects.create(name="Wonen")
        cls.students = TargetGroup.objects.create(name="Internationale studenten")
        cls.workers = TargetGroup.objects.create(name="Kenniswerkers")
        cls.university = Partner.objects.create(name="Universiteit Leiden")

        cls.effort = Effort.objects.create(
            spearhead=cls.economy,
            number=1,
            title="Doorontwikkeling Expat Centre",
            team=cls.team_k,
            status=Effort.Status.ON_TRACK,
            progress=40,
            is_priority=True,
            start=date(2022, 1, 1),
            end=date(2024, 12, 31),
        )
        cls.effort.goals.set([cls.city_goal, cls.meeting_goal])
        cls.effort.target_groups.set([cls.workers])
        cls.effort.partners.set([cls.university])
        cls.other_effort = Effort.objects.create(
            spearhead=cls.integration,
            number=1,
            title="Huurteam voor internationals",
            description="Huurteam met internationals als aandachtsgroep",
            team=cls.team_w,
            status=Effort.Status.DELAYED,
            progress=10,
            in_line=True,
        )
        cls.other_effort.goals.set([cls.meeting_goal])
        cls.other_effort.target_groups.set([cls.students])

        cls.alice = make_user("alice", role=Role.STEERING_GROUP, teams=[cls.team_k])
        cls.bob = make_user("bob", role=Role.PROGRAMME_MANAGER, is_staff=True)
        cls.charlie = make_user("charlie", role=Role.STEERING_GROUP, teams=[cls.team_w])
        cls.wethouder = make_user("fatima", role=Role.ALDERMAN)

    def add_efforts(self, count: int, *, spearhead=None, team=None) -> None:
        """More efforts of the same shape, to show that query counts do not grow."""
        spearhead = spearhead or self.economy
        start = spearhead.efforts.count() + 1
        for number in range(start, start + count):
            effort = Effort.objects.create(
                spearhead=spearhead,
                number=number,
                title=f"Extra inspanning {number}",
                team=team or self.team_w,
                lead=self.charlie,
            )
            effort.goals.set([self.city_goal, self.meeting_goal])
            effort.partners.set([self.university])
            effort.target_groups.set([self.students])


class RoundTestCase(BaseTestCase):
    """The base data with an open update round for both efforts."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        from plan.services import steering_round_open

        cls.alice.email = "alice@example.org"
        cls.alice.save()
        cls.charlie.email = "charlie@example.org"
        cls.charlie.save()
        cls.round = steering_round_open(
            meeting_date=date(2023, 3, 15), deadline=date(2023, 3, 1), opened_by=cls.bob
        )


def monitor_with_targets(*, goal):
    """The real plan's share of non-Dutch residents made a figure with a desired direction,
    a goal it informs, a target and a comparison figure in 2021 (below the target: off
    track). Returns (indicator, that value)."""
    from plan.models import Indicator

    indicator = Indicator.objects.get(
        name="Aandeel inwoners met een niet-Nederlandse nationaliteit"
    )
    indicator.direction = Indicator.Direction.UP
    indicator.comparison_label = "G4-gemiddelde"
    indicator.save()
    indicator.goals.add(goal)
    value = indicator.values.get(year=2021)
    value.target, value.comparison = 12, 13.4
    value.save()
    return indicator, value


class FormPage(HTMLParser):
    """What a person (or a screen reader) gets from a page's post form: its controls with
    their attributes, the label of each id, the legend of each checkbox group, and the text
    of every element with an id (errors, help texts)."""

    VOID = {"input", "br", "img", "hr", "meta", "link"}

    def __init__(self, content: bytes | str):
        super().__init__()
        self.controls = []  # dicts: tag, attrs, text, legend, within (ids of the ancestors)
        self.labels = {}  # the id a label is for -> its text
        self.texts = {}  # id -> text of the element
        self._open = []  # [tag, attrs, text parts]
        self._legend = None
        self._in_form = False
        html = content.decode() if isinstance(content, bytes) else content
        start = html.index('<form method="post"', html.index("<main"))
        self.feed(html[start : html.index("</form>", start) + len("</form>")])

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        element = [tag, attrs, []]
        if tag == "fieldset":
            self._legend = None
        if tag in ("input", "select", "textarea", "option"):
            within = [e[1]["id"] for e in self._open if e[1].get("id")]
            self.controls.append(
                {"tag": tag, "attrs": attrs, "legend": self._legend, "within": within}
            )
            element.append(self.controls[-1])
        if tag not in self.VOID:
            self._open.append(element)

    def handle_data(self, data):
        for element in self._open:
            element[2].append(data)

    def handle_endtag(self, tag):
        while self._open:
            open_tag, attrs, parts, *control = self._open.pop()
            text = " ".join("".join(parts).split())
            if open_tag == "label" and "for" in attrs:
                self.labels[attrs["for"]] = text
            if open_tag == "legend":
                self._legend = text
            if "id" in attrs:
                self.texts[attrs["id"]] = text
            if control:
                control[0]["text"] = text
            if open_tag == tag:
                break

    def named(self, name: str) -> list[dict]:
        return [c for c in self.controls if c["attrs"].get("name") == name]

    def options(self, name: str) -> list[dict]:
        """The options of select `name`."""
        select = self.named(name)[0]["attrs"]["id"]
        return [c for c in self.controls if c["tag"] == "option" and select in c["within"]]
