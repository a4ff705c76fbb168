"""The demand analysis pages through Django's test client: who may see them, what they show, their CSV, and how
many queries they make."""

from __future__ import annotations

import csv
import datetime as dt
import io
from html.parser import HTMLParser
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tellus.demand.tests.factories import ServiceFactory
from tellus.insight import selectors

from .conftest import MONDAY, need_with_contacts

pytestmark = pytest.mark.django_db
PAGES = ["insight:demand", "insight:failure", "insight:end_to_end", "insight:capability"]
HOUR, DAY = dt.timedelta(hours=1), dt.timedelta(days=1)


class Tables(HTMLParser):
    """Each <table>'s caption and rows of cell text, in page order."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[dict[str, Any]] = []
        self._cell: list[str] | None = None
        self._caption = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append({"caption": "", "rows": []})
        elif tag == "caption":
            self._caption = True
        elif tag == "tr":
            self.tables[-1]["rows"].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "caption":
            self._caption = False
        elif tag in ("td", "th") and self._cell is not None:
            self.tables[-1]["rows"][-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._caption:
            self.tables[-1]["caption"] += data.strip()
        elif self._cell is not None:
            self._cell.append(data)


def tables_on(html: str) -> list[dict[str, Any]]:
    parser = Tables()
    parser.feed(html)
    return parser.tables


@pytest.fixture
def demand(bins: Any, potholes: Any) -> None:
    """Three weeks of demand: bins have a resolved value contact, a need chased twice, and a failure; potholes one
    need met after three days."""
    need_with_contacts(service=bins, opened_at=MONDAY, met_after=dt.timedelta(0), resolved=True)
    need_with_contacts(
        service=bins, opened_at=MONDAY + HOUR, met_after=10 * DAY, channel="email",
        repeats=((2 * DAY, "progress_chasing"), (8 * DAY, "progress_chasing")),
    )  # fmt: skip
    need_with_contacts(service=bins, opened_at=MONDAY + 15 * DAY, first="failure", cause="not_done", met_after=2 * HOUR)
    need_with_contacts(service=potholes, opened_at=MONDAY + 2 * DAY, met_after=3 * DAY, channel="web")


@pytest.mark.parametrize("name", PAGES)
def test_an_analyst_and_a_service_manager_see_each_demand_page(client, analyst, service_manager, demand, name):
    for user in (analyst, service_manager):
        client.force_login(user)
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert b'role="img"' in response.content


@pytest.mark.parametrize("name", PAGES)
def test_a_front_line_officer_and_an_outsider_are_refused_each_demand_page(client, officer, outsider, demand, name):
    for user in (officer, outsider):
        client.force_login(user)
        assert client.get(reverse(name)).status_code == 403
        assert client.get(reverse(name), {"format": "csv", "table": "by_service"}).status_code == 403


def test_someone_not_signed_in_is_sent_to_sign_in(client):
    response = client.get(reverse("insight:demand"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_overview_shows_value_and_failure_demand_and_the_rates(client, analyst, demand):
    client.force_login(analyst)
    response = client.get(reverse("insight:demand"))
    html = response.content.decode()
    by_service = next(t for t in tables_on(html) if t["caption"] == "Value and failure demand by service")
    # Bins: 2 value first contacts + 2 chasing (failure) + 1 failure = 2 value, 3 failure. Potholes: 1 value.
    assert by_service["rows"][1:] == [["Household waste", "2", "3", "5", "60.0"], ["Potholes", "1", "0", "1", "0.0"]]
    repeat = next(t for t in tables_on(html) if t["caption"] == "Repeat-contact rate by service")
    assert repeat["rows"][1] == ["Household waste", "5", "2", "40.0"]
    fpr = next(t for t in tables_on(html) if t["caption"] == "First-point resolution by service")
    assert fpr["rows"][1] == ["Household waste", "3", "1", "33.3"]
    # All services: 6 contacts, 3 failure; 4 needs opened, 1 resolved at once; 2 repeat contacts.
    assert "3 contacts, 50.0% of all" in html
    assert "33.3%: 2 contacts were not the first about their need" in html
    assert "25.0%: 1 of 4 needs opened were dealt with at the first contact" in html


def test_weekly_failure_share_is_computed_from_the_database_by_monday_weeks(bins):
    sunday_night = dt.datetime(2025, 3, 9, 23, 30, tzinfo=dt.UTC)
    need_with_contacts(service=bins, opened_at=sunday_night, first="failure", cause="not_done")
    need_with_contacts(service=bins, opened_at=sunday_night + HOUR)  # Monday 00:30: the next week
    need_with_contacts(service=bins, opened_at=sunday_night + 2 * HOUR, first="failure", cause="done_wrong")
    cube = selectors.contact_cube(selectors.DemandFilters())
    from tellus.insight.analytics import weekly_failure_share

    weekly = weekly_failure_share(cube)
    assert [w.date().isoformat() for w in weekly["week"]] == ["2025-03-03", "2025-03-10"]
    assert list(weekly["failure_share"]) == pytest.approx([1.0, 0.5])


def test_filters_narrow_the_figures_to_a_service_channel_and_dates(client, analyst, demand, bins):
    client.force_login(analyst)
    response = client.get(reverse("insight:demand"), {"service": bins.pk, "channel": "email", "end": "2025-03-09"})
    by_service = next(t for t in tables_on(response.content.decode()) if "by service" in t["caption"])
    assert by_service["rows"][1:] == [["Household waste", "1", "1", "2", "50.0"]]


@pytest.mark.parametrize("page", ["insight:demand", "insight:failure", "insight:end_to_end", "insight:capability"])
def test_an_end_date_before_the_start_date_shows_only_the_error_and_no_figures(client, analyst, demand, page):
    client.force_login(analyst)
    response = client.get(reverse(page), {"start": "2025-03-20", "end": "2025-03-01"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "The end date must be the same as or after the start date." in html
    assert tables_on(html) == []
    assert "<svg" not in html


def test_the_failure_page_ranks_the_causes(client, analyst, demand):
    client.force_login(analyst)
    html = client.get(reverse("insight:failure")).content.decode()
    causes = next(t for t in tables_on(html) if t["caption"] == "Failure demand by cause")
    assert causes["rows"][1:] == [["Chasing progress", "2", "66.7"], ["Something was not done", "1", "33.3"]]


def test_the_end_to_end_page_gives_percentiles_per_service_and_a_capability_chart(client, analyst, demand):
    client.force_login(analyst)
    html = client.get(reverse("insight:end_to_end")).content.decode()
    per_service = next(t for t in tables_on(html) if t["caption"] == "End-to-end time by service")
    # Bins needs met after 0 s, 2 h and 10 days: median 2 h (0.1 days), 85th and 95th percentile 10 days.
    assert per_service["rows"][1:] == [
        ["Household waste", "3", "0.1", "10.0", "10.0"],
        ["Potholes", "1", "3.0", "3.0", "3.0"],
    ]
    assert "Capability chart" not in html, "one whole week of needs opened is not enough for a moving range"


def _weeks_of_needs(service: Any, medians: list[dt.timedelta], start: dt.datetime = MONDAY) -> None:
    """Three needs opened each week (Tuesday to Thursday): one at once, one at the week's median, one slower."""
    for week, median in enumerate(medians):
        monday = start + week * 7 * DAY
        for day, after in ((1, dt.timedelta(0)), (2, median), (3, median * 3)):
            need_with_contacts(service=service, opened_at=monday + day * DAY, met_after=after)


