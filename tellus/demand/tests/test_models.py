"""The database refuses contacts and needs that break the rules, whatever code writes them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from tellus.demand.models import Contact, Need, NeedEvent

from .conftest import T0

pytestmark = pytest.mark.django_db


def need(**fields):  # type: ignore[no-untyped-def]
    values = {"summary": "Missed bin", "opened_at": T0, "status": "open"}
    values.update(fields)
    return Need.objects.create(**values)


def contact(the_need, **fields):  # type: ignore[no-untyped-def]
    values = {
        "channel": "phone",
        "words": "My bin was missed",
        "demand_type": "value",
        "need": the_need,
        "recorded_by_label": "test",
    }
    values.update(fields)
    return Contact.objects.create(**values)


def refused(make) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_a_need_cannot_be_met_before_it_was_opened():
    refused(lambda: need(status="met", met_at=T0 - dt.timedelta(hours=1), end_to_end_seconds=0))


def test_a_need_is_met_exactly_when_it_has_a_met_time_and_an_end_to_end_time():
    refused(lambda: need(status="met"))
    refused(lambda: need(status="open", met_at=T0, end_to_end_seconds=0))
    refused(lambda: need(status="met", met_at=T0))
    assert need(status="met", met_at=T0 + dt.timedelta(days=2), end_to_end_seconds=172800).pk


def test_a_need_closed_for_another_reason_has_a_reason_and_a_time():
    refused(lambda: need(status="closed_other", closed_at=T0))
    refused(lambda: need(status="closed_other", closed_reason="Withdrawn"))
    refused(lambda: need(status="open", closed_at=T0, closed_reason="Withdrawn"))
    assert need(status="closed_other", closed_at=T0, closed_reason="Withdrawn").pk


def test_a_need_has_a_known_status():
    refused(lambda: need(status="pending"))


def test_failure_demand_needs_a_cause_and_value_demand_has_none():
    the_need = need()
    refused(lambda: contact(the_need, demand_type="failure"))
    refused(lambda: contact(the_need, demand_type="value", failure_cause="repeat"))
    refused(lambda: contact(the_need, demand_type="failure", failure_cause="bad luck"))
    assert contact(the_need, demand_type="failure", failure_cause="progress_chasing").pk


def test_a_contact_has_a_known_channel_and_capacity_and_some_words():
    the_need = need()
    refused(lambda: contact(the_need, channel="pigeon"))
    refused(lambda: contact(the_need, capacity="customer-ish"))
    refused(lambda: contact(the_need, words=""))


def test_a_modified_request_says_what_changed():
    the_need = need()
    refused(lambda: contact(the_need, request_modified=True))
    refused(lambda: contact(the_need, modification="Pruning instead of felling"))
    assert contact(the_need, request_modified=True, modification="Pruning instead of felling").pk


def test_a_need_has_only_one_first_contact():
    the_need = need()
    contact(the_need, is_first_contact_for_need=True)
    refused(lambda: contact(the_need, is_first_contact_for_need=True))
    assert contact(the_need, is_first_contact_for_need=False).pk


def test_a_channel_reference_is_used_once_per_channel():
    the_need = need()
    contact(the_need, channel="app", source_reference="311-1")
    refused(lambda: contact(the_need, channel="app", source_reference="311-1"))
    assert contact(the_need, channel="web", source_reference="311-1").pk


def test_need_history_rows_say_what_changed():
    the_need = need()
    refused(lambda: NeedEvent.objects.create(need=the_need, kind="status", from_status="open", to_status="open"))
    refused(lambda: NeedEvent.objects.create(need=the_need, kind="handoff", to_team=""))
    refused(lambda: NeedEvent.objects.create(need=the_need, kind="mystery"))
