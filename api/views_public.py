"""Public endpoints, without login: the plan as adopted, year by year (api.selectors)."""

import base64
import csv
import io
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import GenericAPIView, ListAPIView, RetrieveAPIView
from rest_framework.permissions import AllowAny

from plan.models import Effort

from . import selectors
from .negotiation import FirstRenderer
from .serializers import (
    PublicEffortSerializer,
    PublicGoalSerializer,
    PublicMonitorValueSerializer,
    PublicPlanDocumentSerializer,
    PublicSpearheadSerializer,
    PublicYearDetailSerializer,
    PublicYearSerializer,
)

PUBLIC_MAX_AGE = 300  # seconds a browser or proxy may keep an answer: adopted data never changes


class PublicView(GenericAPIView):
    """No authentication (a session or token changes nothing here), reading only (every view
    has GET only), the anonymous rate limit per client address."""

    authentication_classes = []
    permission_classes = [AllowAny]
    filter_backends = []

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code == 200:
            patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
        return response

    def snapshot(self) -> dict:
        return selectors.adopted_year(self.kwargs["year"]).snapshot


class PublicYearList(PublicView, ListAPIView):
    """The adopted years, newest first."""

    serializer_class = PublicYearSerializer

    def get_queryset(self):
        return selectors.adopted_years()

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())  # only the page's rows are read
        rows = [selectors.public_year(plan_year) for plan_year in page]
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)


class PublicYearDetail(PublicView, RetrieveAPIView):
    """One adopted year: the plan, its texts and its spearheads with their goals."""

    serializer_class = PublicYearDetailSerializer

    def get_object(self):
        return selectors.public_plan(selectors.adopted_year(self.kwargs["year"]))


class PublicSpearheadList(PublicView, ListAPIView):
    """The spearheads as adopted, with their goals and the year's introduction."""

    serializer_class = PublicSpearheadSerializer

    def get_queryset(self):
        return selectors.public_spearheads(self.snapshot())


class PublicGoalList(PublicView, ListAPIView):
    """The goals as adopted, in code order."""

    serializer_class = PublicGoalSerializer

    def get_queryset(self):
        return selectors.public_goals(self.snapshot())


class PublicEffortFilter(serializers.Serializer):
    """The filters of the adopted efforts (bad values are refused with a 400 naming them)."""

    spearhead = serializers.IntegerField(required=False, min_value=1)
    goal = serializers.RegexField(r"^\d+\.\d+$", required=False, help_text='A goal code, "S.N".')
    status = serializers.ChoiceField(choices=Effort.Status.choices, required=False)
    is_priority = serializers.BooleanField(required=False, allow_null=True, default=None)
    in_line = serializers.BooleanField(required=False, allow_null=True, default=None)

    def apply(self, efforts: list[dict]) -> list[dict]:
        wanted = self.validated_data
        if "spearhead" in wanted:
            efforts = [e for e in efforts if e["spearhead"] == wanted["spearhead"]]
        if "goal" in wanted:
            efforts = [e for e in efforts if wanted["goal"] in e["goals"]]
        if "status" in wanted:
            efforts = [e for e in efforts if e["status"] == wanted["status"]]
        for flag in ("is_priority", "in_line"):
            if wanted.get(flag) is not None:
                efforts = [e for e in efforts if e[flag] == wanted[flag]]
        return efforts


@extend_schema(parameters=[PublicEffortFilter])
class PublicEffortList(PublicView, ListAPIView):
    """The efforts as adopted, in code order."""

    serializer_class = PublicEffortSerializer

    def get_queryset(self):
        filters = PublicEffortFilter(data=self.request.query_params)
        if not filters.is_valid():
            raise ValidationError(filters.errors)
        return filters.apply(selectors.public_efforts(self.snapshot()))


@extend_schema(
    parameters=[OpenApiParameter("code", str, OpenApiParameter.PATH, description='"S.N"')]
)
class PublicEffortDetail(PublicView, RetrieveAPIView):
    """One effort as adopted, by its code."""

    serializer_class = PublicEffortSerializer

    def get_object(self):
        code = self.kwargs["code"]
        effort = next(
            (e for e in selectors.public_efforts(self.snapshot()) if e["code"] == code), None
        )
        if effort is None:
            raise NotFound(_("No effort with that code in the adopted year."))
        return effort


class PublicMonitorList(PublicView, ListAPIView):
    """The Monitor Internationalisering's values up to the year, as the report adopted them."""

    serializer_class = PublicMonitorValueSerializer

    def get_queryset(self):
        return selectors.public_monitor(self.snapshot())


class PublicReportPdf(PublicView):
    """The annual report as adopted, byte for byte. Its SHA-256 is the ETag and the Digest;
    a request with a matching If-None-Match is answered 304 without the file."""

    content_negotiation_class = FirstRenderer

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY),
            304: OpenApiResponse(description="Not modified: the ETag matched."),
            404: OpenApiResponse(description="No adopted year or no report for it."),
        }
    )
    def get(self, request, year):
        sha256 = (
            selectors.adopted_years().filter(year=year).values_list("report_sha256", flat=True)
        ).first()
        if not sha256:
            raise NotFound(_("No adopted report for that year."))
        etag = f'"{sha256}"'
        if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
            response = HttpResponseNotModified()
            response["ETag"] = etag
            return response
        pdf = bytes(selectors.adopted_year(year, with_pdf=True).report_pdf or b"")
        response = HttpResponse(pdf, content_type="application/pdf")
        response["ETag"] = etag
        digest = base64.b64encode(bytes.fromhex(sha256)).decode()
        response["Digest"] = f"sha-256={digest}"  # RFC 3230
        response["Repr-Digest"] = f"sha-256=:{digest}:"  # RFC 9530
        response["Content-Disposition"] = (
            f'inline; filename="jaarrapportage-internationalisering-{year}.pdf"'
        )
        return response


CSV_COLUMNS = [
    "code",
    "spearhead",
    "title",
    "title_en",
    "description",
    "description_en",
    "goals",
    "team",
    "partners",
    "target_groups",
    "is_priority",
    "in_line",
    "status",
    "progress",
    "start",
    "end",
]


class PublicPlanCsv(PublicView):
    """The adopted efforts as CSV (UTF-8, comma-separated, a header row of the field names
    of the efforts endpoint; lists joined with "; "). Without a year: the latest adopted."""

    content_negotiation_class = FirstRenderer
    serializer_class = PublicEffortSerializer

    @extend_schema(responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR)})
    def get(self, request, year=None):
        plan_year = selectors.adopted_year(year)
        rows = self.get_serializer(selectors.public_efforts(plan_year.snapshot), many=True).data
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(CSV_COLUMNS)
        for row in rows:
            writer.writerow([_csv_cell(row[column]) for column in CSV_COLUMNS])
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="meerjarenplan-internationalisering-{plan_year.year}.csv"'
        )
        return response


def _csv_cell(value) -> str:
    if isinstance(value, list):
        return "; ".join(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


class PublicPlanJson(PublicView):
    """The whole adopted year as one JSON document: the plan, spearheads with goals, efforts
    and Monitor values. Without a year: the latest adopted."""

    content_negotiation_class = FirstRenderer
    serializer_class = PublicPlanDocumentSerializer

    def get(self, request, year=None):
        plan_year = selectors.adopted_year(year)
        data = self.get_serializer(selectors.public_plan(plan_year)).data
        response = HttpResponse(
            json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="meerjarenplan-internationalisering-{plan_year.year}.json"'
        )
        return response
