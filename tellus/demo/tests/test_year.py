"""The demo year: the same every time for a seed, the right volume, failure demand that differs by service, and
the weekly rhythm of a council's contact centre. Then loaded into the database with its audit trail."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from tellus.demand.models import Contact, Need, NeedEvent
from tellus.demand.tests.factories import ServiceFactory
from tellus.demo.year.generate import (
    DEFAULT_CONTACTS_PER_PERSON,
    DemoYear,
    ServiceInfo,
    demo_year_generate,
)
from tellus.demo.year.load import demo_year_load
from tellus.demo.year.profiles import PROFILES
from tellus.people.tests.factories import PersonFactory
from tellus.privacy.models import AuditEvent, Purpose
from tellus.privacy.services import Actor

START = dt.date(2024, 7, 1)
SERVICES = [
    ServiceInfo(id=i, code=code, team=f"Team {i}", what_matters=("being kept informed",))
    for i, code in enumerate(PROFILES, start=1)
]


def year(people: int = 2000, seed: int = 7) -> DemoYear:
    return demo_year_generate(seed=seed, people=list(range(1, people + 1)), services=SERVICES, start=START)


@pytest.fixture(scope="module")
def town() -> DemoYear:
    return year()


def test_the_same_seed_gives_the_same_year_and_another_seed_another():
    assert year(300, seed=3) == year(300, seed=3)
    assert year(300, seed=3).contacts != year(300, seed=4).contacts


def test_volume_scales_with_the_town_to_150000_contacts_for_20000_people(town):
    small = year(500)
    assert len(town.contacts) == pytest.approx(2000 * DEFAULT_CONTACTS_PER_PERSON, abs=2)
    assert len(small.contacts) == pytest.approx(500 * DEFAULT_CONTACTS_PER_PERSON, abs=2)
    assert round(20_000 * DEFAULT_CONTACTS_PER_PERSON) >= 150_000
    assert len(town.needs) < len(town.contacts)  # people come back about the same need


def failure_shares(town: DemoYear) -> dict[int, float]:
    total, failure = Counter[int](), Counter[int]()
    for contact in town.contacts:
        total[contact.service_id] += 1
        failure[contact.service_id] += contact.demand_type == "failure"
    return {service: failure[service] / total[service] for service in total if total[service] >= 100}


def test_failure_demand_differs_by_service_and_is_40_to_70_percent_in_the_worst(town):
    shares = failure_shares(town)
    worst = max(shares.values())
    assert 0.40 <= worst <= 0.70
    assert min(shares.values()) < 0.25
    overall = sum(c.demand_type == "failure" for c in town.contacts) / len(town.contacts)
    assert 0.30 <= overall <= 0.60
    codes = {s.id: s.code for s in SERVICES}
    assert max(shares, key=lambda s: shares[s]) in {
        s.id for s in SERVICES if codes[s.id] in {"household-waste", "rates", "social-housing", "homelessness"}
    }


def test_weekdays_are_busier_than_weekends_and_monday_is_busiest(town):
    by_day = Counter(c.occurred_at.astimezone(dt.UTC).weekday() for c in town.contacts)
    weekday_mean = sum(by_day[d] for d in range(5)) / 5
    weekend_mean = (by_day[5] + by_day[6]) / 2
    assert weekday_mean > 2 * weekend_mean
    assert by_day[0] == max(by_day.values())


def test_bins_are_busier_over_christmas_than_in_autumn(town):
    waste = next(s.id for s in SERVICES if s.code == "household-waste")
    days = Counter(c.occurred_at.date() for c in town.contacts if c.service_id == waste and c.first)
    christmas = sum(n for d, n in days.items() if dt.date(2024, 12, 20) <= d <= dt.date(2025, 1, 9))
    october = sum(n for d, n in days.items() if dt.date(2024, 10, 1) <= d <= dt.date(2024, 10, 21))
    assert christmas > 1.5 * october


def test_every_channel_is_used_and_the_phone_most(town):
    channels = Counter(c.channel for c in town.contacts)
    assert set(channels) == {"phone", "counter", "email", "web", "app", "letter", "social"}
    assert channels.most_common(1)[0][0] == "phone"


def test_the_year_keeps_the_rules_of_needs_and_contacts(town):
    firsts = Counter(c.need for c in town.contacts if c.first)
    assert set(firsts.values()) == {1} and len(firsts) == len(town.needs)
    for contact in town.contacts:
        need = town.needs[contact.need]
        assert contact.occurred_at >= need.opened_at
        assert (contact.demand_type == "failure") == bool(contact.failure_cause)
        assert contact.person_id == need.person_id
    for need in town.needs:
        assert (need.status == "met") == (need.met_at is not None)
        assert need.met_at is None or need.met_at >= need.opened_at


@pytest.mark.django_db
def test_the_loader_inserts_the_year_with_one_audit_entry_per_need_and_contact():
    people = [PersonFactory(display_name=f"Person {i}") for i in range(40)]
    PersonFactory(display_name="Merged", merged_into=people[0])
    bins = ServiceFactory(code="household-waste", responsible_team="Waste services", standard_days=2)
    ServiceFactory(code="rates", responsible_team="Revenues")
    seen: list[tuple[int, int]] = []
    count = demo_year_load(seed=1, actor=Actor.system("tellus demo"), progress=lambda d, t: seen.append((d, t)))
    assert count == Contact.objects.count() == pytest.approx(40 * DEFAULT_CONTACTS_PER_PERSON, abs=2)
    needs = Need.objects.count()
    assert NeedEvent.objects.filter(kind="opened").count() == needs
    audit = AuditEvent.objects.filter(purpose=Purpose.DATA_IMPORT, actor_label="tellus demo")
    assert audit.filter(object_type="demand.need").count() == needs
    assert audit.filter(object_type="demand.contact").count() == count
    assert not Contact.objects.filter(person__merged_into__isnull=False).exists()
    assert seen[-1][0] == seen[-1][1]
    met = Need.objects.filter(status="met").first()
    assert met is not None and met.end_to_end_seconds == int((met.met_at - met.opened_at).total_seconds())
    # Each need is due its service's standard after it was opened; a service with none gives no due date.
    assert all(n.due_at == n.opened_at + dt.timedelta(days=2) for n in Need.objects.filter(service=bins))
    assert not Need.objects.exclude(service=bins).filter(due_at__isnull=False).exists()
    # New rows after the load get fresh ids on every database.
    extra = Need.objects.create(summary="after", opened_at=met.opened_at)
    assert extra.pk > max(Need.objects.exclude(pk=extra.pk).values_list("pk", flat=True))


def _index_definitions() -> list[tuple[str, str]]:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name")
        else:
            cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname")
        return list(cursor.fetchall())


@pytest.mark.django_db
def test_the_loader_leaves_every_index_as_the_migrations_made_it_and_still_checks_unique_ones():
    from django.db import IntegrityError

    people = [PersonFactory(display_name=f"Person {i}") for i in range(20)]
    ServiceFactory(code="household-waste", responsible_team="Waste services")
    before = _index_definitions()
    demo_year_load(seed=1, actor=Actor.system("tellus demo"))
    assert _index_definitions() == before
    first = Contact.objects.filter(is_first_contact_for_need=True).first()
    assert first is not None and people
    with pytest.raises(IntegrityError):  # one first contact per need, enforced by an index made again
        Contact.objects.create(
            need=first.need, is_first_contact_for_need=True, occurred_at=first.occurred_at, words="again"
        )
