"""Importing the plan from a spreadsheet: upload -> preview -> confirm (programme manager).

Between the steps the file waits in the file storage's imports/; the session holds its name, its
hash and the fingerprint of the preview that was shown, so the confirmation writes exactly
what the preview showed, or refuses. The workbook is parsed once, at the first preview; its
sheets are kept beside it for reloads and the confirmation.
"""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import periods, services
from ..forms import ImportUploadForm
from ..spreadsheet import importer, uploads
from ..spreadsheet.files import FileRefused

IMPORT_PERMISSIONS = ("plan.add_effort", "plan.change_effort")
SESSION_KEY = "plan_import"
programme_manager_only = permission_required(IMPORT_PERMISSIONS, raise_exception=True)


@programme_manager_only
def import_upload(request):
    """Upload a workbook for the plan shown (`?plan=`, else the current one); a closed plan
    refuses (403, saying so)."""
    plan = periods.plan_for_request(request)
    services.ensure_plan_open(plan)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        _forget(request)
        pending = uploads.upload_save(data=form.cleaned_data["file"])
        pending["filename"] = request.FILES["file"].name
        pending["plan"] = plan.slug if plan else None
        request.session[SESSION_KEY] = pending
        return redirect("plan:import-preview")
    return render(request, "plan/import_upload.html", {"form": form, "plan": plan})


def _pending_plan(request, pending: dict | None):
    """The plan the pending upload is for (the current plan for an upload kept from before
    plans had names in the session; None when its plan is gone); a closed plan refuses (403,
    saying so)."""
    plans = periods.plans_all(request)
    slug = (pending or {}).get("plan")
    plan = next((p for p in plans if p.slug == slug), None) if slug else periods.current_of(plans)
    if plan is not None:
        periods.plan_viewed(request, plan)
        services.ensure_plan_open(plan)
    return plan


@programme_manager_only
def import_preview(request):
    pending = request.session.get(SESSION_KEY)
    plan = _pending_plan(request, pending)
    if pending is None or plan is None:
        if plan is None:
            messages.error(request, _("There is no plan to import into."))
        return redirect("plan:import-upload")
    try:
        preview = importer.import_preview(file=_sheets(request, pending), plan=plan)
    except (uploads.UploadMissing, FileRefused) as error:
        return _start_again(request, error)
    request.session[SESSION_KEY] = {**pending, "fingerprint": preview.fingerprint}
    context = {"preview": preview, "counts": preview.counts, "filename": pending["filename"]}
    return render(request, "plan/import_preview.html", context)


@require_POST
@programme_manager_only
def import_confirm(request):
    pending = request.session.get(SESSION_KEY)
    plan = _pending_plan(request, pending)
    if pending is None or plan is None or "fingerprint" not in pending:
        return redirect("plan:import-preview")
    try:
        sheets = _sheets(request, pending)
        result = importer.import_apply(
            file=sheets, plan=plan, user=request.user, expected=pending["fingerprint"]
        )
    except (uploads.UploadMissing, FileRefused) as error:
        return _start_again(request, error)
    except importer.ImportHasErrors:
        messages.error(request, _("The file has errors; nothing was imported."))
        return redirect("plan:import-preview")
    except importer.ImportOutdated:
        messages.warning(request, _("The plan changed after the preview. Check it again."))
        return redirect("plan:import-preview")
    _forget(request)
    for summary in _import_summary(result):
        messages.success(request, summary)
    query = periods.plan_query(plan, periods.plan_current_for(request))
    return redirect(reverse("plan:effort-list") + (f"?{query}" if query else ""))


def _sheets(request, pending: dict):
    """The sheets of the pending upload, parsed from the workbook the first time only."""
    if "sheets" in pending:
        return uploads.upload_sheets_open(name=pending["name"], sha256=pending["sheets"])
    file = uploads.upload_open(name=pending["name"], sha256=pending["sha256"])
    sheets = importer.import_read(file=file)
    pending["sheets"] = uploads.upload_sheets_save(name=pending["name"], sheets=sheets)
    request.session[SESSION_KEY] = pending
    return sheets


def _forget(request) -> None:
    pending = request.session.pop(SESSION_KEY, None)
    if pending:
        uploads.upload_delete(name=pending.get("name", ""))


def _start_again(request, error: Exception):
    _forget(request)
    if isinstance(error, FileRefused):
        messages.error(request, error.message)
    else:
        messages.error(request, _("The uploaded file is no longer available; upload it again."))
    return redirect("plan:import-upload")


def _import_summary(result: importer.ImportPreview) -> list[str]:
    summary = [
        _(
            "Import done. Efforts created: %(created)s, changed: %(changed)s, "
            "unchanged: %(unchanged)s."
        )
        % {
            "created": len(result.created),
            "changed": len(result.changed),
            "unchanged": len(result.unchanged),
        }
    ]
    if result.monitor_rows_read is not None:
        summary.append(
            _("Monitor values created: %(created)s, changed: %(changed)s.")
            % {"created": len(result.monitor_created), "changed": len(result.monitor_changed)}
        )
    return summary
