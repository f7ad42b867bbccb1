"""The dashboard's lists and the charts' tables of numbers, written in Python.

Through the template language the dashboard's hundred-odd lines (priorities, attention, past
the end date, changes, goals) and its five tables of chart numbers were about 60,000 of the
150,000 function calls of a cold request at 10x; here they are a few thousand. The HTML is
the same as the templates wrote.
"""

from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext

from plan import content as plan_content
from plan.templatetags.plan_tags import _url_maker, content_html

register = template.Library()

NOTE_WORDS = 30  # of a priority effort's note on the dashboard


@register.simple_tag
def effort_lines(rows, kind: str):
    """The <li> lines of a dashboard block of efforts (reporting.selectors.EffortRow):
    - "priority": status, progress, lead (or team) and the start of the note;
    - "status": status, and an overdue milestone (`late_milestone`: title, due date);
    - "ended": the end date it is past;
    - "plain": number and title only;
    - "moved": rows {"effort", "old", "new"}: the status of the round before and now."""
    effort_url = _url_maker("plan:effort-detail")
    lines = []
    for row in rows:
        effort = row["effort"] if kind == "moved" else row
        line = (
            f'<li><a href="{effort_url(effort.pk)}"><span class="code">{effort.code}</span> '
            f"{content_html(effort, 'title')}</a>"
        )
        status = (
            f'<span class="status status-{effort.status}">'
            f"{escape(effort.get_status_display())}</span>"
        )
        if kind == "priority":
            who = (
                escape(effort.lead_name)
                if effort.lead_name
                else plan_content.marked_dutch(effort.team_name)
            )
            line += f" {status} {effort.progress}% · {who}"
            if effort.note:
                note = Truncator(effort.note).words(NOTE_WORDS, truncate=" …")
                line += f'<br><span class="muted">{escape(note)}</span>'
        elif kind == "status":
            line += f" {status}"
            if late := getattr(effort, "late_milestone", None):  # (title, due date)
                text = gettext("milestone overdue: %(title)s (due %(date)s)") % {
                    "title": late[0],
                    "date": date_format(late[1], "j F Y"),
                }
                line += f' <span class="late-milestone">{escape(text)}</span>'
        elif kind == "ended":
            ended = gettext("ended %(date)s") % {"date": date_format(effort.end, "j F Y")}
            line += f' <span class="muted">{escape(ended)}</span>'
        elif kind == "moved":
            line += f": {escape(row['old'])} → {escape(row['new'])}"
        lines.append(line + "</li>")
    return mark_safe("\n".join(lines))


@register.simple_tag
def goal_lines(goals, narrowing: str | None = None):
    """The <li> lines of goals: with `narrowing` given (possibly empty), goals served by many
    running efforts, each linking to those efforts in the effort list; otherwise goals
    without a running effort, each linking to its page."""
    goal_url = _url_maker("plan:goal-detail")
    effort_list = reverse("plan:effort-list")
    lines = []
    for goal in goals:
        code_and_text = f'<span class="code">{goal.code}</span> {content_html(goal, "text")}'
        if narrowing is None:
            lines.append(f'<li><a href="{goal_url(goal.pk)}">{code_and_text}</a></li>')
            continue
        query = escape(urlencode({"goal": goal.pk}) + (f"&{narrowing}" if narrowing else ""))
        running = ngettext(
            "%(counter)s running effort", "%(counter)s running efforts", goal.running
        ) % {"counter": goal.running}
        lines.append(
            f'<li><a href="{effort_list}?{query}">{code_and_text}</a> – {escape(running)}</li>'
        )
    return mark_safe("\n".join(lines))


@register.simple_tag
def chart_numbers(chart):
    """The head and body of a chart's table of numbers: its columns, then a row per category
    with the category as the row's header."""
    head = "".join(f'<th scope="col">{escape(column)}</th>' for column in chart.columns)
    rows = []
    for row in chart.rows:
        first, *cells = row
        rows.append(
            f'<tr><th scope="row">{escape(first)}</th>'
            + "".join(f"<td>{escape(cell)}</td>" for cell in cells)
            + "</tr>"
        )
    return mark_safe(f"<thead><tr>{head}</tr></thead>\n<tbody>\n{''.join(rows)}\n</tbody>")
