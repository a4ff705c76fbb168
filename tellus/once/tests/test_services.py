from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tellus.once.models import ChangeReport, Delivery, EventType, ShareChoice, Subscriber
from tellus.once.services import (
    NotAllowed,
    OnceError,
    change_confirm,
    change_report,
    subscriber_create,
    subscriber_secret_rotate,
)
from tellus.people.models import Person, Representative
from tellus.privacy.models import AuditEvent, Purpose

from .conftest import ADMIN, next_of_kin, self_reporter

pytestmark = pytest.mark.django_db
PURPOSE = Purpose.ADMINISTRATION


def _move(town: dict[str, Any]) -> ChangeReport:
    return change_report(
        person=town["alice"],
        event_type=EventType.ADDRESS,
        data={"new_address": "22 Mill Lane", "new_postcode": "tl2 2bb", "effective_on": dt.date(2026, 1, 5)},
        reporter=self_reporter(town["alice"]),
        purpose=PURPOSE,
    )


def test_a_reported_move_proposes_each_service_with_only_its_entitled_fields_and_why(town: dict[str, Any]) -> None:
    report = _move(town)
    choices = {c.subscriber.code: c for c in report.choices.select_related("subscriber")}
    assert set(choices) == {"electoral", "libraries"}
    assert choices["libraries"].fields == ["person_reference", "name", "new_address"]
    assert "Tellham Libraries holds a record" in choices["libraries"].reason
    assert choices["electoral"].reason == "Moves them."
    assert report.details["property_reference"] == "100000002"
    assert all(c.agreed is None for c in choices.values())
    assert not Delivery.objects.exists()  # nothing is sent before the reporter chooses


def test_a_service_that_holds_nothing_about_the_person_is_not_proposed(town: dict[str, Any]) -> None:
    report = change_report(
        person=town["bob"],
        event_type=EventType.ADDRESS,
        data={"new_address": "22 Mill Lane", "new_postcode": "TL2 2BB"},
        reporter=self_reporter(town["bob"]),
        purpose=PURPOSE,
    )
    assert [c.subscriber.code for c in report.choices.all()] == ["electoral"]


