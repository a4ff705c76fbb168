"""A year of contacts and needs for the demo town.

`demo_year_generate` is a plain function with no ORM: give it people, services, a seed and a start date and it
returns the same year every time. `load.demo_year_load` picks the people and services from the database, generates
the year and inserts it in bulk, with one audit entry per need and per contact, as for any system import."""

from __future__ import annotations

import datetime as dt
import math
import random
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import accumulate
from zoneinfo import ZoneInfo

from .profiles import (
    CHANNELS,
    DAYS,
    DEFAULT_PROFILE,
    FIRST_CAUSES,
    MONTHS,
    PROFILES,
    REPEAT_CAUSES,
    REPEAT_WORDS,
    STAFFED,
    STREETS,
    Profile,
)

DEFAULT_CONTACTS_PER_PERSON = 7.5  # 150,000 contacts a year for a town of 20,000 people
FRONT_OFFICE = "Customer contact centre"
ANONYMOUS_SHARE = {"app": 0.25, "web": 0.05, "social": 0.1}
UTC = dt.UTC

# Relative volume by weekday (Monday first). Staffed channels close on Sunday and barely open on Saturday;
# people write and use apps every day, a little less at weekends.
WEEKDAY_STAFFED = (1.45, 1.1, 1.05, 1.0, 0.9, 0.12, 0.0)
WEEKDAY_DIGITAL = (1.25, 1.05, 1.0, 1.0, 0.95, 0.7, 0.65)


@dataclass(frozen=True)
class ServiceInfo:
    id: int
    code: str
    team: str
    what_matters: tuple[str, ...] = ()


@dataclass
class NeedRow:
    person_id: int | None
    service_id: int
    summary: str
    status: str
    opened_at: dt.datetime
    met_at: dt.datetime | None
    closed_at: dt.datetime | None
    closed_reason: str
    holder_team: str
    handed_off: bool


@dataclass
class ContactRow:
    need: int  # index into DemoYear.needs
    person_id: int | None
    service_id: int
    occurred_at: dt.datetime
    channel: str
    words: str
    capacity: str
    what_matters: str
    demand_type: str
    failure_cause: str
    first: bool
    resolved_at_first_point: bool
    handed_off_to: str


@dataclass
class DemoYear:
    start: dt.date
    days: int
    needs: list[NeedRow] = field(default_factory=list)
    contacts: list[ContactRow] = field(default_factory=list)


def season_factor(season: str, day: dt.date) -> float:
    """How busy a service is on a day of the year, relative to its usual (1.0)."""
    doy = day.timetuple().tm_yday
    if season == "christmas":  # late and missed collections over the holidays, garden waste in spring
        holidays = (day.month == 12 and day.day >= 20) or (day.month == 1 and day.day <= 10)
        return 2.2 if holidays else 1.0 + 0.25 * max(0.0, math.cos(2 * math.pi * (doy - 110) / 365))
    if season == "winter":  # dark evenings, frost and potholes, heating repairs
        return 1.0 + 0.6 * math.cos(2 * math.pi * (doy - 15) / 365)
    if season == "summer":
        return 1.0 + 0.6 * math.cos(2 * math.pi * (doy - 196) / 365)
    if season == "autumn":  # leaves
        return 1.0 + 0.7 * max(0.0, math.cos(2 * math.pi * (doy - 305) / 365)) ** 2
    if season == "spring":
        return 1.0 + 0.4 * math.cos(2 * math.pi * (doy - 100) / 365)
    if season == "rates":  # annual bills land in March
        return 2.6 if (day.month == 3 and day.day >= 10) or (day.month == 4 and day.day <= 20) else 0.9
    if season == "elections":  # the canvass in autumn, polling day in early May
        return 2.0 if day.month in (8, 9, 10) or (day.month == 4 and day.day >= 15) or day.month == 5 else 0.6
    return 1.0


def _profile(code: str) -> Profile:
    return PROFILES.get(code, DEFAULT_PROFILE)


@cache
def _cumulative(weights: tuple[float, ...]) -> tuple[list[float], float]:
    cumulative = list(accumulate(weights))
    return cumulative, cumulative[-1] + 0.0


def _choose(rng: random.Random, population: Sequence[str], weights: tuple[float, ...]) -> str:
    """`rng.choices(population, weights)[0]`, drawing the same random number and giving the same answer, without
    summing the weights again for each of a quarter of a million draws."""
    cumulative, total = _cumulative(weights)
    return population[bisect_right(cumulative, rng.random() * total, 0, len(cumulative) - 1)]


