"""The equity dashboard: each group against everyone else, with flags that link to their evidence."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tellus.privacy.permissions import staff_permission_required

from . import equity
from .equity_data import EquityFrames, equity_frames

PERMISSION = "inclusion.view_equity"
NOT_KNOWN = "\u2013"  # an en dash: no figure


def figure(value: float | None, unit: str, *, signed: bool = False) -> str:
    if value is None or value != value:  # None or NaN
        return NOT_KNOWN
    if unit == "days":
        text = f"{value:+.1f}" if signed else f"{value:.1f}"
        return _("%(n)s days") % {"n": text}
    points = value * 100
    return f"{points:+.1f} pts" if signed else f"{points:.1f}%"


def figure_plain(value: float | None) -> str:
    if value is None or value != value:
        return NOT_KNOWN
    return f"{value:.1f}"


def _cells(result: equity.GroupResult) -> list[dict[str, Any]]:
    cells = []
    for key, comparison in result.comparisons.items():
        unit = comparison.measure.unit
        cells.append(
            {
                "key": key,
                "label": comparison.measure.label,
                "group": figure(comparison.group, unit),
                "rest": figure(comparison.rest, unit),
                "difference": figure(comparison.difference, unit, signed=True),
                "interval": (
                    _("%(low)s to %(high)s")
                    % {
                        "low": figure(comparison.low, unit, signed=True),
                        "high": figure(comparison.high, unit, signed=True),
                    }
                    if comparison.low is not None
                    else NOT_KNOWN
                ),
                "worse": comparison.worse,
                "suppressed": comparison.suppressed,
                "group_n": comparison.group_n,
                "rest_n": comparison.rest_n,
            }
        )
    return cells


def _results() -> tuple[list[equity.GroupResult], EquityFrames]:
    frames = equity_frames()
    return equity.equity_table(frames.people, frames.contacts, frames.needs, frames.feedback), frames


@require_GET
@staff_permission_required(PERMISSION)
def equity_dashboard(request: HttpRequest) -> HttpResponse:
    results, frames = _results()
    dimensions = [
        {
            "key": key,
            "label": label,
            "rows": [{"result": r, "cells": _cells(r)} for r in results if r.dimension == key],
        }
        for key, label in equity.DIMENSIONS.items()
    ]
    context = {
        "dimensions": [d for d in dimensions if d["rows"]],
        "measures": (*equity.MEASURES, *equity.FEEDBACK_MEASURES),
        "flags": equity.flags(results),
        "surveys": int(frames.feedback["surveys"].sum()),
        "start": frames.start,
        "end": frames.end,
        "min_people": equity.MIN_PEOPLE,
        "material": int(equity.MATERIAL * 100),
    }
    return render(request, "insight/equity.html", context)


@require_GET
@staff_permission_required(PERMISSION)
def equity_group(request: HttpRequest, dimension: str, group: str) -> HttpResponse:
    results, frames = _results()
    result = next((r for r in results if r.dimension == dimension and r.key == group), None)
    if result is None:
        raise Http404(_("There is no such group."))
    context = {
        "result": result,
        "dimension_label": equity.DIMENSIONS[dimension],
        "cells": [] if result.suppressed else _cells(result),
        "per_person": figure_plain(result.contacts_per_person),
        "rest_per_person": figure_plain(result.rest_contacts_per_person),
        "start": frames.start,
        "end": frames.end,
        "min_people": equity.MIN_PEOPLE,
        "material": int(equity.MATERIAL * 100),
    }
    return render(request, "insight/equity_group.html", context)
