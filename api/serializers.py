"""The API's shapes. Every serializer names its fields (a whitelist): nothing appears that is
not listed here. The public ones describe the dicts of api.selectors; the others read the
plan as it stands now."""

from django.urls import reverse
from rest_framework import serializers

from plan.models import Effort, Goal, PlanYear, ProgressUpdate, Spearhead


def _absolute(request, url: str) -> str:
    return request.build_absolute_uri(url) if request is not None else url


# --- public: adopted years ---------------------------------------------------------------------


class PlainDataSerializer(serializers.Serializer):
    """For the dicts of api.selectors, whose values are plain JSON already: copies exactly the
    declared fields (the whitelist), without DRF's conversion field by field, which cost more
    than the rest of a request for a long list. The declarations describe the schema."""

    def to_representation(self, instance):
        return {name: instance[name] for name in self.fields}


class PublicYearSerializer(serializers.Serializer):
    year = serializers.IntegerField(help_text="The year of the plan update: its identifier.")
    state = serializers.ChoiceField(
        choices=[
            s
            for s in PlanYear.State.choices
            if s[0] in (PlanYear.State.ADOPTED, PlanYear.State.SENT_TO_COUNCIL)
        ]
    )
    adopted = serializers.DateTimeField(allow_null=True)
    sent_to_council_on = serializers.DateField(allow_null=True)
    plan_title = serializers.CharField()
    plan_title_en = serializers.CharField(allow_blank=True)
    report_sha256 = serializers.CharField(
        allow_null=True, help_text="SHA-256 (hex) of the adopted annual report's PDF."
    )
    links = serializers.SerializerMethodField()

    def get_links(self, data) -> dict[str, str]:
        request = self.context.get("request")
        year = data["year"]
        names = {
            "self": "api:public-year-detail",
            "spearheads": "api:public-spearhead-list",
            "goals": "api:public-goal-list",
            "efforts": "api:public-effort-list",
            "monitor": "api:public-monitor-list",
            "report_pdf": "api:public-report-pdf",
            "csv": "api:public-year-csv",
            "json": "api:public-year-json",
        }
        return {key: _absolute(request, reverse(name, args=[year])) for key, name in names.items()}


class PublicGoalSerializer(PlainDataSerializer):
    code = serializers.CharField(help_text='"S.N": spearhead and goal number; the identifier.')
    spearhead = serializers.IntegerField(help_text="The spearhead's number.")
    text = serializers.CharField()
    text_en = serializers.CharField(allow_blank=True)


class PublicSpearheadSerializer(PlainDataSerializer):
    number = serializers.IntegerField(help_text="1-6: the identifier.")
    name = serializers.CharField()
    name_en = serializers.CharField(allow_blank=True)
    ambition = serializers.CharField()
    ambition_en = serializers.CharField(allow_blank=True)
    introduction = serializers.CharField(
        allow_blank=True, help_text="What was achieved and learned in the year (limited HTML)."
    )
    introduction_en = serializers.CharField(allow_blank=True)
    goals = PublicGoalSerializer(many=True)


class PublicEffortSerializer(PlainDataSerializer):
    code = serializers.CharField(help_text='"S.N": spearhead and effort number; the identifier.')
    spearhead = serializers.IntegerField()
    title = serializers.CharField()
    title_en = serializers.CharField(allow_blank=True)
    description = serializers.CharField(allow_blank=True)
    description_en = serializers.CharField(allow_blank=True)
    goals = serializers.ListField(child=serializers.CharField(), help_text="Goal codes.")
    team = serializers.CharField(help_text="The responsible department or team.")
    partners = serializers.ListField(child=serializers.CharField())
    target_groups = serializers.ListField(child=serializers.CharField())
    is_priority = serializers.BooleanField()
    in_line = serializers.BooleanField(help_text="Carried by the line organisation.")
    status = serializers.ChoiceField(choices=Effort.Status.choices)
    progress = serializers.IntegerField(min_value=0, max_value=100)
    start = serializers.DateField(allow_null=True)
    end = serializers.DateField(allow_null=True)


class PublicMonitorValueSerializer(PlainDataSerializer):
    indicator = serializers.CharField()
    year = serializers.IntegerField()
    value = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=True)
    unit = serializers.CharField(allow_blank=True)
    source = serializers.CharField(allow_blank=True)


class PublicPlanSerializer(serializers.Serializer):
    title = serializers.CharField()
    title_en = serializers.CharField(allow_blank=True)
    ambition = serializers.CharField()
    ambition_en = serializers.CharField(allow_blank=True)
    start_year = serializers.IntegerField()
    end_year = serializers.IntegerField()


class PublicYearDetailSerializer(PublicYearSerializer):
    plan = PublicPlanSerializer()
    foreword = serializers.CharField(allow_blank=True, help_text="Limited HTML.")
    foreword_en = serializers.CharField(allow_blank=True)
    outlook = serializers.CharField(allow_blank=True, help_text="Limited HTML.")
    outlook_en = serializers.CharField(allow_blank=True)
    spearheads = PublicSpearheadSerializer(many=True)


class PublicPlanDocumentSerializer(PublicYearDetailSerializer):
    """The JSON download: the whole adopted year in one document."""

    efforts = PublicEffortSerializer(many=True)
    monitor = PublicMonitorValueSerializer(many=True)


