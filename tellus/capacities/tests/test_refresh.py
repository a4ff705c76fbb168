"""capacities_refresh: deriving, storing and incrementally recomputing capacities, audited."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from tellus.capacities.models import PersonCapacity, RefreshRun
from tellus.capacities.services import capacities_refresh
from tellus.linkage.models import PersonMerge
from tellus.linkage.services import person_merge_undo, persons_merge
from tellus.people.models import Person
from tellus.privacy.models import AuditAction, AuditEvent, Purpose
from tellus.privacy.services import Actor

from .factories import a_person, a_property, add_home, add_record

pytestmark = pytest.mark.django_db
D = dt.date
ACTOR = Actor.system("test")


def held(person: Person) -> list[tuple[str, dt.date | None, dt.date | None]]:
    return sorted((c.capacity, c.valid_from, c.valid_to) for c in PersonCapacity.objects.filter(person=person))


def test_a_refresh_stores_each_capacity_with_its_rule_and_evidence() -> None:
    alice = a_person(date_of_birth=D(1980, 5, 17))
    home = a_property(ward="North")
    elector = add_record(alice, "electoral", valid_from=D(2019, 3, 4), prop=home)
    add_home(alice, elector)

    summary = capacities_refresh(actor=ACTOR)

    assert summary.full and summary.reason == "no earlier refresh"
    assert held(alice) == [
        ("citizen", D(2019, 3, 4), None),
        ("elector", D(2019, 3, 4), None),
        ("resident", D(2019, 3, 4), None),
    ]
    resident = PersonCapacity.objects.get(person=alice, capacity="resident")
    assert resident.rule == "resident-electoral-register"
    assert resident.property == home
    assert list(resident.evidence.all()) == [elector]
    assert summary.run.people_changed == 1 and summary.run.capacities_added == 3


def test_a_company_ratepayer_gives_no_one_a_capacity() -> None:
    add_record(None, "rates", valid_from=D(2010, 4, 1), is_organisation=True, ratepayer_type="Organisation")

    capacities_refresh(actor=ACTOR)

    assert PersonCapacity.objects.count() == 0


def test_an_organisation_record_wrongly_linked_to_a_person_is_ignored() -> None:
    bob = a_person()
    add_record(bob, "rates", valid_from=D(2010, 4, 1), is_organisation=True, ratepayer_type="Individual")

    capacities_refresh(actor=ACTOR)

    assert held(bob) == []


def test_capacities_of_a_person_who_died_end_on_the_date_of_death() -> None:
    edna = a_person(date_of_birth=D(1931, 2, 2), date_of_death=D(2026, 4, 9))
    add_record(edna, "rates", valid_from=D(1990, 4, 1), ratepayer_type="Individual", account_status="Deceased")

    capacities_refresh(actor=ACTOR)

    assert held(edna) == [("citizen", D(1990, 4, 1), D(2026, 4, 9)), ("ratepayer", D(1990, 4, 1), D(2026, 4, 9))]


def test_an_unchanged_person_is_not_looked_at_again_and_nothing_is_rewritten() -> None:
    alice = a_person()
    add_record(alice, "library", valid_from=D(2020, 1, 1), status="Active")
    capacities_refresh(actor=ACTOR)
    ids = list(PersonCapacity.objects.values_list("pk", flat=True))

    second = capacities_refresh(actor=ACTOR)

    assert not second.full
    assert second.run.people_considered == 0
    assert list(PersonCapacity.objects.values_list("pk", flat=True)) == ids


def test_an_incremental_refresh_recomputes_only_people_whose_records_changed() -> None:
    alice, bob = a_person(display_name="Alice"), a_person(display_name="Bob")
    card = add_record(alice, "library", valid_from=D(2020, 1, 1), status="Active")
    add_record(bob, "library", valid_from=D(2021, 1, 1), status="Active")
    capacities_refresh(actor=ACTOR)

    card.raw = {"status": "Expired"}
    card.updated_at = card.updated_at + dt.timedelta(days=1)
    card.save()
    summary = capacities_refresh(actor=ACTOR)

    assert summary.run.people_considered == 1
    assert held(alice) == [("citizen", D(2020, 1, 1), None)]
    assert ("client", D(2021, 1, 1), None) in held(bob)
    change = AuditEvent.objects.get(
        object_type="capacities.personcapacity", subject_person_id=alice.pk, context__refresh_run=summary.run.pk
    )
    assert change.action == AuditAction.UPDATE
    assert change.changes["capacities"][0] == ["client 2020-01-01.. (client-library-member)"]
    assert change.changes["capacities"][1] == []


def test_a_new_occupancy_is_picked_up_by_an_incremental_refresh() -> None:
    alice = a_person()
    record = add_record(alice, "electoral", valid_from=D(2018, 1, 1), prop=a_property())
    capacities_refresh(actor=ACTOR)
    assert "resident" not in {c for c, _, _ in held(alice)}

    add_home(alice, record, date_to=D(2026, 3, 31))
    summary = capacities_refresh(actor=ACTOR)

    assert summary.run.people_considered == 1
    assert ("resident", D(2018, 1, 1), D(2026, 3, 31)) in held(alice)


def test_a_merge_and_its_undo_are_followed_by_the_next_refresh() -> None:
    alice, twin = a_person(display_name="Alice"), a_person(display_name="Alice E")
    add_record(alice, "library", valid_from=D(2020, 1, 1), status="Active")
    add_record(twin, "rates", valid_from=D(2015, 4, 1), ratepayer_type="Individual")
    capacities_refresh(actor=ACTOR)

    merge = persons_merge(
        survivor=alice, absorbed=twin, actor=ACTOR, purpose=Purpose.CASEWORK, reason=PersonMerge.Reason.STAFF
    )
    capacities_refresh(actor=ACTOR)

    assert {c for c, _, _ in held(alice)} == {"citizen", "client", "ratepayer"}
    assert held(twin) == []
    assert PersonCapacity.objects.filter(person=alice, capacity="citizen").get().valid_from == D(2015, 4, 1)

    person_merge_undo(merge=merge, actor=ACTOR, purpose=Purpose.CASEWORK)
    capacities_refresh(actor=ACTOR)

    assert {c for c, _, _ in held(alice)} == {"citizen", "client"}
    assert {c for c, _, _ in held(twin)} == {"citizen", "ratepayer"}


def test_a_changed_rules_file_makes_the_next_refresh_a_full_one(tmp_path) -> None:  # type: ignore[no-untyped-def]
    alice = a_person()
    add_record(alice, "library", valid_from=D(2020, 1, 1), status="Active")
    capacities_refresh(actor=ACTOR)
    rules = tmp_path / "rules.toml"
    rules.write_text('[[rule]]\nkey = "only-citizens"\ncapacity = "citizen"\nsource = "any"\ndescription = "Anyone."\n')

    summary = capacities_refresh(actor=ACTOR, rules_path=rules)

    assert summary.full and summary.reason == "the rules have changed"
    assert held(alice) == [("citizen", None, None)]


def test_progress_is_reported_and_a_failed_run_is_marked_failed(monkeypatch: pytest.MonkeyPatch) -> None:
    a_person()
    seen: list[tuple[int, int]] = []
    capacities_refresh(actor=ACTOR, full=True, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 1)]

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk full")

    monkeypatch.setattr("tellus.capacities.services.derive_capacities", broken)
    with pytest.raises(RuntimeError):
        capacities_refresh(actor=ACTOR, full=True)
    assert RefreshRun.objects.order_by("-id").first().status == RefreshRun.Status.FAILED  # type: ignore[union-attr]


def test_the_command_prints_a_summary() -> None:
    alice = a_person()
    add_record(alice, "library", valid_from=D(2020, 1, 1), status="Active")
    out, err = StringIO(), StringIO()

    call_command("capacities", "refresh", "--full", stdout=out, stderr=err)

    assert "Full refresh (asked for)." in out.getvalue()
    assert "people whose capacities changed: 1" in out.getvalue()
    assert "Capacities added: 2; removed: 0." in out.getvalue()


def test_the_rules_command_prints_each_rule_for_a_council_to_read() -> None:
    out = StringIO()
    call_command("capacities", "rules", stdout=out)
    assert "elector-electoral-register: elector from electoral_roll" in out.getvalue()
