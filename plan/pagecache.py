"""Rendered pages cached under the version of the data they show.

Every save, delete and many-to-many change of a model of the plan or of users and groups
gives `ContentVersion` a new random token, inside the transaction of the change (signals
connected in `PlanConfig.ready`; the few bulk writes call `content_changed()` themselves). A
page is cached under that token with everything else it depends on: the path with its query,
the user, the language, the date, the CSRF cookie and the code. A change therefore shows at
once on every app server, a rolled-back change brings back the token its data had, and a
cached page is served with one extra query (the token) instead of the page's own.

Only the page's own blocks (title, extra head, content) are cached; the menu, messages and
the forms of the frame are rendered for every request as usual.
"""

import functools
import hashlib
import secrets
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

CACHE_SECONDS = 60 * 60  # entries of an older version are never read again; this frees them
TRACKED_APPS = ("plan", "auth")
PARTS = ("title", "extra_head", "body")
PARTS_TEMPLATE = "cached_parts.html"  # the page's blocks, joined by a separator


@functools.cache
def _tracked_models() -> frozenset:
    models = set()
    for label in TRACKED_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if not model.__name__.startswith("Historical"):  # written with their model
                models.add(model)
    models.discard(apps.get_model("plan", "ContentVersion"))
    return frozenset(models)


def content_changed(**_kwargs) -> None:
    """Give the data a new version token (in the current transaction)."""
    from .models import ContentVersion

    token = secrets.token_hex(16)
    if not ContentVersion.objects.filter(pk=1).update(token=token):
        ContentVersion.objects.update_or_create(pk=1, defaults={"token": token})


def on_model_change(sender, **kwargs) -> None:
    """Receiver of pre_save, pre_delete and m2m_changed for every model.

    Before the write, not after: the token's row is then locked before the changed row, in
    every writing transaction, so two of them never wait for each other's rows crosswise
    (a deadlock). Services that lock rows with select_for_update call `content_changed()`
    first for the same reason. A write that fails rolls the token back with it."""
    if sender in _tracked_models() and kwargs.get("action", "pre_").startswith("pre_"):
        content_changed()


def content_version() -> str:
    from .models import ContentVersion

    return ContentVersion.objects.filter(pk=1).values_list("token", flat=True).first() or "-"


@functools.cache
def code_version() -> str:
    """Changes with the templates (a deploy that shares its cache with the old version)."""
    digest = hashlib.sha256()
    for directory in settings.TEMPLATES[0]["DIRS"]:
        for path in sorted(Path(directory).rglob("*.html")):
            digest.update(path.read_bytes())
    return digest.hexdigest()


def cached_page(request, template_name: str, build_context):
    """Render `template_name` with the context `build_context()` returns, or serve the page's
    blocks from the cache. The template extends `base_template|default:"base.html"`.

    `build_context` must do all of the page's reading and checking (Http404,
    PermissionDenied): on a hit it is not called. Without a CSRF cookie yet the page is
    rendered uncached, since a cached form would carry another session's token."""
    csrf_cookie = request.COOKIES.get(settings.CSRF_COOKIE_NAME)
    if not csrf_cookie:
        return render(request, template_name, build_context())
    key_data = "\n".join(
        [
            request.get_full_path(),
            str(request.user.pk),
            translation.get_language(),
            timezone.localdate().isoformat(),
            csrf_cookie,
            content_version(),
            code_version(),
        ]
    )
    key = "page:" + hashlib.sha256(key_data.encode()).hexdigest()
    parts = cache.get(key)
    if parts is None:
        separator = secrets.token_hex(16)
        context = {**build_context(), "base_template": PARTS_TEMPLATE, "separator": separator}
        rendered = render_to_string(template_name, context, request)
        parts = dict(zip(PARTS, rendered.split(separator), strict=True))
        cache.set(key, parts, CACHE_SECONDS)
    # the parts were rendered (and escaped) by the template engine
    safe = {name: mark_safe(value) for name, value in parts.items()}  # noqa: S308
    return render(request, "cached_page.html", safe)