def test_the_end_to_end_chart_plots_medians_to_the_hour_so_a_day_boundary_is_not_a_signal(client, analyst, bins):
    # Medians of 1 day 20 h to 2 days 2 h. Rounded down to whole days (the old measure) they read 1, 1, 1, 1, 1, 2,
    # 1, ...: moving ranges of nothing but one jump, so the 2 was "beyond the limits". To the hour it is routine.
    hours = [44, 45, 46, 47, 45, 50, 44, 46, 47, 45, 44, 46]
    _weeks_of_needs(bins, [dt.timedelta(hours=h) for h in hours])
    client.force_login(analyst)
    response = client.get(reverse("insight:end_to_end"))
    chart = next(t for t in tables_on(response.content.decode()) if "needs opened each week" in t["caption"])
    rows = chart["rows"][1:]
    assert [row[2] for row in rows[:3]] == ["1.8", "1.9", "1.9"]
    assert not any("Beyond" in row[4] or "run" in row[4] for row in rows)


def test_the_end_to_end_chart_is_withheld_when_the_median_is_met_at_once(client, analyst, bins):
    for week in range(6):
        for day in range(3):
            met_after = dt.timedelta(0) if day < 2 else dt.timedelta(days=4)
            need_with_contacts(service=bins, opened_at=MONDAY + (week * 7 + day) * DAY, met_after=met_after)
    client.force_login(analyst)
    html = client.get(reverse("insight:end_to_end")).content.decode()
    assert "its limits would mean nothing" in html
    assert "Capability chart" not in html


