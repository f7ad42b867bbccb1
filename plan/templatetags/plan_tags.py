from django import template
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext

from plan import content as plan_content
from plan.models import Effort
from plan.richtext import richtext_html

register = template.Library()


@register.filter
def status_label(code: str) -> str:
    """The translated label of a status code kept in a snapshot."""
    try:
        return Effort.Status(code).label
    except ValueError:
        return code


@register.filter(name="localized")
def localized_filter(source, field: str) -> str:
    """Plain text of a content field in the page's language (Dutch when there is no English
    version): for attributes and <title>, where no `lang` can be set."""
    return plan_content.localized_text(source, field)


@register.simple_tag
def content(source, field: str):
    """A content field in the page's language, escaped. Dutch text on an English page is
    wrapped in <span lang="nl"> so screen readers pronounce it as Dutch (WCAG 3.1.2)."""
    text, language = plan_content.localized(source, field)
    if language != translation.get_language():
        return format_html('<span lang="{}">{}</span>', language, text)
    return format_html("{}", text)


@register.simple_tag
def richtext(source, field: str):
    """Formatted text written in the portal (plan/richtext.py) in the page's language,
    sanitised, in a <div class="narrative">; Dutch text on an English page is marked
    lang="nl". Empty when there is no text."""
    if not source:
        return ""
    text, language = plan_content.localized(source, field)
    if not text:
        return ""
    lang = "" if language == translation.get_language() else format_html(' lang="{}"', language)
    return format_html('<div class="narrative"{}>{}</div>', lang, richtext_html(text))


@register.filter
def dutch(text):
    """Content that only exists in Dutch (team names, notes), marked as Dutch on a page in
    another language; on a Dutch page it is plain escaped text."""
    return plan_content.marked_dutch(text)


@register.simple_tag
def portal_url(view_name: str, *args) -> str:
    """The absolute address of a page, for e-mails: settings.PORTAL_URL and the path."""
    return settings.PORTAL_URL + reverse(view_name, args=args)


_PK = 2147483647  # a number no real row has: reversed once, then replaced per row


def _labels(**texts: str) -> dict[str, str]:
    """Translated labels for HTML written in Python, escaped once per page."""
    return {key: escape(text) for key, text in texts.items()}


def _url_maker(view_name: str):
    """f(pk) -> the page's path, with reverse() run once instead of once per row."""
    path = reverse(view_name, args=[_PK])
    return lambda pk: path.replace(str(_PK), str(pk))


@register.simple_tag
def goal_items(goals):
    """The items of a spearhead's goal list on the plan's overview (goals annotated with
    `effort_count`): code, linked text in the page's language (Dutch text marked on an
    English page) and the number of efforts. Written in Python: as template markup the
    overview's goals were most of its rendering."""
    goal_url = _url_maker("plan:goal-detail")
    items = []
    for goal in goals:
        text = content_html(goal, "text")
        count = goal.effort_count
        efforts = ngettext("%(counter)s effort", "%(counter)s efforts", count) % {"counter": count}
        items.append(
            f'<li><span class="goal-code">{goal.code}</span> <a href="{goal_url(goal.pk)}">'
            f'{text}</a> <span class="text-body-secondary">({escape(efforts)})</span></li>'
        )
    return mark_safe("\n".join(items))