@cache
def _keys_and_weights(weighted: tuple[tuple[str, float], ...]) -> tuple[tuple[str, ...], tuple[float, ...]]:
    return tuple(key for key, _ in weighted), tuple(weight for _, weight in weighted)


def _pick(rng: random.Random, weighted: tuple[tuple[str, float], ...]) -> str:
    return _choose(rng, *_keys_and_weights(weighted))


class _Calendar:
    """Cumulative day weights per (season, staffed or not), so a day is drawn in one bisect."""

    def __init__(self, start: dt.date, days: int) -> None:
        self.dates = [start + dt.timedelta(days=i) for i in range(days)]
        self._cumulative: dict[tuple[str, bool], list[float]] = {}

    def draw_day(self, rng: random.Random, season: str, staffed: bool) -> int:
        key = (season, staffed)
        cumulative = self._cumulative.get(key)
        if cumulative is None:
            weekday = WEEKDAY_STAFFED if staffed else WEEKDAY_DIGITAL
            weights = [season_factor(season, day) * weekday[day.weekday()] for day in self.dates]
            cumulative = self._cumulative[key] = list(accumulate(weights))
        return bisect_left(cumulative, rng.random() * cumulative[-1])


def _moment(rng: random.Random, day: dt.date, staffed: bool, tz: ZoneInfo) -> dt.datetime:
    if staffed:  # opening hours, busiest mid-morning
        minute = int(rng.triangular(8 * 60 + 30, 17 * 60 + 30, 10 * 60))
    else:  # any time, busiest in the evening
        minute = int(rng.triangular(6 * 60, 24 * 60 - 1, 20 * 60))
    local = dt.datetime(day.year, day.month, day.day, minute // 60, minute % 60, rng.randrange(60), tzinfo=tz)
    return local.astimezone(UTC)


def _staffed_day(date: dt.date, staffed: bool) -> dt.date:
    """A repeat phone call that would fall on a Sunday is made on Monday: the Monday peak."""
    if staffed and date.weekday() == 6:
        return date + dt.timedelta(days=1)
    return date


def _words(rng: random.Random, template: str, *, thing: str, when: dt.date) -> str:
    return template.format(
        day=DAYS[rng.randrange(len(DAYS))],
        street=STREETS[rng.randrange(len(STREETS))],
        weeks=rng.randint(2, 4),
        month=MONTHS[(when.month - 2) % 12],
        thing=thing,
    )


def _repeat_count(rng: random.Random, mean: float) -> int:
    """Geometric number of further contacts with the given mean."""
    q = mean / (1 + mean)
    count = 0
    while rng.random() < q:
        count += 1
    return count


def _duration(rng: random.Random, median_days: float) -> dt.timedelta:
    days = median_days * math.exp(rng.gauss(0.0, 0.8))
    return dt.timedelta(seconds=int(days * 86400))


def demo_year_generate(
    *,
    seed: int,
    people: Sequence[int],
    services: Sequence[ServiceInfo],
    start: dt.date,
    days: int = 365,
    contacts_per_person: float = DEFAULT_CONTACTS_PER_PERSON,
    time_zone: str = "Europe/London",
) -> DemoYear:
    """A year of needs and contacts: about `contacts_per_person` contacts for each person, some anonymous."""
    if not services:
        raise ValueError("The demo year needs at least one service.")
    rng = random.Random(seed)
    tz = ZoneInfo(time_zone)
    calendar = _Calendar(start, days)
    end = dt.datetime.combine(start + dt.timedelta(days=days), dt.time(), tzinfo=tz).astimezone(UTC)
    # A few people are in touch far more than most: the many-touchpoint people of seed 002.
    person_weights = list(accumulate(min(rng.paretovariate(1.6), 40.0) for _ in people))
    service_weights = list(accumulate(_profile(s.code).weight for s in services))
    year = DemoYear(start=start, days=days)
    target = round(len(people) * contacts_per_person) if people else 0
    while len(year.contacts) < target:
        service = services[bisect_left(service_weights, rng.random() * service_weights[-1])]
        person_id = people[bisect_left(person_weights, rng.random() * person_weights[-1])]
        _need_generate(rng, year, calendar, service=service, person_id=person_id, end=end, tz=tz)
    return _chronological(year)


def _chronological(year: DemoYear) -> DemoYear:
    """Needs in the order they were opened and contacts in the order they happened, as they would have been
    recorded; ids then follow time, and the database's time indexes are written in order."""
    order = sorted(range(len(year.needs)), key=lambda i: year.needs[i].opened_at)
    new_index = {old: new for new, old in enumerate(order)}
    year.needs = [year.needs[i] for i in order]
    for contact in year.contacts:
        contact.need = new_index[contact.need]
    year.contacts.sort(key=lambda c: (c.occurred_at, c.need))
    return year


def _need_generate(
    rng: random.Random,
    year: DemoYear,
    calendar: _Calendar,
    *,
    service: ServiceInfo,
    person_id: int | None,
    end: dt.datetime,
    tz: ZoneInfo,
) -> None:
    profile = _profile(service.code)
    channel = _choose(rng, CHANNELS, profile.mix)
    staffed = channel in STAFFED
    day = calendar.dates[calendar.draw_day(rng, profile.season, staffed)]
    opened_at = _moment(rng, day, staffed, tz)
    if rng.random() < ANONYMOUS_SHARE.get(channel, 0.0):
        person_id = None
    failure = rng.random() < profile.first_failure
    templates = (profile.failures if failure else profile.asks) or profile.asks or ("I need help with {thing}.",)
    thing = profile.thing if profile.thing != "this" else "this"
    words = _words(rng, templates[rng.randrange(len(templates))], thing=thing, when=day)
    resolved = rng.random() < profile.first_point
    handed = not resolved and rng.random() < 0.6
    met_at: dt.datetime | None = opened_at if resolved else opened_at + _duration(rng, profile.e2e_days)
    closed = not resolved and rng.random() < 0.04
    repeats = 0 if resolved else _repeat_count(rng, profile.repeats)
    index = len(year.needs)
    need = NeedRow(
        person_id=person_id,
        service_id=service.id,
        summary=words[:300],
        status="met",
        opened_at=opened_at,
        met_at=met_at,
        closed_at=None,
        closed_reason="",
        holder_team=service.team if handed else FRONT_OFFICE,
        handed_off=handed,
    )
    last = met_at if met_at is not None and met_at < end else end
    if closed and met_at is not None and met_at < end:
        need.status, need.met_at, need.closed_at = "closed_other", None, met_at
        need.closed_reason = "The person withdrew the request."
    elif met_at is None or met_at >= end:
        need.status, need.met_at = ("in_progress" if handed else "open"), None
        last = min(end, opened_at + dt.timedelta(days=60))
    year.needs.append(need)
    what_matters = service.what_matters[rng.randrange(len(service.what_matters))] if service.what_matters else ""
    year.contacts.append(
        ContactRow(
            need=index,
            person_id=person_id,
            service_id=service.id,
            occurred_at=opened_at,
            channel=channel,
            words=words,
            capacity=profile.capacity if person_id is not None else "",
            what_matters=what_matters,
            demand_type="failure" if failure else "value",
            failure_cause=_pick(rng, FIRST_CAUSES) if failure else "",
            first=True,
            resolved_at_first_point=resolved,
            handed_off_to=service.team if handed else "",
        )
    )
    _repeats_generate(rng, year, profile, need=need, index=index, count=repeats, last=last, tz=tz, thing=thing)


def _repeats_generate(
    rng: random.Random,
    year: DemoYear,
    profile: Profile,
    *,
    need: NeedRow,
    index: int,
    count: int,
    last: dt.datetime,
    tz: ZoneInfo,
    thing: str,
) -> None:
    span = (last - need.opened_at).total_seconds()
    if span <= 0:
        return
    for _ in range(count):
        channel = _choose(rng, CHANNELS, profile.mix)
        staffed = channel in STAFFED
        when = need.opened_at + dt.timedelta(seconds=rng.random() * span)
        day = _staffed_day(when.astimezone(tz).date(), staffed)
        occurred_at = _moment(rng, day, staffed, tz)
        if occurred_at <= need.opened_at or occurred_at >= last:
            continue
        # Officers judge most repeats failure demand; a few bring something new and are value demand.
        failure = rng.random() < 0.95
        cause = _pick(rng, REPEAT_CAUSES) if failure else ""
        templates = REPEAT_WORDS[cause or "repeat"]
        year.contacts.append(
            ContactRow(
                need=index,
                person_id=need.person_id,
                service_id=need.service_id,
                occurred_at=occurred_at,
                channel=channel,
                words=_words(rng, templates[rng.randrange(len(templates))], thing=thing, when=day),
                capacity=profile.capacity if need.person_id is not None else "",
                what_matters="",
                demand_type="failure" if failure else "value",
                failure_cause=cause,
                first=False,
                resolved_at_first_point=False,
                handed_off_to="",
            )
        )