# --- with a token: the plan as it stands now -------------------------------------------------


class SpearheadRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Spearhead
        fields = ["id", "number", "name", "name_en"]


class GoalRefSerializer(serializers.ModelSerializer):
    code = serializers.CharField(read_only=True)

    class Meta:
        model = Goal
        fields = ["id", "code"]


class GoalSerializer(serializers.ModelSerializer):
    code = serializers.CharField(read_only=True)

    class Meta:
        model = Goal
        fields = ["id", "code", "text", "text_en"]


class SpearheadSerializer(serializers.ModelSerializer):
    goals = GoalSerializer(many=True, read_only=True)

    class Meta:
        model = Spearhead
        fields = ["id", "number", "name", "name_en", "ambition", "ambition_en", "goals"]


class TeamRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class EffortSerializer(serializers.ModelSerializer):
    """An effort as its page shows it."""

    code = serializers.CharField(read_only=True, help_text='"S.N", unique in its plan.')
    url = serializers.SerializerMethodField()
    page_url = serializers.SerializerMethodField(help_text="Its page in the portal.")
    spearhead = SpearheadRefSerializer(read_only=True)
    goals = GoalRefSerializer(many=True, read_only=True)
    team = TeamRefSerializer(read_only=True)
    lead = serializers.SerializerMethodField()
    partners = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    target_groups = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)

    class Meta:
        model = Effort
        fields = [
            "id",
            "code",
            "url",
            "page_url",
            "spearhead",
            "title",
            "title_en",
            "description",
            "description_en",
            "goals",
            "team",
            "lead",
            "partners",
            "target_groups",
            "international_role",
            "policy_relation",
            "financing",
            "is_priority",
            "in_line",
            "status",
            "progress",
            "start",
            "end",
            "note",
            "version",
            "updated",
        ]

    def to_representation(self, effort):
        """The declared fields, written out: DRF's nested serializers and conversions field by
        field took most of a list's time (tests/api/test_live.py compares the two). The links
        come from api.selectors.efforts_link."""
        spearhead, team = effort.spearhead, effort.team
        return {
            "id": effort.pk,
            "code": f"{spearhead.number}.{effort.number}",
            "url": self.get_url(effort),
            "page_url": self.get_page_url(effort),
            "spearhead": {
                "id": spearhead.pk,
                "number": spearhead.number,
                "name": spearhead.name,
                "name_en": spearhead.name_en,
            },
            "title": effort.title,
            "title_en": effort.title_en,
            "description": effort.description,
            "description_en": effort.description_en,
            "goals": effort.goal_refs,
            "team": {"id": team.pk, "name": team.name},
            "lead": self.get_lead(effort),
            "partners": effort.partner_names,
            "target_groups": effort.target_group_names,
            "international_role": effort.international_role,
            "policy_relation": effort.policy_relation,
            "financing": effort.financing,
            "is_priority": effort.is_priority,
            "in_line": effort.in_line,
            "status": effort.status,
            "progress": effort.progress,
            "start": effort.start.isoformat() if effort.start else None,
            "end": effort.end.isoformat() if effort.end else None,
            "note": effort.note,
            "version": effort.version,
            "updated": self.fields["updated"].to_representation(effort.updated),
        }

    def get_url(self, effort) -> str:
        return _absolute(
            self.context.get("request"), reverse("api:effort-detail", args=[effort.pk])
        )

    def get_page_url(self, effort) -> str:
        return _absolute(self.context.get("request"), effort.get_absolute_url())

    def get_lead(self, effort) -> str | None:
        lead = effort.lead
        return (lead.get_full_name() or lead.get_username()) if lead else None


class SteeringRoundRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    meeting_date = serializers.DateField()
    state = serializers.CharField()


class EffortRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()


class ProgressUpdateSerializer(serializers.ModelSerializer):
    """A progress update as the effort's page shows it."""

    effort = EffortRefSerializer(read_only=True)
    steering_round = SteeringRoundRefSerializer(read_only=True)
    author = serializers.SerializerMethodField()

    class Meta:
        model = ProgressUpdate
        fields = [
            "id",
            "effort",
            "steering_round",
            "author",
            "status",
            "progress",
            "note",
            "next_steps",
            "risks",
            "created",
            "updated",
        ]

    def to_representation(self, update):
        """The declared fields, written out (as EffortSerializer's)."""
        effort, steering_round = update.effort, update.steering_round
        return {
            "id": update.pk,
            "effort": {"id": effort.pk, "code": f"{effort.spearhead.number}.{effort.number}"},
            "steering_round": {
                "id": steering_round.pk,
                "meeting_date": steering_round.meeting_date.isoformat(),
                "state": steering_round.state,
            },
            "author": self.get_author(update),
            "status": update.status,
            "progress": update.progress,
            "note": update.note,
            "next_steps": update.next_steps,
            "risks": update.risks,
            "created": self.fields["created"].to_representation(update.created),
            "updated": self.fields["updated"].to_representation(update.updated),
        }

    def get_author(self, update) -> str | None:
        author = update.author
        return (author.get_full_name() or author.get_username()) if author else None
