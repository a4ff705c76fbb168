"""The figures on the demand pages: each a chart and the data table beside it, built from the analytics frames.
The table's rows are also what the CSV download writes, so the two cannot disagree. No ORM here."""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tellus.common import spreadsheets
from tellus.demand.models import Channel, FailureCause

from . import analytics, charts
from .charts import Bar, Series

Cell = str | int | float | None
DAY = 86400.0


@dataclass(frozen=True)
class Table:
    caption: str
    headers: tuple[str, ...]
    rows: Sequence[tuple[Cell, ...]]

    @property
    def numeric(self) -> list[bool]:
        """Which columns hold numbers (aligned right)."""
        return [
            bool(self.rows) and all(isinstance(row[i], int | float | None) for row in self.rows)
            for i in range(len(self.headers))
        ]

    def header_cells(self) -> list[tuple[str, bool]]:
        return list(zip(self.headers, self.numeric, strict=True))

    @staticmethod
    def text(cell: Cell) -> str:
        """How a cell reads in the table: whole numbers with thousands separators, others to one decimal place."""
        if cell is None or (isinstance(cell, float) and math.isnan(cell)):
            return "\N{EN DASH}"
        if isinstance(cell, int):
            return f"{cell:,}"
        if isinstance(cell, float):
            return f"{cell:,.1f}"
        return cell

    @staticmethod
    def raw(cell: Cell) -> str:
        """How a cell is written to CSV: the table's value without thousands separators, empty when missing."""
        if cell is None or (isinstance(cell, float) and math.isnan(cell)):
            return ""
        if isinstance(cell, float):
            return f"{cell:.1f}"
        return str(cell)

    def display_rows(self) -> list[list[tuple[str, bool]]]:
        numeric = self.numeric
        return [[(self.text(c), numeric[i]) for i, c in enumerate(row)] for row in self.rows]

    def csv(self) -> str:
        out = io.StringIO()
        writer = spreadsheets.writer(out)
        writer.writerow(self.headers)
        writer.writerows([self.raw(c) for c in row] for row in self.rows)
        return out.getvalue()


@dataclass
class Figure:
    key: str
    heading: str
    table: Table
    chart: SafeString | None = None
    notes: list[str] = field(default_factory=list)


def _pct(value: float | None) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else round(float(value) * 100, 1)


def _days(seconds: float) -> float | None:
    return None if math.isnan(seconds) else round(seconds / DAY, 1)


def headline(totals: analytics.DemandTotals) -> list[tuple[str, str]]:
    """The selection's totals in words, for the summary at the top of the overview."""

    def pct(value: float | None) -> str:
        return "\N{EN DASH}" if value is None else f"{value * 100:.1f}%"

    return [
        (_("Contacts"), f"{totals.contacts:,}"),
        (
            _("Failure demand"),
            _("%(count)s contacts, %(share)s of all")
            % {"count": f"{totals.failure:,}", "share": pct(totals.failure_share)},
        ),
        (
            _("Repeat-contact rate"),
            _("%(share)s: %(count)s contacts were not the first about their need")
            % {"share": pct(totals.repeat_rate), "count": f"{totals.repeat_contacts:,}"},
        ),
        (
            _("First-point resolution"),
            _("%(share)s: %(resolved)s of %(needs)s needs opened were dealt with at the first contact")
            % {
                "share": pct(totals.first_point_resolution),
                "resolved": f"{totals.resolved_first:,}",
                "needs": f"{totals.first_contacts:,}",
            },
        ),
    ]


def demand_series() -> list[Series]:
    return [Series(_("Value demand"), charts.BLUE), Series(_("Failure demand"), charts.RED, "hatch")]


def _share_note(failure: int, total: int) -> str:
    share = _pct(failure / total) if total else None
    return _("%(total)s (%(share)s%% failure)") % {"total": f"{total:,}", "share": share}


def channel_label(code: str) -> str:
    try:
        return str(Channel(code).label)
    except ValueError:
        return code


def cause_label(code: str) -> str:
    try:
        return str(FailureCause(code).label)
    except ValueError:
        return code


