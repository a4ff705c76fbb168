"""`letter_route`: where a letter for a person goes, the one selector other apps call before writing to anyone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tellus.inclusion.models import CorrespondenceRoute, RouteMethod
from tellus.inclusion.selectors import letter_route
from tellus.inclusion.services import correspondence_route_set
from tellus.people.models import Occupancy, Representative
from tellus.people.services import person_correspondence_stop, representative_create, representative_end
from tellus.people.tests.factories import PersonFactory, PropertyFactory
from tellus.privacy.models import Purpose

from .conftest import SYSTEM

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def _attorney(person, **kwargs):  # type: ignore[no-untyped-def]
    defaults = {"receives_correspondence": True, "address": "3 Orchard Close", "can_act": True}
    defaults.update(kwargs)
    return representative_create(
        person=person, name="Sam Marsh", relationship=Representative.Relationship.POWER_OF_ATTORNEY,
        starts_on=TODAY - dt.timedelta(days=10), actor=SYSTEM, purpose=Purpose.CASEWORK, **defaults,
    )  # fmt: skip


def test_a_letter_goes_to_the_home_address_by_default():
    person = PersonFactory()
    home = PropertyFactory(address_line_1="12 High Street", postcode="TE1 1AA")
    Occupancy.objects.create(person=person, property=home, date_from=TODAY - dt.timedelta(days=400))
    route = letter_route(person_id=person.pk)
    assert route.kind == "home" and "12 High Street" in route.address


def test_a_letter_goes_to_where_they_live_today_not_to_a_home_they_move_into_next_month():
    person = PersonFactory()
    today_home = PropertyFactory(address_line_1="12 High Street", postcode="TE1 1AA")
    next_home = PropertyFactory(address_line_1="4 Mill Lane", postcode="TE2 2BB")
    Occupancy.objects.create(person=person, property=today_home, date_from=TODAY - dt.timedelta(days=400))
    Occupancy.objects.create(person=person, property=next_home, date_from=TODAY + dt.timedelta(days=30))

    assert "12 High Street" in letter_route(person_id=person.pk).address
    assert "4 Mill Lane" in letter_route(person_id=person.pk, on=TODAY + dt.timedelta(days=31)).address


def test_no_letters_at_all_once_correspondence_has_stopped_even_with_a_representative_or_route():
    person = PersonFactory()
    _attorney(person)
    correspondence_route_set(person=person, method=RouteMethod.EMAIL, email="e@example.org", actor=SYSTEM,
                             purpose=Purpose.CASEWORK)  # fmt: skip
    person_correspondence_stop(person=person, reason="Death reported", actor=SYSTEM, purpose=Purpose.CASEWORK)
    assert letter_route(person_id=person.pk).kind == "none"


def test_a_representative_who_receives_correspondence_gets_the_letters_until_their_authority_ends():
    person = PersonFactory()
    attorney = _attorney(person)
    route = letter_route(person_id=person.pk)
    assert route.kind == "representative" and route.recipient == "Sam Marsh" and route.address == "3 Orchard Close"
    representative_end(representative=attorney, ends_on=TODAY - dt.timedelta(days=1), reason="Revoked",
                       actor=SYSTEM, purpose=Purpose.CASEWORK)  # fmt: skip
    assert letter_route(person_id=person.pk).kind == "unknown"


def test_a_representative_without_the_correspondence_scope_does_not_get_letters():
    person = PersonFactory()
    _attorney(person, receives_correspondence=False)
    assert letter_route(person_id=person.pk).kind == "unknown"


@pytest.mark.parametrize(
    ("method", "fields", "kind"),
    [
        (RouteMethod.COLLECT, {"office": "Civic Centre"}, "collect"),
        (RouteMethod.CARE_OF, {"care_of_name": "St Anne's", "care_of_address": "14 Quay Street"}, "care_of"),
        (RouteMethod.EMAIL, {"email": "e@example.org"}, "email"),
        (RouteMethod.PHONE, {"phone": "07700 900123"}, "phone"),
    ],
)
def test_someone_with_no_fixed_address_is_reached_the_way_they_chose(method, fields, kind):
    person = PersonFactory(no_fixed_address=True)
    assert letter_route(person_id=person.pk).kind == "unknown"
    correspondence_route_set(person=person, method=method, actor=SYSTEM, purpose=Purpose.CASEWORK, **fields)
    assert letter_route(person_id=person.pk).kind == kind


def test_a_new_route_ends_the_old_one_and_a_route_missing_its_details_is_refused():
    person = PersonFactory(no_fixed_address=True)
    correspondence_route_set(person=person, method=RouteMethod.COLLECT, office="Civic Centre", actor=SYSTEM,
                             purpose=Purpose.CASEWORK)  # fmt: skip
    with pytest.raises(ValidationError):
        correspondence_route_set(person=person, method=RouteMethod.CARE_OF, actor=SYSTEM, purpose=Purpose.CASEWORK)
    assert CorrespondenceRoute.objects.get(person=person, ended_at__isnull=True).method == "collect"
    correspondence_route_set(person=person, method=RouteMethod.PHONE, phone="07700 900123", actor=SYSTEM,
                             purpose=Purpose.CASEWORK)  # fmt: skip
    assert CorrespondenceRoute.objects.filter(person=person).count() == 2
    assert CorrespondenceRoute.objects.get(person=person, ended_at__isnull=True).method == "phone"


def test_a_route_through_a_representative_uses_the_one_chosen():
    person = PersonFactory()
    _attorney(person)
    advocate = representative_create(
        person=person, name="Ann Advocate", relationship=Representative.Relationship.CARE_ACT_ADVOCATE,
        starts_on=TODAY, receives_correspondence=True, address="Advocacy Hub", actor=SYSTEM, purpose=Purpose.CASEWORK,
    )  # fmt: skip
    assert letter_route(person_id=person.pk).recipient == "Sam Marsh"  # an attorney comes first
    correspondence_route_set(person=person, method=RouteMethod.REPRESENTATIVE, representative=advocate,
                             actor=SYSTEM, purpose=Purpose.CASEWORK)  # fmt: skip
    assert letter_route(person_id=person.pk).recipient == "Ann Advocate"
    assert timezone.now()  # the route is current from now


def _adjust(person, kind):  # type: ignore[no-untyped-def]
    from tellus.inclusion.services import adjustment_record

    return adjustment_record(person=person, kind=kind, actor=SYSTEM, purpose=Purpose.CASEWORK)


def _at_home(address: str = "12 High Street"):  # type: ignore[no-untyped-def]
    person = PersonFactory()
    home = PropertyFactory(address_line_1=address, postcode="TE1 1AA")
    Occupancy.objects.create(person=person, property=home, date_from=TODAY - dt.timedelta(days=400))
    return person


def test_call_do_not_write_turns_a_home_letter_into_a_phone_call():
    person = _at_home()
    _adjust(person, "call_do_not_write")

    route = letter_route(person_id=person.pk)

    assert route.kind == "phone" and not route.can_post and "Call, do not write" in route.description


def test_do_not_post_to_their_home_holds_letters_to_be_handed_over_until_the_adjustment_ends():
    from tellus.inclusion.services import adjustment_end

    person = _at_home()
    adjustment = _adjust(person, "no_post_to_home")
    assert letter_route(person_id=person.pk).kind == "hold"
    assert not letter_route(person_id=person.pk).can_post

    adjustment_end(adjustment=adjustment, actor=SYSTEM, purpose=Purpose.CASEWORK)

    assert letter_route(person_id=person.pk).kind == "home"


def test_format_adjustments_travel_with_the_route_but_not_to_a_representative():
    person = _at_home()
    for kind in ("large_print", "braille", "interpreter"):
        _adjust(person, kind)
    assert letter_route(person_id=person.pk).formats == ("large_print", "braille")

    _attorney(person)
    route = letter_route(person_id=person.pk)
    assert route.kind == "representative" and route.formats == ()
