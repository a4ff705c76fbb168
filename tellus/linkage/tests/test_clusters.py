"""Clusters of records become people: created in bulk, joined to people already known, merged undoably."""

from __future__ import annotations

import pytest

from tellus.linkage import clusters
from tellus.linkage.clusters import apply_clusters
from tellus.linkage.models import PersonMerge
from tellus.people.models import Occupancy, Person, Property, SourceRecord
from tellus.people.tests.factories import PersonFactory, PropertyFactory, SourceRecordFactory, SourceSystemFactory
from tellus.privacy.models import AuditEvent
from tellus.privacy.services import Actor

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("tellus resolve")


def test_a_cluster_of_new_records_becomes_one_person_with_their_commonest_name() -> None:
    a = SourceRecordFactory(first_name="Liz", last_name="Jones")
    b = SourceRecordFactory(first_name="Elizabeth", last_name="Jones")
    c = SourceRecordFactory(first_name="Elizabeth", last_name="Jones")
    lone = SourceRecordFactory(first_name="Bob", last_name="Stone")

    stats = apply_clusters([[a.pk, b.pk, c.pk], [lone.pk]], actor=ACTOR)

    assert stats.people_created == 2
    a.refresh_from_db()
    assert a.person is not None and a.person.display_name == "Elizabeth Jones"
    assert SourceRecord.objects.filter(person=a.person).count() == 3
    assert AuditEvent.objects.filter(object_type="people.person", action="create").count() == 2


def test_clusters_over_several_chunks_and_reads_all_become_people_with_every_record_audited(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(clusters, "CHUNK", 2)
    monkeypatch.setattr(clusters, "READ_BATCH", 3)
    person = PersonFactory()
    known = SourceRecordFactory(person=person)
    new = [SourceRecordFactory() for _ in range(7)]
    groups = [[r.pk for r in new[:3]], [new[3].pk], [new[4].pk, known.pk], [new[5].pk, new[6].pk]]

    stats = apply_clusters(groups, actor=ACTOR)

    assert (stats.people_created, stats.records_assigned) == (3, 7)
    assert not SourceRecord.objects.filter(person__isnull=True).exists()
    assert SourceRecord.objects.get(pk=new[4].pk).person_id == person.pk
    assert len({SourceRecord.objects.get(pk=pk).person_id for pk in groups[0]}) == 1
    linked = AuditEvent.objects.filter(object_type="people.sourcerecord", action="update")
    assert sorted(int(pk) for pk in linked.values_list("object_id", flat=True)) == sorted(r.pk for r in new)


def test_a_new_record_joins_the_person_its_cluster_already_has() -> None:
    person = PersonFactory()
    known = SourceRecordFactory(person=person)
    new = SourceRecordFactory()

    stats = apply_clusters([[known.pk, new.pk]], actor=ACTOR)

    new.refresh_from_db()
    assert new.person == person
    assert (stats.people_created, stats.records_assigned, stats.merges) == (0, 1, 0)


def test_a_cluster_spanning_two_people_merges_them_undoably() -> None:
    big, small = PersonFactory(), PersonFactory()
    r1, r2 = SourceRecordFactory(person=big), SourceRecordFactory(person=big)
    r3 = SourceRecordFactory(person=small)

    stats = apply_clusters([[r1.pk, r2.pk, r3.pk]], actor=ACTOR)

    assert stats.merges == 1
    merge = PersonMerge.objects.get()
    assert (merge.survivor, merge.absorbed, merge.reason) == (big, small, PersonMerge.Reason.LINKAGE)
    r3.refresh_from_db()
    assert r3.person == big


def test_people_staff_kept_apart_are_never_merged() -> None:
    one, two = PersonFactory(), PersonFactory()
    r1, r2 = SourceRecordFactory(person=one), SourceRecordFactory(person=two)

    stats = apply_clusters([[r1.pk, r2.pk]], actor=ACTOR, cannot_link={(min(r1.pk, r2.pk), max(r1.pk, r2.pk))})

    assert (stats.merges, stats.merges_refused) == (0, 1)
    assert Person.objects.filter(merged_into__isnull=False).count() == 0


def test_residence_records_give_an_occupancy_but_rates_records_do_not() -> None:
    home = PropertyFactory(kind=Property.Kind.DWELLING)
    roll = SourceSystemFactory(name="electoral", address_is_residence=True)
    rates = SourceSystemFactory(name="rates", address_is_residence=False)
    elector = SourceRecordFactory(source_system=roll, property=home)
    landlord = SourceRecordFactory(source_system=rates, property=home)

    apply_clusters([[elector.pk], [landlord.pk]], actor=ACTOR)

    assert Occupancy.objects.get().source_record == elector
