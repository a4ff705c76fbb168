"""A change of address, name or contact details updates Tellus's own copy of the person at once (people writes
it, audited), so the portal and the console show the new details, whichever services the reporter chose."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tellus.once.models import EventType
from tellus.once.services import change_confirm, change_report
from tellus.people.models import Occupancy, Person, SourceRecord
from tellus.people.selectors import person_get_for_staff
from tellus.people.services import TOLD_SYSTEM_NAME
from tellus.privacy.models import AuditEvent, Purpose

from .conftest import ADMIN, self_reporter

pytestmark = pytest.mark.django_db
PURPOSE = Purpose.ADMINISTRATION


def _tell(person: Person, event_type: str, data: dict[str, Any], agreed: set[int] | None = None) -> None:
    reporter = self_reporter(person)
    report = change_report(person=person, event_type=event_type, data=data, reporter=reporter, purpose=PURPOSE)
    chosen = {c.subscriber_id for c in report.choices.all()} if agreed is None else agreed
    change_confirm(report_id=report.pk, agreed=chosen, reporter=reporter, purpose=PURPOSE)


def _told(person: Person) -> SourceRecord:
    return SourceRecord.objects.get(source_system__name=TOLD_SYSTEM_NAME, person=person)


def test_a_move_inside_the_area_moves_the_person_in_tellus_and_the_console_shows_it(town: dict[str, Any]) -> None:
    alice = town["alice"]
    Occupancy.objects.create(person=alice, property=town["home"], date_from=dt.date(2010, 1, 1))
    _tell(alice, EventType.ADDRESS, {"new_address": "22 mill lane", "new_postcode": "TL2 2BB",
                                      "effective_on": dt.date(2026, 1, 5)})  # fmt: skip
    homes = {o.property.reference: o for o in Occupancy.objects.filter(person=alice).select_related("property")}
    assert homes["100000001"].date_to == dt.date(2026, 1, 4)
    assert homes["100000002"].date_from == dt.date(2026, 1, 5) and homes["100000002"].date_to is None
    record = _told(alice)
    assert (record.address, record.postcode) == ("22 Mill Lane, Tellham", "TL2 2BB")
    assert record.property is not None and record.property.reference == "100000002"
    view = person_get_for_staff(actor=ADMIN, purpose=PURPOSE, person_id=alice.pk)
    shown = [r for g in view.groups for r in g.records if g.source_system.name == TOLD_SYSTEM_NAME]
    assert [r.address for r in shown] == ["22 Mill Lane, Tellham"]
    entry = AuditEvent.objects.get(object_type="people.person", object_id=str(alice.pk), context__told__isnull=False)
    assert entry.changes["home"] == [[town["home"].pk], [homes["100000002"].property_id]]


def test_a_move_out_of_the_area_ends_their_home_here_and_keeps_the_new_address(town: dict[str, Any]) -> None:
    alice = town["alice"]
    Occupancy.objects.create(person=alice, property=town["home"], date_from=dt.date(2010, 1, 1))
    _tell(alice, EventType.ADDRESS, {"new_address": "4 Far Street, Leeds", "new_postcode": "LS1 1AA",
                                      "moved_out_of_area": True, "effective_on": dt.date(2026, 2, 1)})  # fmt: skip
    assert list(Occupancy.objects.filter(person=alice).values_list("date_to", flat=True)) == [dt.date(2026, 1, 31)]
    record = _told(alice)
    assert (record.address, record.postcode, record.property) == ("4 Far Street, Leeds", "LS1 1AA", None)


def test_a_new_name_becomes_the_persons_name_and_the_old_is_kept_as_a_version(town: dict[str, Any]) -> None:
    alice = town["alice"]
    _tell(alice, EventType.NAME, {"new_name": "Alice  Newname"}, agreed=set())  # told no service: still ours
    alice.refresh_from_db()
    assert alice.display_name == "Alice Newname"
    record = _told(alice)
    assert (record.first_name, record.last_name, record.name_normalised) == ("Alice", "Newname", "alice newname")
    _tell(alice, EventType.NAME, {"new_name": "Alice Third"})
    record = _told(alice)
    assert record.display_name() == "Alice Third"
    assert [v.fields["last_name"] for v in record.versions.all()] == ["Newname"]
    alice.refresh_from_db()
    assert alice.display_name == "Alice Third"


def test_new_contact_details_are_held_and_an_empty_one_leaves_the_other(town: dict[str, Any]) -> None:
    alice = town["alice"]
    _tell(alice, EventType.CONTACT, {"email": "Alice.New@Example.org", "phone": "07700 900123"})
    _tell(alice, EventType.CONTACT, {"email": "alice3@example.org"})
    record = _told(alice)
    assert record.email == "alice3@example.org"
    assert record.phone  # kept, normalised
    assert SourceRecord.objects.filter(source_system__name=TOLD_SYSTEM_NAME).count() == 1


def test_a_refused_change_writes_nothing_to_the_persons_copy(town: dict[str, Any]) -> None:
    from tellus.once.services import OnceError

    with pytest.raises(OnceError):
        _tell(town["alice"], EventType.ADDRESS, {"new_address": "1 Nowhere", "new_postcode": "ZZ9 9ZZ"})
    assert not SourceRecord.objects.filter(source_system__name=TOLD_SYSTEM_NAME).exists()
    town["alice"].refresh_from_db()
    assert town["alice"].display_name == "Alice Example"


def test_a_name_too_long_to_keep_is_refused_before_anything_is_written(town: dict[str, Any]) -> None:
    from tellus.once.models import ChangeReport
    from tellus.once.services import OnceError

    with pytest.raises(OnceError, match="shorter name"):
        _tell(town["alice"], EventType.NAME, {"new_name": "A" * 151 + " Smith"})
    assert not ChangeReport.objects.exists()
