"""The listening dashboard: driver scores by service, channel, ward and capacity with 95% confidence intervals,
response rates by group (who is not being heard), theme trends as XmR charts, and, for those allowed, the
comments behind a score (audited). Small groups are suppressed. `?format=csv&table=<key>` downloads a table."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tellus.capacities.models import Capacity
from tellus.demand.models import Channel
from tellus.feedback.models import QUESTION_KEYS, Route, Theme, ThemeTag
from tellus.feedback.questions import survey
from tellus.feedback.selectors import comments_for_staff
from tellus.privacy.permissions import staff_permission_required
from tellus.privacy.purposes import purpose_of
from tellus.privacy.services import Actor

from . import analytics, charts, listening, selectors
from . import listening_selectors as data
from .charts import Bar, Series
from .figures import Cell, Figure, Table, xmr_figure
from .forms import DemandFilterForm
from .views import _csv

PERMISSION = "feedback.view_listening_analysis"
GROUP_HEADINGS = {
    "service": _("Service"),
    "channel": _("Channel"),
    "ward": _("Ward"),
    "capacity": _("Capacity"),
    "route": _("How the survey was sent"),
}
THEMES_CHARTED = 6


def group_labels(group: str, services: Mapping[int, str]) -> dict[Any, str]:
    if group == "service":
        return {**{key: name for key, name in services.items()}, "": _("No service")}
    if group == "channel":
        return {**{c: str(label) for c, label in Channel.choices}, "": _("Not known")}
    if group == "route":
        return {c: str(label) for c, label in Route.choices}
    if group == "capacity":
        return {**{c: str(label).capitalize() for c, label in Capacity.choices}, "": _("Not said")}
    return {"": _("Not known")}


def _label(value: Any, labels: Mapping[Any, str]) -> str:
    return labels.get(value, str(value) if value not in (None, "") else _("Not known"))


def _interval(score: float, low: float, high: float) -> str:
    if pd.isna(score):
        return _("Suppressed")
    return f"{score:.1f} ({low:.1f}\N{EN DASH}{high:.1f})"


def scores_figure(group: str, table: pd.DataFrame, labels: Mapping[Any, str]) -> Figure:
    questions = survey().questions
    heading = _("Driver scores by %(group)s") % {"group": GROUP_HEADINGS[group].lower()}
    rows: list[tuple[Cell, ...]] = []
    for record in table.itertuples(index=False):
        values = record._asdict()
        responses: Cell = None if values["suppressed"] else int(values["responses"])
        cells = [
            _interval(values[f"{q.key}_score"], values[f"{q.key}_low"], values[f"{q.key}_high"]) for q in questions
        ]
        rows.append((_label(values["group"], labels), responses, *cells))
    headers = (
        GROUP_HEADINGS[group],
        _("Responses"),
        *[_("%(driver)s, %% agree (95%% CI)") % {"driver": q.driver} for q in questions],
    )
    if table.empty:  # no survey answered yet: a table with no rows, which the page leaves out
        return Figure(f"scores_{group}", heading, Table(heading, headers, rows))
    shown = table[~table["suppressed"]]
    bars = [
        Bar(_label(g, labels), (float(s),), f"{s:.1f}% ({lo:.1f}\N{EN DASH}{hi:.1f}), n={n:,}")
        for g, s, lo, hi, n in zip(
            shown["group"], shown["satisfaction_score"], shown["satisfaction_low"], shown["satisfaction_high"],
            shown["responses"], strict=True,
        )
        if not pd.isna(s)
    ]  # fmt: skip
    hidden = int(table["suppressed"].sum())
    notes = [
        _(
            "Each score is the share who agreed or strongly agreed, of those who answered the question, with its 95%% "
            "confidence interval. Groups with fewer than %(n)s responses are suppressed, and so is the next smallest "
            "when only one would be, so no group can be worked out from the others."
        )
        % {"n": listening.MIN_GROUP}
    ]
    if hidden:
        notes.append(_("%(n)s groups suppressed.") % {"n": hidden})
    chart = None
    if bars:
        chart = charts.bar_chart(
            uid=f"scores-{group}",
            title=_("Satisfaction by %(group)s") % {"group": GROUP_HEADINGS[group].lower()},
            description=_("Bars of the share satisfied, in percent, for %(n)s groups, each labelled with its 95%% "
                          "confidence interval and number of responses.") % {"n": len(bars)},
            bars=bars,
            series=[Series(_("Satisfied (%)"), charts.BLUE)],
        )  # fmt: skip
    return Figure(f"scores_{group}", heading, Table(heading, headers, rows), chart, notes)


def rates_figure(group: str, table: pd.DataFrame, labels: Mapping[Any, str]) -> Figure:
    heading = _("Response rate by %(group)s") % {"group": GROUP_HEADINGS[group].lower()}
    rows: list[tuple[Cell, ...]] = []
    for record in table.itertuples(index=False):
        v = record._asdict()
        suppressed = bool(v["suppressed"])
        rows.append(
            (
                _label(v["group"], labels),
                None if suppressed else int(v["offered"]),
                None if suppressed else int(v["opened"]),
                None if suppressed else int(v["responded"]),
                _interval(v["rate"], v["low"], v["high"]),
            )
        )
    headers = (GROUP_HEADINGS[group], _("Offered"), _("Opened"), _("Responded"), _("Response rate, % (95% CI)"))
    if table.empty:
        return Figure(f"rates_{group}", heading, Table(heading, headers, rows))
    shown = table[~table["suppressed"]]
    bars = [
        Bar(_label(g, labels), (float(r),), f"{r:.1f}% of {int(o):,}")
        for g, r, o in zip(shown["group"], shown["rate"], shown["offered"], strict=True)
    ]
    chart = None
    if bars:
        chart = charts.bar_chart(
            uid=f"rates-{group}", title=heading,
            description=_("Bars of the response rate in percent for %(n)s groups, lowest first.") % {"n": len(bars)},
            bars=bars, series=[Series(_("Response rate (%)"), charts.GREEN, "dots")],
        )  # fmt: skip
    notes = [_("Lowest first: the groups the council is hearing least from are at the top.")]
    return Figure(f"rates_{group}", heading, Table(heading, headers, rows), chart, notes)


def scores_table(group: str, filters: selectors.DemandFilters) -> pd.DataFrame:
    return listening.driver_scores(data.scores(group, filters), "group", QUESTION_KEYS)


def scores_panel(
    group: str, filters: selectors.DemandFilters, services: Mapping[int, str], table: pd.DataFrame | None = None
) -> Figure:
    """The panel of driver scores by `group`; `table` when the page already has it (one query per panel)."""
    table = scores_table(group, filters) if table is None else table
    return scores_figure(group, table, group_labels(group, services))


def rates_panel(group: str, filters: selectors.DemandFilters, services: Mapping[int, str]) -> Figure:
    return rates_figure(group, listening.response_rates(data.rates(group, filters)), group_labels(group, services))


def theme_figures(filters: selectors.DemandFilters) -> list[Figure]:
    weeks = listening.theme_weeks(data.theme_weeks(filters))
    if weeks.empty:
        return []
    labels = dict(Theme.objects.filter(pk__in=weeks["theme_id"].unique()).values_list("pk", "label"))
    busiest = weeks.groupby("theme_id")["texts"].sum().sort_values(ascending=False, kind="stable").index
    figures = []
    # Every theme's weeks run over the same span (theme_weeks fills the gaps), so one reading of the period marks
    # the part weeks at either end for all of them.
    period = selectors.recorded_period(filters, model=ThemeTag)
    for theme_id in list(busiest)[:THEMES_CHARTED]:
        part = weeks[weeks["theme_id"] == theme_id].reset_index(drop=True)
        days, partial = analytics.part_weeks(list(part["week"]), first=period.first, last=period.last,
                                             today=period.today)  # fmt: skip
        result = analytics.xmr(part["texts"].astype("float64"), partial=partial, lower_bound=0.0)
        if result is None:
            continue
        reasons = [_("Part week (%(days)s of 7 days): not judged") % {"days": n} for n in days]
        figures.append(
            xmr_figure(
                key=f"theme_{theme_id}",
                heading=_("Theme “%(label)s”, texts per week") % {"label": labels.get(theme_id, theme_id)},
                weeks=list(part["week"]), counts=list(part["texts"]), count_label=_("Texts"),
                value_label=_("Texts in the theme"), result=result, unit=_("texts"), reasons=reasons,
            )
        )  # fmt: skip
    return figures


def _filters(request: HttpRequest, services: dict[int, str]) -> tuple[DemandFilterForm, selectors.DemandFilters]:
    form = DemandFilterForm(request.GET or None, services=services)
    if form.is_bound:
        form.is_valid()
    return form, form.filters()


@require_GET
@staff_permission_required(PERMISSION)
def listening_overview(request: HttpRequest) -> HttpResponse:
    services = selectors.service_names()
    form, filters = _filters(request, services)
    # A date range that cannot be read, or ends before it starts, shows only the error (as on the demand pages).
    bad_range = any(name in form.errors for name in ("start", "end", "__all__"))
    figures: list[Figure] = []
    score_tables = {}
    if not bad_range:
        for group in data.GROUPS:
            score_tables[group] = scores_table(group, filters)
            figures.append(scores_panel(group, filters, services, score_tables[group]))
            figures.append(rates_panel(group, filters, services))
        figures.append(rates_panel("route", filters, services))
        figures += theme_figures(filters)
    if request.GET.get("format") == "csv":
        return _csv(request, figures)
    query = request.GET.copy()
    for name in ("format", "table"):
        query.pop(name, None)
    context = {
        "form": form,
        "figures": [f for f in figures if f.table.rows],
        "query": query.urlencode(),
        "filtered": form.is_filtered(),
        "drill": (
            _drill_links(score_tables, services)
            if request.user.has_perm("feedback.read_comments") and not bad_range
            else []
        ),
        "page_title": _("Listening"),
        "bad_range": bad_range,
    }
    return render(request, "insight/listening.html", context, status=400 if bad_range else 200)


def _drill_links(
    score_tables: Mapping[str, pd.DataFrame], services: Mapping[int, str]
) -> list[tuple[str, list[tuple[str, str]]]]:
    """For each group, the groups large enough to show (from the panels' own tables, not a second query), linked to
    the comments behind their scores."""
    links = []
    for group, table in score_tables.items():
        labels = group_labels(group, services)
        shown = [
            (str(g), _label(g, labels))
            for g, hidden in zip(table["group"], table["suppressed"], strict=True)
            if not hidden
        ]
        links.append((group, shown))
    return links


@require_GET
@staff_permission_required(PERMISSION, "feedback.read_comments")
def listening_comments(request: HttpRequest) -> HttpResponse:
    """The comments behind one group's score: each one shown is an audited read."""
    group, value = request.GET.get("group", ""), request.GET.get("value", "")
    question = request.GET.get("question", "satisfaction")
    if group not in data.GROUPS or question not in QUESTION_KEYS or len(value) > 100:
        raise BadRequest(_("Choose a group and a question from the dashboard."))
    if group == "service" and value and not (value.isascii() and value.isdigit()):
        raise BadRequest(_("Choose a service from the dashboard."))
    services = selectors.service_names()
    table = scores_table(group, selectors.DemandFilters())
    row = table[table["group"].astype(str) == value]
    if row.empty or bool(row["suppressed"].iloc[0]):
        raise BadRequest(_("That group is too small to show: its comments could identify the people who wrote them."))
    total, comments = comments_for_staff(
        actor=Actor.for_user(request.user), purpose=purpose_of(request), group=group, value=value, question=question
    )
    context = {
        "group_heading": GROUP_HEADINGS[group],
        "group_label": _label(int(value) if group == "service" and value else value, group_labels(group, services)),
        "driver": survey().driver(question),
        "question": question,
        "total": total,
        "comments": comments,
        "page_title": _("Comments behind a score"),
    }
    return render(request, "insight/listening_comments.html", context)
