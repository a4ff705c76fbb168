"""Making the demo year worse for some people, as real services are for people with the least voice: their needs
take longer to meet, fewer are sorted at the first contact, more of their contacts are failure demand, and they
have to chase more often. A plain function over a generated year (no ORM), with its own random stream so that
everyone else's year is exactly what `demo_year_generate` made.

`hardship` maps a person to a factor: 1.0 changes nothing (a group "made equal"), 2.0 roughly doubles their
end-to-end times and adds about one chasing contact per need."""

from __future__ import annotations

import datetime as dt
import heapq
import math
import random
from collections.abc import Mapping
from operator import attrgetter

from .generate import ContactRow, DemoYear, _pick
from .profiles import FIRST_CAUSES, REPEAT_CAUSES, REPEAT_WORDS

UTC = dt.UTC


def demo_year_worsen(year: DemoYear, *, hardship: Mapping[int, float], seed: int) -> DemoYear:
    rng = random.Random(f"hardship-{seed}")
    end = dt.datetime.combine(year.start + dt.timedelta(days=year.days), dt.time(), tzinfo=UTC)
    firsts = {contact.need: contact for contact in year.contacts if contact.first}
    added: list[ContactRow] = []
    for index, need in enumerate(year.needs):
        factor = hardship.get(need.person_id, 1.0) if need.person_id is not None else 1.0
        if factor <= 1.0 or need.status != "met" or need.met_at is None:
            continue
        worse = 1.0 - 1.0 / factor  # 0.5 at a factor of 2
        first = firsts[index]
        if first.resolved_at_first_point and rng.random() < worse:
            first.resolved_at_first_point = False
            need.met_at = need.opened_at + dt.timedelta(days=rng.expovariate(1.0 / 3.0))
        if first.demand_type == "value" and rng.random() < worse * 0.6:
            first.demand_type, first.failure_cause = "failure", _pick(rng, FIRST_CAUSES)
        stretched = need.opened_at + (need.met_at - need.opened_at) * factor
        if stretched >= end:
            need.status, need.met_at = "in_progress", None
            last = min(end, need.opened_at + dt.timedelta(days=60))
        else:
            need.met_at = last = stretched
        span = (last - need.opened_at).total_seconds()
        chases = sum(1 for _ in range(math.ceil(factor * 2)) if rng.random() < worse)
        for _ in range(chases if span > 3600 else 0):
            cause = _pick(rng, REPEAT_CAUSES)
            templates = REPEAT_WORDS[cause]
            occurred_at = need.opened_at + dt.timedelta(seconds=1800 + rng.random() * (span - 3600))
            added.append(
                ContactRow(
                    need=index, person_id=need.person_id, service_id=need.service_id, occurred_at=occurred_at,
                    channel=first.channel, words=templates[rng.randrange(len(templates))].format(
                        day="Monday", street="the road", weeks=2, month="last month", thing="this"),
                    capacity=first.capacity, what_matters="", demand_type="failure", failure_cause=cause,
                    first=False, resolved_at_first_point=False, handed_off_to="",
                )
            )  # fmt: skip
    # A repeat may now fall after a shortened or stopped need: keep only contacts up to the need's end.
    ends = {
        index: (need.met_at if need.met_at is not None else end)
        for index, need in enumerate(year.needs)
        if hardship.get(need.person_id or 0, 1.0) > 1.0
    }
    kept = [c for c in year.contacts if c.first or c.need not in ends or c.occurred_at < ends[c.need]]
    # Needs keep their order (no opening time moves); the new contacts merge into the contacts' time order.
    order = attrgetter("occurred_at", "need")
    year.contacts = list(heapq.merge(kept, sorted(added, key=order), key=order))
    return year