@register.simple_tag
def effort_rows(efforts):
    """The rows of the effort table (plan/_effort_table.html) for plan.selectors.EffortLines,
    written in Python: in the template language the 50 rows of a page took most of the effort
    list's time. Each row
    shows number, title with its badges, team, goals and status with progress; the labels
    (data-label) let the table stack on a narrow screen."""
    page_language = translation.get_language()
    dutch_mark = "" if page_language == plan_content.CONTENT_LANGUAGE else ' lang="nl"'
    label = _labels(
        no=gettext("No."),
        effort=gettext("Effort"),
        team=gettext("Team"),
        goals=gettext("Goals"),
        status=gettext("Status"),
        priority=gettext("Priority"),
        in_line=gettext("In the line"),
        none=gettext("none"),
        late=gettext("Milestone overdue"),
    )
    effort_url = _url_maker("plan:effort-detail")
    goal_url = _url_maker("plan:goal-detail")

    def text(source, field):
        value, language = plan_content.localized(source, field)
        mark = f' lang="{language}"' if language != page_language else ""
        return (f"<span{mark}>{escape(value)}</span>" if mark else escape(value)), value

    rows = []
    for effort in efforts:
        title, _plain = text(effort, "title")
        badges = ""
        if effort.is_priority:
            badges += f' <span class="badge badge-priority">{label["priority"]}</span>'
        if effort.in_line:
            badges += f' <span class="badge badge-in-line">{label["in_line"]}</span>'
        goals = (
            ", ".join(
                f'<a href="{goal_url(goal.pk)}" class="goal-code" '
                f'title="{escape(plan_content.localized_text(goal, "text"))}">{goal.code}</a>'
                for goal in effort.goals
            )
            or f'<span class="text-body-secondary">{label["none"]}</span>'
        )
        team = escape(effort.team_name)
        late = ""
        if late_title := getattr(effort, "late_milestone", None):
            due = date_format(effort.late_milestone_due, "j F Y")
            late = (
                f'<div class="late-milestone">{label["late"]}: {escape(late_title)} ({due})</div>'
            )
        rows.append(
            "<tr>"
            f'<td class="effort-code" data-label="{label["no"]}">{effort.code}</td>'
            f'<td data-label="{label["effort"]}"><a href="{effort_url(effort.pk)}">{title}</a>'
            f"{badges}</td>"
            f'<td data-label="{label["team"]}">'
            f"{f'<span{dutch_mark}>{team}</span>' if dutch_mark else team}</td>"
            f'<td data-label="{label["goals"]}">{goals}</td>'
            f'<td data-label="{label["status"]}"><span class="status status-{effort.status}">'
            f"{escape(effort.get_status_display())}</span>"
            f'<div class="progress-line"><progress max="100" value="{effort.progress}" '
            f'aria-hidden="true"></progress> {effort.progress}%</div>{late}</td>'
            "</tr>"
        )
    return mark_safe("\n".join(rows))


def content_html(source, field: str) -> str:
    """What {% content %} writes, for tags that write their HTML in Python."""
    text, language = plan_content.localized(source, field)
    if language != translation.get_language():
        return f'<span lang="{language}">{escape(text)}</span>'
    return escape(text)


def _person(user) -> str:
    if user is None:
        return "–"
    return escape(user.get_full_name() or user.get_username())


@register.simple_tag
def round_updates(updates):
    """The updates of a round page (plan/round_detail.html), each an <article> under a heading
    per spearhead, written in Python: through the template language the 50 updates of a page
    were 76,000 function calls, most of a cold request at 10x."""
    effort_url = _url_maker("plan:effort-detail")
    review_url = _url_maker("plan:update-review")
    label = _labels(
        status=gettext("Status"),
        progress=gettext("Progress"),
        author=gettext("Submitted by"),
        note=gettext("Progress note"),
        next_steps=gettext("Next steps"),
        risks=gettext("Risks and issues"),
    )
    parts = []
    spearhead_id = None
    for update in updates:
        effort = update.effort
        if effort.spearhead_id != spearhead_id:
            spearhead_id = effort.spearhead_id
            heading = gettext("Spearhead %(number)s: %(name)s") % {
                "number": effort.spearhead.number,
                "name": content_html(effort.spearhead, "name"),
            }
            parts.append(f'<h3 class="h5 mt-4">{heading}</h3>')
        parts.append(
            f'<article class="round-update mb-3" aria-labelledby="update-{update.pk}">'
            f'<h4 class="h6" id="update-{update.pk}"><a href="{effort_url(effort.pk)}">'
            f'<span class="effort-code">{effort.code}</span> {content_html(effort, "title")}'
            "</a></h4>"
            f"{_review_line(update, review_url)}"
            '<dl class="effort-facts">'
            f'<dt>{label["status"]}</dt><dd><span class="status status-{update.status}">'
            f"{escape(update.get_status_display())}</span></dd>"
            f"<dt>{label['progress']}</dt><dd>{update.progress}%</dd>"
            f"<dt>{label['author']}</dt><dd>{_person(update.author)}</dd>"
            f'<dt>{label["note"]}</dt><dd class="prewrap">'
            f"{plan_content.marked_dutch(update.note)}</dd>"
            f'<dt>{label["next_steps"]}</dt><dd class="prewrap">'
            f"{plan_content.marked_dutch(update.next_steps) or '–'}</dd>"
            f'<dt>{label["risks"]}</dt><dd class="prewrap">'
            f"{plan_content.marked_dutch(update.risks) or '–'}</dd>"
            "</dl></article>"
        )
    return mark_safe("\n".join(parts))


def _review_line(update, review_url) -> str:
    """For an update not accepted (yet): its state (as plan/_review_state.html writes it) and
    the link to review it."""
    if update.is_accepted:
        return ""
    if update.state == "submitted":
        badge = f'<span class="badge text-bg-warning">{escape(gettext("Awaiting review"))}</span>'
    elif update.state == "returned":
        badge = (
            f'<span class="badge text-bg-danger">{escape(gettext("Returned to the lead"))}</span>'
        )
    else:
        badge = (
            f'<span class="badge text-bg-light border">{escape(update.get_state_display())}</span>'
        )
    review = escape(gettext("Review %(code)s") % {"code": update.effort.code})
    return f'<p class="mb-1">{badge} <a href="{review_url(update.pk)}">{review}</a></p>'


