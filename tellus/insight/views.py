"""The demand analysis pages. Each view parses the filters, checks permission, reads aggregates through the
selectors, turns them into figures and renders them; `?format=csv&table=<key>` downloads one figure's table."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tellus.demand.models import Channel
from tellus.privacy.permissions import staff_permission_required

from . import analytics, selectors
from .figures import (
    Figure,
    bands_figure,
    causes_by_service_figure,
    causes_figure,
    demand_split,
    demand_weekly,
    e2e_service_figure,
    headline,
    rate_figures,
    xmr_figure,
)
from .forms import DemandFilterForm

PERMISSION = "insight.view_demand_analysis"
Builder = Callable[[selectors.DemandFilters, dict[int, str]], dict[str, Any]]


def _page(request: HttpRequest, *, template: str, tab: str, title: str, empty: str, build: Builder) -> HttpResponse:
    services = selectors.service_names()
    form = DemandFilterForm(request.GET or None, services=services)
    if form.is_bound:
        form.is_valid()
    # A date range that cannot be read, or ends before it starts, shows only the error: figures for some other
    # range beside it would be taken for the answer.
    bad_range = any(name in form.errors for name in ("start", "end", "__all__"))
    context = {"figures": []} if bad_range else build(form.filters(), services)
    figures: list[Figure] = context.get("figures", [])
    if request.GET.get("format") == "csv":
        return _csv(request, figures)
    query = request.GET.copy()
    for name in ("format", "table"):
        query.pop(name, None)
    context.update(
        {
            "form": form,
            "tab": tab,
            "page_title": title,
            "empty_message": empty,
            "query": query.urlencode(),
            "filtered": form.is_filtered(),
            "bad_range": bad_range,
        }
    )
    # A service number that cannot be read (not the digits 0 to 9 of a service listed) is a 400; the page still
    # shows, with the figures for every service and the error beside the filter.
    return render(request, template, context, status=400 if form.errors else 200)


def _csv(request: HttpRequest, figures: list[Figure]) -> HttpResponse:
    key = request.GET.get("table", "")
    figure = next((f for f in figures if f.key == key), None)
    if figure is None:
        raise Http404(_("There is no table called that on this page."))
    response = HttpResponse(figure.table.csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{request.resolver_match.url_name}-{key}.csv"'  # type: ignore[union-attr]
    return response


def _overview(filters: selectors.DemandFilters, services: dict[int, str]) -> dict[str, Any]:
    cube = selectors.contact_cube(filters)
    if cube.empty:
        return {"figures": []}
    channels: dict[Any, str] = {code: str(label) for code, label in Channel.choices}
    names: dict[Any, str] = dict(services)
    figures = [
        demand_split(analytics.demand_by(cube, "service_id"), "service_id", _("Service"), names, _("service")),
        demand_split(analytics.demand_by(cube, "channel"), "channel", _("Channel"), channels, _("channel")),
        demand_weekly(analytics.weekly_failure_share(cube)),
        *rate_figures(analytics.rates_by(cube, "service_id"), names),
    ]
    return {"figures": figures, "headline": headline(analytics.demand_totals(cube))}


def _failure(filters: selectors.DemandFilters, services: dict[int, str]) -> dict[str, Any]:
    frame = selectors.failure_cause_counts(filters)
    if frame.empty:
        return {"figures": []}
    causes = analytics.failure_causes(frame)
    return {
        "figures": [causes_figure(causes), causes_by_service_figure(frame, services)],
        "failure_contacts": int(causes["contacts"].sum()),
        "failure_contacts_text": f"{int(causes['contacts'].sum()):,}",
    }


def _end_to_end(filters: selectors.DemandFilters, services: dict[int, str]) -> dict[str, Any]:
    service_bins = selectors.end_to_end_service_bins(filters)
    if service_bins.empty:
        return {"figures": []}
    figures = [
        bands_figure(analytics.end_to_end_bands(service_bins)),
        e2e_service_figure(analytics.end_to_end_by_service(service_bins), services),
    ]
    figure, no_chart = _cohort_figure(filters)
    if figure is not None:
        figures.append(figure)
    needs_met = int(service_bins["needs"].sum())
    return {"figures": figures, "needs_met": needs_met, "needs_met_text": f"{needs_met:,}", "no_chart": no_chart}


def _part_weeks(weeks: list[Any], period: selectors.Period) -> tuple[list[bool], list[str]]:
    """Which weeks are part weeks, and what the table says about each of them."""
    days, partial = analytics.part_weeks(weeks, first=period.first, last=period.last, today=period.today)
    return partial, [_("Part week (%(days)s of 7 days): not judged") % {"days": n} for n in days]


def _cohort_figure(filters: selectors.DemandFilters) -> tuple[Figure | None, str]:
    """The capability chart of end-to-end time: the median time of the needs opened each week, to the hour (see
    docs/insight.md and decision 0070 for why this measure); or why there is none."""
    weekly = analytics.weekly_cohort_median(selectors.end_to_end_cohort_bins(filters), now=timezone.now())
    weekly = weekly.dropna(subset=["median_hours"]).reset_index(drop=True)
    if weekly.empty:
        return None, ""
    weeks = list(weekly["week"])
    partial, reasons = _part_weeks(weeks, selectors.recorded_period(filters))
    for i, settled in enumerate(weekly["settled"]):
        if not settled and not partial[i]:
            partial[i] = True
            reasons[i] = _("Needs still open could move this median: not judged")
    whole = weekly["median_hours"][[not p for p in partial]]
    if len(whole) and (whole == 0).mean() >= 0.5:
        # Chunky data (Wheeler): a median stuck at "at once" has moving ranges of nothing, so its limits would
        # be no width and any need not met at once a "signal".
        return None, _(
            "There is no capability chart for this selection: in most weeks at least half the needs were met at "
            "the first contact, so the weekly median is “at once” and its limits would mean nothing. The bands "
            "and percentiles above show how long the others took."
        )
    result = analytics.xmr(weekly["median_hours"] / 24, partial=partial, lower_bound=0.0)
    if result is None:
        return None, ""
    return xmr_figure(
        key="xmr",
        heading=_("Capability chart of the median end-to-end time of the needs opened each week"),
        weeks=weeks,
        counts=list(weekly["needs"]),
        count_label=_("Needs opened"),
        value_label=_("Median end-to-end (days)"),
        result=result,
        unit=_("days"),
        reasons=reasons,
    ), ""


def _capability(filters: selectors.DemandFilters, services: dict[int, str]) -> dict[str, Any]:
    weekly = analytics.weekly_failure_share(selectors.weekly_demand(filters))
    if weekly.empty:
        return {"figures": []}
    weeks = weekly.dropna(subset=["failure_share"]).reset_index(drop=True)
    partial, reasons = _part_weeks(list(weeks["week"]), selectors.recorded_period(filters))
    result = analytics.xmr(weeks["failure_share"] * 100, partial=partial, lower_bound=0.0, upper_bound=100.0)
    figures = []
    if result is not None:
        figures.append(
            xmr_figure(
                key="xmr",
                heading=_("Capability chart of the weekly failure-demand share"),
                weeks=list(weeks["week"]),
                counts=list(weeks["total"]),
                count_label=_("Contacts"),
                value_label=_("Failure share (%)"),
                result=result,
                unit="%",
                reasons=reasons,
            )
        )
    return {"figures": figures, "weeks": len(weeks), "weeks_without_contacts": len(weekly) - len(weeks)}


@require_GET
@staff_permission_required(PERMISSION)
def demand_overview(request: HttpRequest) -> HttpResponse:
    return _page(
        request,
        template="insight/demand.html",
        tab="demand",
        title=_("Value and failure demand"),
        empty=_("No contacts have been logged yet."),
        build=_overview,
    )


@require_GET
@staff_permission_required(PERMISSION)
def failure(request: HttpRequest) -> HttpResponse:
    return _page(
        request,
        template="insight/failure.html",
        tab="failure",
        title=_("Causes of failure demand"),
        empty=_("No failure demand has been logged yet."),
        build=_failure,
    )


@require_GET
@staff_permission_required(PERMISSION)
def end_to_end(request: HttpRequest) -> HttpResponse:
    return _page(
        request,
        template="insight/end_to_end.html",
        tab="end_to_end",
        title=_("End-to-end time"),
        empty=_("No needs have been met yet."),
        build=_end_to_end,
    )


@require_GET
@staff_permission_required(PERMISSION)
def capability(request: HttpRequest) -> HttpResponse:
    return _page(
        request,
        template="insight/capability.html",
        tab="capability",
        title=_("Capability of failure-demand share"),
        empty=_("No contacts have been logged yet."),
        build=_capability,
    )