def demand_split(by: pd.DataFrame, key: str, label: str, labels: Mapping[Any, str], what: str) -> Figure:
    """Value and failure demand per service or channel."""
    rows = [
        (labels.get(r[key], str(r[key])), int(r["value"]), int(r["failure"]), int(r["total"]), _pct(r["failure_share"]))
        for _, r in by.iterrows()
    ]
    heading = _("Value and failure demand by %(what)s") % {"what": what}
    table = Table(heading, (label, _("Value demand"), _("Failure demand"), _("Contacts"), _("Failure share (%)")), rows)
    bars = [Bar(str(r[0]), (float(r[1]), float(r[2])), _share_note(r[2], r[3])) for r in rows]
    top = max(rows, key=lambda r: r[2]) if rows else None
    desc = _("Stacked bars of value demand (solid) and failure demand (hatched) for %(n)s %(what)s.") % {
        "n": len(rows),
        "what": what,
    }
    if top is not None:
        desc += " " + _("Most failure demand: %(name)s, %(count)s contacts.") % {"name": top[0], "count": f"{top[2]:,}"}
    chart = charts.bar_chart(uid=f"by-{key}", title=heading, description=desc, bars=bars, series=demand_series())
    return Figure(f"by_{key}", heading, table, chart)


def _iso(week: object) -> str:
    return pd.Timestamp(week).date().isoformat()


def _short(week: object) -> str:
    stamp = pd.Timestamp(week)
    return f"{stamp.day} {stamp.strftime('%b')}"


def demand_weekly(weekly: pd.DataFrame) -> Figure:
    heading = _("Value and failure demand by week")
    rows = [
        (_iso(r["week"]), int(r["value"]), int(r["failure"]), int(r["total"]), _pct(r["failure_share"]))
        for _, r in weekly.iterrows()
    ]
    table = Table(
        heading,
        (_("Week beginning"), _("Value demand"), _("Failure demand"), _("Contacts"), _("Failure share (%)")),
        rows,
    )
    desc = _("Stacked columns of value demand (solid) and failure demand (hatched) for each of %(n)s weeks.") % {
        "n": len(rows)
    }
    chart = charts.column_chart(
        uid="by-week",
        title=heading,
        description=desc,
        labels=[_short(r["week"]) for _, r in weekly.iterrows()],
        values=[(float(r[1]), float(r[2])) for r in rows],
        series=demand_series(),
        fmt=lambda v: f"{v:,.0f}",
        label_every=max(1, math.ceil(len(rows) / 9)),
    )
    return Figure("by_week", heading, table, chart)


def rate_figures(rates: pd.DataFrame, labels: Mapping[Any, str]) -> list[Figure]:
    """Repeat-contact rate and first-point resolution per service."""
    repeat_heading = _("Repeat-contact rate by service")
    repeat_rows = [
        (
            labels.get(r["service_id"], str(r["service_id"])),
            int(r["contacts"]),
            int(r["repeat_contacts"]),
            _pct(r["repeat_rate"]),
        )
        for _, r in rates.iterrows()
    ]
    repeat = Table(
        repeat_heading, (_("Service"), _("Contacts"), _("Repeat contacts"), _("Repeat rate (%)")), repeat_rows
    )
    fpr_heading = _("First-point resolution by service")
    fpr_rows = [
        (
            labels.get(r["service_id"], str(r["service_id"])),
            int(r["needs_opened"]),
            int(r["resolved_first"]),
            _pct(r["first_point_resolution"]),
        )
        for _, r in rates.iterrows()
    ]
    fpr = Table(
        fpr_heading,
        (_("Service"), _("Needs opened"), _("Resolved at first contact"), _("First-point resolution (%)")),
        fpr_rows,
    )
    figures = []
    for key, heading, table, series, what in (
        ("repeat_rate", repeat_heading, repeat, Series(_("Repeat rate"), charts.RED, "hatch"), _("repeat rate")),
        (
            "first_point",
            fpr_heading,
            fpr,
            Series(_("First-point resolution"), charts.GREEN),
            _("first-point resolution"),
        ),
    ):
        ordered = sorted(table.rows, key=lambda r: -(r[3] or 0))  # type: ignore[operator]
        bars = [Bar(str(r[0]), (float(r[3] or 0),), f"{Table.text(r[3])}%") for r in ordered]
        desc = _("Bars of the %(what)s for each of %(n)s services, in percent, highest first.") % {
            "what": what,
            "n": len(bars),
        }
        chart = charts.bar_chart(
            uid=key, title=heading, description=desc, bars=bars, series=[series], fmt=lambda v: f"{v:.0f}%"
        )
        figures.append(Figure(key, heading, table, chart))
    return figures