@register.simple_tag
def team_completeness_rows(teams):
    """The rows of the completeness page's table per team (a round of the synthetic plan at
    100x has 400 teams), written in Python: a team with updates missing links to its list."""
    rows = []
    marked_dutch = plan_content.dutch_marker()
    for row in teams:
        name = marked_dutch(row["team"].name)
        if row["missing"]:
            name = f'<a href="?team={row["team"].pk}#missing-heading">{name}</a>'
            missing = f"<strong>{row['missing']}</strong>"
        else:
            missing = "0"
        rows.append(
            f'<tr><th scope="row">{name}</th><td class="text-end">{row["accepted"]}</td>'
            f'<td class="text-end">{row["awaiting"]}</td><td class="text-end">{missing}</td></tr>'
        )
    return mark_safe("\n".join(rows))


@register.simple_tag
def missing_efforts(efforts):
    """The efforts still missing an update on the completeness page, a list per team, written
    in Python like the other long lists (plan/round_completeness.html)."""
    effort_url = _url_maker("plan:effort-detail")
    lead = escape(gettext("lead"))
    why = {  # what the round has of the effort: a returned update, a draft, or nothing
        "returned": escape(gettext("returned")),
        "concept": escape(gettext("draft only")),
    }
    missing = escape(gettext("missing"))
    parts = []
    team_id = None
    for effort in efforts:
        if effort.team_id != team_id:
            if team_id is not None:
                parts.append("</ul>")
            team_id = effort.team_id
            team = plan_content.marked_dutch(effort.team.name)
            parts.append(f'<h3 class="h6 mt-3">{team}</h3><ul class="completeness">')
        who = (
            f' <span class="text-body-secondary">– {lead}: {_person(effort.lead)}</span>'
            if effort.lead
            else ""
        )
        parts.append(
            f'<li><span class="missing">! {why.get(getattr(effort, "update_state", None), missing)}'
            f'</span> <a href="{effort_url(effort.pk)}">'
            f'<span class="effort-code">{effort.code}</span> {content_html(effort, "title")}</a>'
            f"{who}</li>"
        )
    if parts:
        parts.append("</ul>")
    return mark_safe("\n".join(parts))


@register.simple_tag
def adopted_effort_rows(efforts):
    """The rows of an adopted year's table of efforts (plan/year_detail.html), from the
    snapshot's plain dicts, written in Python like the other effort tables."""
    label = _labels(
        no=gettext("No."),
        effort=gettext("Effort"),
        team=gettext("Team"),
        goals=gettext("Goals"),
        status=gettext("Status"),
        priority=gettext("Priority"),
    )
    rows = []
    for effort in efforts:
        badge = (
            f' <span class="badge badge-priority">{label["priority"]}</span>'
            if effort.get("is_priority")
            else ""
        )
        note = effort.get("note")
        note = (
            f'<br><span class="text-body-secondary">{plan_content.marked_dutch(note)}</span>'
            if note
            else ""
        )
        rows.append(
            "<tr>"
            f'<td class="effort-code" data-label="{label["no"]}">{escape(effort["code"])}</td>'
            f'<td data-label="{label["effort"]}">{content_html(effort, "title")}{badge}{note}</td>'
            f'<td data-label="{label["team"]}">{plan_content.marked_dutch(effort["team"])}</td>'
            f'<td data-label="{label["goals"]}">{escape(", ".join(effort["goals"]))}</td>'
            f'<td data-label="{label["status"]}"><span class="status status-{effort["status"]}">'
            f"{escape(status_label(effort['status']))}</span> {effort['progress']}%</td>"
            "</tr>"
        )
    return mark_safe("\n".join(rows))


@register.simple_tag
def awaiting_review_rows(updates, *, user_pk: int, can_review: bool):
    """The list items of the updates awaiting review on the completeness page, written in
    Python (a page holds 50): a checkbox to accept each (not on the reviewer's own update),
    status and progress, the author, and the link to review it."""
    review_url = _url_maker("plan:update-review")
    own_text = escape(gettext("your own: another reviewer decides"))
    items = []
    for update in updates:
        effort = update.effort
        name = f'<span class="effort-code">{effort.code}</span> {content_html(effort, "title")}'
        if can_review and update.author_id != user_pk:
            name = (
                f'<input class="form-check-input me-1" type="checkbox" name="update" '
                f'value="{update.pk}" id="update-{update.pk}"> '
                f'<label class="form-check-label" for="update-{update.pk}">{name}</label>'
            )
        own = f" ({own_text})" if update.author_id == user_pk else ""
        review = escape(gettext("Review %(code)s") % {"code": effort.code})
        items.append(
            f'<li class="mb-2">{name} <span class="status status-{update.status}">'
            f"{escape(update.get_status_display())}</span> {update.progress}% "
            f'<span class="text-body-secondary">– {_person(update.author)}{own}</span> '
            f'<a href="{review_url(update.pk)}">{review}</a></li>'
        )
    return mark_safe("\n".join(items))