def test_confirming_records_each_choice_like_a_consent_and_queues_only_the_agreed(
    town: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    report = _move(town)
    with django_capture_on_commit_callbacks(execute=True):
        change_confirm(
            report_id=report.pk, agreed={town["partner"].pk}, reporter=self_reporter(town["alice"]), purpose=PURPOSE
        )
    choices = {c.subscriber.code: c for c in ShareChoice.objects.select_related("subscriber")}
    assert choices["libraries"].agreed is True and choices["electoral"].agreed is False
    assert choices["libraries"].purpose == "tell-us-once:address"
    assert choices["libraries"].notice_version and choices["libraries"].chosen_at is not None
    assert choices["libraries"].chosen_by == "person"
    delivery = Delivery.objects.get()
    assert delivery.subscriber.code == "libraries"
    assert delivery.payload == {
        "type": "person.address",
        "data": {
            "person_reference": f"P{town['alice'].pk}",
            "name": "Alice Example",
            "new_address": "22 Mill Lane, Tellham",
        },
    }
    assert DBTaskResult.objects.filter(id=delivery.task_id, status="READY").exists()
    assert "Library system" in mail.outbox[-1].body


def test_a_death_stops_letters_at_once_and_records_the_reporter_as_a_representative(
    town: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    report = change_report(
        person=town["alice"],
        event_type=EventType.DEATH,
        data={"date_of_death": dt.date(2026, 1, 3)},
        reporter=next_of_kin(town["bob"]),
        purpose=PURPOSE,
    )
    with django_capture_on_commit_callbacks(execute=True):
        change_confirm(
            report_id=report.pk,
            agreed={c.subscriber_id for c in report.choices.all()},
            reporter=next_of_kin(town["bob"]),
            purpose=PURPOSE,
        )
    alice = Person.objects.get(pk=town["alice"].pk)
    assert alice.correspondence_stopped_at is not None
    rep = Representative.objects.get(person=alice)
    assert (rep.name, rep.relationship, rep.representative_person_id) == ("Bob Example", "next_of_kin", town["bob"].pk)
    assert rep.can_view and rep.starts_on == timezone.localdate() and rep.ends_on is None
    assert "sorry for your loss" in mail.outbox[-1].body
    assert "death" in mail.outbox[-1].subject


def test_a_resident_may_not_report_for_someone_they_do_not_act_for(town: dict[str, Any]) -> None:
    stranger = Person.objects.create(display_name="Carol Stranger")
    with pytest.raises(NotAllowed):
        change_report(
            person=town["alice"],
            event_type=EventType.ADDRESS,
            data={"new_address": "22 Mill Lane", "new_postcode": "TL2 2BB"},
            reporter=next_of_kin(stranger),
            purpose=PURPOSE,
        )
    assert not ChangeReport.objects.exists()


def test_a_death_date_in_the_future_is_refused_and_nothing_is_written(town: dict[str, Any]) -> None:
    before = AuditEvent.objects.count()
    with pytest.raises(OnceError, match="today or in the past"):
        change_report(
            person=town["alice"],
            event_type=EventType.DEATH,
            data={"date_of_death": timezone.localdate() + dt.timedelta(days=2)},
            reporter=next_of_kin(town["bob"]),
            purpose=PURPOSE,
        )
    assert not ChangeReport.objects.exists() and AuditEvent.objects.count() == before


def test_a_move_to_an_address_that_cannot_be_found_is_refused(town: dict[str, Any]) -> None:
    with pytest.raises(OnceError, match="could not find that address"):
        change_report(
            person=town["alice"],
            event_type=EventType.ADDRESS,
            data={"new_address": "99 Nowhere Street", "new_postcode": "TL9 9ZZ"},
            reporter=self_reporter(town["alice"]),
            purpose=PURPOSE,
        )
    assert not ChangeReport.objects.exists()


def test_a_move_out_of_the_area_needs_no_gazetteer_match(town: dict[str, Any]) -> None:
    report = change_report(
        person=town["alice"],
        event_type=EventType.ADDRESS,
        data={"moved_out_of_area": True, "new_address": "4 Quay Street, Bristol", "new_postcode": "bs1 4aa"},
        reporter=self_reporter(town["alice"]),
        purpose=PURPOSE,
    )
    assert report.details == {
        "new_address": "4 Quay Street, Bristol",
        "new_postcode": "BS1 4AA",
        "moved_out_of_area": True,
    }


def test_confirming_twice_is_refused(town: dict[str, Any]) -> None:
    report = _move(town)
    change_confirm(report_id=report.pk, agreed=set(), reporter=self_reporter(town["alice"]), purpose=PURPOSE)
    with pytest.raises(OnceError):
        change_confirm(report_id=report.pk, agreed=set(), reporter=self_reporter(town["alice"]), purpose=PURPOSE)


def test_a_subscriber_url_that_is_not_https_is_refused_outside_the_demo(settings: Any) -> None:
    settings.TELLUS_ONCE_ALLOW_HTTP = False
    for url in ("http://partner.example/hook", "ftp://partner.example/hook", "javascript:alert(1)", "partner"):
        with pytest.raises(OnceError):
            subscriber_create(
                actor=ADMIN,
                code="p",
                name="P",
                kind=Subscriber.Kind.WEBHOOK,
                url=url,
                purpose="x",
                event_types=[EventType.DEATH],
                entitled_fields=["name"],
            )
    assert not Subscriber.objects.exists()


def test_a_subscriber_url_must_be_http_or_https_even_in_the_demo(settings: Any) -> None:
    settings.TELLUS_ONCE_ALLOW_HTTP = True
    with pytest.raises(OnceError, match="http:// or https://"):
        subscriber_create(
            actor=ADMIN,
            code="p",
            name="P",
            kind=Subscriber.Kind.WEBHOOK,
            url="ftp://x.example/",
            purpose="x",
            event_types=[EventType.DEATH],
            entitled_fields=["name"],
        )


def test_a_subscriber_secret_is_given_once_rotated_and_every_change_audited(settings: Any) -> None:
    settings.TELLUS_ONCE_ALLOW_HTTP = False
    subscriber, secret = subscriber_create(
        actor=ADMIN,
        code="p",
        name="P",
        kind=Subscriber.Kind.WEBHOOK,
        url="https://p.example/hook",
        purpose="x",
        event_types=[EventType.DEATH],
        entitled_fields=["name", "date_of_death"],
    )
    assert secret.startswith("whsec_")
    rotated = subscriber_secret_rotate(actor=ADMIN, subscriber_id=subscriber.pk)
    assert rotated != secret
    entries = list(AuditEvent.objects.filter(object_type="once.subscriber").order_by("id"))
    assert [e.action for e in entries] == ["create", "update"]
    assert secret not in str([e.context for e in entries]) and rotated not in str([e.changes for e in entries])


def test_a_subscriber_cannot_be_entitled_to_a_field_that_does_not_exist() -> None:
    with pytest.raises(OnceError, match="Unknown fields"):
        subscriber_create(
            actor=ADMIN,
            code="p",
            name="P",
            kind=Subscriber.Kind.INTERNAL,
            purpose="x",
            event_types=[EventType.DEATH],
            entitled_fields=["national_insurance_number"],
        )


def test_a_subject_access_copy_includes_each_sharing_choice_and_delivery(town: dict[str, Any]) -> None:
    from tellus.rights.sar import subject_data

    report = _move(town)
    change_confirm(
        report_id=report.pk, agreed={town["partner"].pk}, reporter=self_reporter(town["alice"]), purpose=PURPOSE
    )
    data = subject_data(town["alice"].pk)
    choices = data.sections["tell_us_once_choices"]
    assert {(c["service"], c["agreed"], c["purpose"]) for c in choices} == {
        ("Electoral roll", False, "tell-us-once:address"),
        ("Library system", True, "tell-us-once:address"),
    }
    assert all(c["notice_version"] and c["chosen_at"] for c in choices)
    assert [d["service"] for d in data.sections["tell_us_once_deliveries"]] == ["Library system"]