def causes_figure(causes: pd.DataFrame) -> Figure:
    heading = _("Failure demand by cause")
    rows = [(cause_label(r["failure_cause"]), int(r["contacts"]), _pct(r["share"])) for _, r in causes.iterrows()]
    table = Table(heading, (_("Cause"), _("Contacts"), _("Share of failure demand (%)")), rows)
    bars = [Bar(str(r[0]), (float(r[1]),), f"{r[1]:,} ({Table.text(r[2])}%)") for r in rows]
    desc = _("Bars of failure-demand contacts for each of %(n)s causes, commonest first.") % {"n": len(rows)}
    if rows:
        desc += " " + _("The commonest cause is %(cause)s, %(share)s%% of failure demand.") % {
            "cause": rows[0][0],
            "share": Table.text(rows[0][2]),
        }
    series = [Series(_("Failure demand"), charts.RED, "hatch")]
    chart = charts.bar_chart(
        uid="causes", title=heading, description=desc, bars=bars, series=series, fmt=lambda v: f"{v:,.0f}"
    )
    return Figure("causes", heading, table, chart)


def causes_by_service_figure(frame: pd.DataFrame, labels: Mapping[Any, str]) -> Figure:
    heading = _("Failure demand by service and cause")
    causes = list(analytics.failure_causes(frame)["failure_cause"])
    table_frame = frame.pivot_table(
        index="service_id", columns="failure_cause", values="contacts", aggfunc="sum", fill_value=0
    ).reindex(columns=causes, fill_value=0)
    table_frame["total"] = table_frame.sum(axis=1)
    table_frame = table_frame.sort_values("total", ascending=False, kind="stable")
    rows: list[tuple[Cell, ...]] = [
        (labels.get(service_id, str(service_id)), *(int(v) for v in values))
        for service_id, values in zip(table_frame.index, table_frame.to_numpy(), strict=True)
    ]
    headers = (_("Service"), *(cause_label(c) for c in causes), _("All failure demand"))
    return Figure("causes_by_service", heading, Table(heading, headers, rows))


BAND_LABELS = {
    "at_once": lambda: _("At once (first contact)"),
    "under_1h": lambda: _("Under an hour"),
    "1h_1d": lambda: _("1 hour to 1 day"),
    "1d_2d": lambda: _("1 to 2 days"),
    "2d_1w": lambda: _("2 days to 1 week"),
    "1w_2w": lambda: _("1 to 2 weeks"),
    "2w_4w": lambda: _("2 to 4 weeks"),
    "4w_13w": lambda: _("4 to 13 weeks"),
    "13w_plus": lambda: _("13 weeks or more"),
}


def bands_figure(bands: pd.DataFrame) -> Figure:
    heading = _("How long needs took from first contact to met")
    rows = [(str(BAND_LABELS[r["band"]]()), int(r["needs"]), _pct(r["share"])) for _, r in bands.iterrows()]
    table = Table(heading, (_("End-to-end time"), _("Needs met"), _("Share (%)")), rows)
    desc = _("Columns of the number of needs met within each band of end-to-end time, shortest band first.")
    chart = charts.column_chart(
        uid="bands",
        title=heading,
        description=desc,
        labels=[_band_short(r["band"]) for _, r in bands.iterrows()],
        values=[(float(r[1]),) for r in rows],
        series=[Series(_("Needs met"), charts.BLUE)],
        fmt=lambda v: f"{v:,.0f}",
    )
    return Figure("bands", heading, table, chart)


def _band_short(band: str) -> str:
    return {
        "at_once": _("at once"),
        "under_1h": _("<1 h"),
        "1h_1d": _("1 h to 1 d"),
        "1d_2d": _("1 to 2 d"),
        "2d_1w": _("2 d to 1 w"),
        "1w_2w": _("1 to 2 w"),
        "2w_4w": _("2 to 4 w"),
        "4w_13w": _("4 to 13 w"),
        "13w_plus": _("13 w+"),
    }[band]