@register.simple_tag
def accept_preview_rows(updates):
    """The table rows of the bulk accept's preview (up to every update awaiting review, 500
    at 10x), written in Python, each with its hidden input."""
    label = _labels(
        no=gettext("No."),
        effort=gettext("Effort"),
        status=gettext("Status"),
        progress=gettext("Progress"),
        by=gettext("Submitted by"),
    )
    rows = []
    for update in updates:
        effort = update.effort
        rows.append(
            f'<tr><td class="effort-code" data-label="{label["no"]}">'
            f'<input type="hidden" name="update" value="{update.pk}">{effort.code}</td>'
            f'<td data-label="{label["effort"]}">{content_html(effort, "title")}</td>'
            f'<td data-label="{label["status"]}"><span class="status status-{update.status}">'
            f"{escape(update.get_status_display())}</span></td>"
            f'<td data-label="{label["progress"]}">{update.progress}%</td>'
            f'<td data-label="{label["by"]}">{_person(update.author)}</td></tr>'
        )
    return mark_safe("\n".join(rows))


REQUIRED_MARK = '<span class="asteriskField" aria-hidden="true">*</span>'


@register.simple_tag
def form_fields(fields, errors_of=None):
    """Form fields in Bootstrap's markup, written in Python (hot pages: no crispy per field,
    no template per option). `fields`: the bound fields to show; `errors_of` (optional): the
    form whose own errors, and its hidden fields' errors, are listed above them.

    Required fields carry a mark, hidden from screen readers (they announce the `required`
    attribute). The form went through plan.widgets.bootstrap_classes before validating: its
    widgets carry Bootstrap's classes and `is-invalid`, and Django adds aria-describedby (help
    text, errors) and aria-invalid. Checkbox groups (plan.widgets.CheckboxList) are a fieldset
    with the label as legend; a single checkbox is a form-check."""
    parts = []
    if errors_of is not None:
        if errors := errors_of.non_field_errors():
            lines = "".join(f'<p class="mb-0">{escape(error)}</p>' for error in errors)
            parts.append(f'<div class="alert alert-danger" role="alert">{lines}</div>')
        if errors_of.errors:
            for field in errors_of.hidden_fields():
                if field.errors:
                    label = escape(capfirst(field.label))
                    lines = "".join(
                        f'<p class="mb-0">{label}: {escape(error)}</p>' for error in field.errors
                    )
                    parts.append(f'<div class="alert alert-danger" role="alert">{lines}</div>')
    for field in fields:
        if field.is_hidden:
            parts.append(str(field))
            continue
        required = field.field.required
        required_class = " requiredField" if required else ""
        label = escape(field.label) + (REQUIRED_MARK if required else "")
        after = ""
        if field.errors:
            errors = "".join(f"<p><strong>{escape(error)}</strong></p>" for error in field.errors)
            after += (
                f'<div id="{field.auto_id}_error" class="invalid-feedback d-block">{errors}</div>'
            )
        if field.help_text:
            after += (
                f'<div id="{field.auto_id}_helptext" class="form-text">'
                f"{escape(field.help_text)}</div>"
            )
        single_checkbox = getattr(field.field.widget, "input_type", None) == "checkbox"
        if single_checkbox and not field.use_fieldset:
            parts.append(
                f'<div class="mb-3"><div id="div_{field.auto_id}" class="form-check">{field}'
                f'<label for="{field.id_for_label}" class="form-check-label{required_class}">'
                f"{label}</label>{after}</div></div>"
            )
        elif field.use_fieldset:
            described = field.aria_describedby
            described = f' aria-describedby="{described}"' if described else ""
            parts.append(
                f'<div id="div_{field.auto_id}" class="mb-3"><fieldset{described}>'
                f'<legend class="form-label fs-6{required_class}">{label}</legend>'
                f"{field}{after}</fieldset></div>"
            )
        else:
            parts.append(
                f'<div id="div_{field.auto_id}" class="mb-3">'
                f'<label for="{field.id_for_label}" class="form-label{required_class}">{label}'
                f"</label>{field}{after}</div>"
            )
    return mark_safe("\n".join(parts))