def test_part_weeks_at_either_end_are_marked_and_never_signal(client, analyst, bins):
    # Ten whole weeks of four contacts, one of them failure demand (25%); the records begin on a Saturday with two
    # failure contacts (100%) and end on a Tuesday with one value contact (0%): both far outside the limits.
    first = MONDAY - 2 * DAY
    for day in range(2):
        need_with_contacts(service=bins, opened_at=first + day * DAY, first="failure", cause="not_done")
    for week in range(10):
        for n in range(4):
            failure = n == 0
            need_with_contacts(
                service=bins, opened_at=MONDAY + week * 7 * DAY + n * DAY, first="failure" if failure else "value",
                cause="not_done" if failure else "",
            )  # fmt: skip
    need_with_contacts(service=bins, opened_at=MONDAY + 70 * DAY + DAY)
    client.force_login(analyst)
    html = client.get(reverse("insight:capability")).content.decode()
    chart = next(t for t in tables_on(html) if "weekly failure-demand share" in t["caption"])
    rows = chart["rows"][1:]
    assert len(rows) == 12
    assert rows[0][:3] == ["2025-02-24", "2", "100.0"]
    assert rows[0][4] == "Part week (2 of 7 days): not judged"
    assert rows[-1][4] == "Part week (2 of 7 days): not judged"
    assert all(row[4] == "" for row in rows[1:-1]), "ten weeks of 25% are routine"
    assert "2 weeks are not whole" in html
    assert "part period: not judged" in html


def test_the_capability_page_charts_the_weekly_failure_share_with_its_limits(client, analyst, demand):
    client.force_login(analyst)
    html = client.get(reverse("insight:capability")).content.decode()
    chart = next(t for t in tables_on(html) if "weekly failure-demand share" in t["caption"])
    # Week of 3 March: 4 contacts (the chase on the 5th included), 1 failure; 10 March: 1 chase; 17 March: 1.
    assert [row[:3] for row in chart["rows"][1:]] == [["2025-03-03", "4", "25.0"], ["2025-03-10", "1", "100.0"],
                                                      ["2025-03-17", "1", "100.0"]]  # fmt: skip
    assert "Upper limit" in html and "Lower limit" in html


@pytest.mark.parametrize("name", PAGES)
def test_every_figure_csv_matches_its_table(client, analyst, demand, name):
    client.force_login(analyst)
    response = client.get(reverse(name))
    assert response.context["figures"], "the page has figures"
    html_tables = tables_on(response.content.decode())
    for figure in response.context["figures"]:
        table = next(t for t in html_tables if t["caption"] == figure.table.caption)
        download = client.get(reverse(name), {"format": "csv", "table": figure.key})
        assert download.status_code == 200
        assert download["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(download.content.decode())))
        assert len(rows) == len(table["rows"])
        for html_row, csv_row in zip(table["rows"], rows, strict=True):
            assert [_as_in_csv(cell) for cell in html_row] == csv_row


def _as_in_csv(cell: str) -> str:
    """The table shows 1,234 and a dash for nothing; the CSV has 1234 and an empty cell."""
    if cell == "\N{EN DASH}":
        return ""
    bare = cell.replace(",", "")
    return bare if bare.replace(".", "", 1).isdigit() else cell


def test_a_csv_for_a_table_that_is_not_on_the_page_is_not_found(client, analyst, demand):
    client.force_login(analyst)
    assert client.get(reverse("insight:demand"), {"format": "csv", "table": "nope"}).status_code == 404


@pytest.mark.parametrize("name", PAGES)
def test_each_page_says_so_when_there_are_no_contacts(client, analyst, name):
    client.force_login(analyst)
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert b'class="empty-state"' in response.content
    assert b'role="img"' not in response.content


def test_a_filter_that_matches_nothing_says_so(client, analyst, demand):
    client.force_login(analyst)
    response = client.get(reverse("insight:demand"), {"start": "2030-01-01"})
    assert "Nothing matches these filters." in response.content.decode()


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("name", PAGES)
def test_each_page_makes_the_same_few_queries_however_much_demand_there_is(client, analyst, demand, name):
    client.force_login(analyst)
    url = reverse(name)
    before = _queries(client, url)
    for n in range(6):
        service = ServiceFactory(code=f"extra-{n}")
        for week in range(4):
            need_with_contacts(
                service=service, opened_at=MONDAY + week * 7 * DAY, met_after=DAY, repeats=((HOUR, "not_done"),)
            )
    after = _queries(client, url)
    assert after == before
    assert after <= 10  # the session, the user, their roles, the two-factor check, then the page's own (and the
    # MIN/MAX of the days recorded, for the part weeks)