def e2e_service_figure(per_service: pd.DataFrame, labels: Mapping[Any, str]) -> Figure:
    heading = _("End-to-end time by service")
    rows = [
        (
            labels.get(r["service_id"], str(r["service_id"])),
            int(r["needs"]),
            _days(r["p50"]),
            _days(r["p85"]),
            _days(r["p95"]),
        )
        for _, r in per_service.iterrows()
    ]
    headers = (
        _("Service"),
        _("Needs met"),
        _("Median (days)"),
        _("85th percentile (days)"),
        _("95th percentile (days)"),
    )
    table = Table(heading, headers, rows)
    bars = [
        Bar(
            str(r[0]),
            (float(r[3] or 0),),
            _("85%% within %(p85)s d, median %(p50)s d") % {"p85": Table.text(r[3]), "p50": Table.text(r[2])},
        )
        for r in rows
    ]
    desc = _(
        "Bars of the 85th percentile of end-to-end time in days for each of %(n)s services, slowest first; "
        "each bar is labelled with the 85th percentile and the median."
    ) % {"n": len(rows)}
    series = [Series(_("85th percentile"), charts.BLUE, "dots")]
    chart = charts.bar_chart(uid="e2e-service", title=heading, description=desc, bars=bars, series=series)
    return Figure("by_service", heading, table, chart)


def _signal(beyond: bool, in_run: bool, partial: bool = False, reason: str = "") -> str:
    if partial:
        return reason or _("Part week: not judged")
    words = []
    if beyond:
        words.append(_("Beyond a limit"))
    if in_run:
        words.append(_("In a run of 8"))
    return "; ".join(words)


def xmr_summary(result: analytics.XmR, unit: str) -> list[str]:
    points = result.points
    beyond, in_run = int(points["beyond_limits"].sum()), int(points["in_run"].sum())
    partial = int(points["partial"].sum())
    notes = []
    if partial:
        notes.append(
            ngettext(
                "%(n)s week is not whole (a part week at the start or end of the dates chosen or recorded, or one "
                "still settling): it is drawn hollow and left out of the centre line, the limits and the signals.",
                "%(n)s weeks are not whole (part weeks at the start or end of the dates chosen or recorded, or ones "
                "still settling): they are drawn hollow and left out of the centre line, the limits and the signals.",
                partial,
            )
            % {"n": partial}
        )
    return [
        _(
            "Centre line %(centre)s %(unit)s; natural process limits %(lower)s to %(upper)s %(unit)s "
            "(mean moving range %(mr)s, upper range limit %(url)s)."
        )
        % {
            "centre": Table.text(result.centre),
            "lower": Table.text(result.lower_limit),
            "upper": Table.text(result.upper_limit),
            "mr": Table.text(result.mean_moving_range),
            "url": Table.text(result.upper_range_limit),
            "unit": unit,
        },
        ngettext("%(n)s point beyond the limits.", "%(n)s points beyond the limits.", beyond) % {"n": beyond}
        + " "
        + ngettext(
            "%(n)s point in a run of 8 or more on one side of the centre line.",
            "%(n)s points in runs of 8 or more on one side of the centre line.",
            in_run,
        )
        % {"n": in_run},
        *notes,
    ]


def xmr_figure(
    *,
    key: str,
    heading: str,
    weeks: Sequence[object],
    counts: Sequence[int],
    count_label: str,
    value_label: str,
    result: analytics.XmR,
    unit: str,
    reasons: Sequence[str] | None = None,
) -> Figure:
    """`weeks`, `counts` and `reasons` (what the table says of a part period) are aligned with the points."""
    points = result.points
    said = list(reasons) if reasons is not None else [""] * len(points)
    rows: list[tuple[Cell, ...]] = [
        (
            _iso(week),
            int(count),
            round(float(x), 1),
            None if math.isnan(mr) else round(float(mr), 1),
            _signal(bool(beyond), bool(in_run), bool(partial), reason),
        )
        for week, count, x, mr, beyond, in_run, partial, reason in zip(
            weeks, counts, points["x"], points["moving_range"], points["beyond_limits"], points["in_run"],
            points["partial"], said, strict=True,
        )
    ]  # fmt: skip
    table = Table(heading, (_("Week beginning"), count_label, value_label, _("Moving range"), _("Signal")), rows)
    notes = xmr_summary(result, unit)
    desc = _("Individuals and moving range chart of %(what)s over %(n)s weeks.") % {"what": value_label, "n": len(rows)}
    chart = charts.xmr_chart(
        uid=key,
        title=heading,
        description=f"{desc} {' '.join(notes)}",
        labels=[_short(w) for w in weeks],
        result=result,
    )
    return Figure(key, heading, table, chart, notes)
