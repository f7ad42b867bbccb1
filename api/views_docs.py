"""The OpenAPI schema and Swagger UI, from our own static files (drf-spectacular-sidecar).

The split view serves Swagger UI's start-up script as a file of its own (`?script`), so the
page needs no inline script and the Content-Security-Policy stays as strict as elsewhere."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView


class SchemaView(SpectacularAPIView):
    """The OpenAPI 3 schema: YAML, or JSON with `?format=json`."""


class DocsView(SpectacularSwaggerSplitView):
    template_name = "api/docs.html"
    url_name = "api:schema"
    title = _("API documentation")
