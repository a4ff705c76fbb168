"""The needs worklist: queues, due dates from the service standard, and bulk actions that change every ticked need
or none, each audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tellus.demand.models import Need, NeedEvent, NeedStatus
from tellus.demand.services import contact_log, need_transition
from tellus.demand.worklist_selectors import Queue, my_open_needs_count, worklist_counts, worklist_for_staff
from tellus.demand.worklist_services import MAX_BULK, needs_assign, needs_handoff, needs_waiting_set
from tellus.privacy.models import AuditAction, AuditEvent, Purpose
from tellus.privacy.services import Actor
from tellus.privacy.tests.helpers import signed_in

from .factories import ServiceFactory

pytestmark = pytest.mark.django_db
WORKLIST = reverse("demand:worklist")


@pytest.fixture
def potholes():  # type: ignore[no-untyped-def]
    return ServiceFactory(code="potholes", name="Potholes", responsible_team="Highways", standard_days=7)


def open_need(service, person=None, *, days_ago: float = 0, words: str = "A pothole outside number 4."):  # type: ignore[no-untyped-def]
    at = timezone.now() - dt.timedelta(days=days_ago)
    contact = contact_log(
        actor=Actor.system("test"), purpose=Purpose.ENQUIRY, channel="phone", words=words, person=person,
        service=service, demand_type="value", occurred_at=at,
    )  # fmt: skip
    return contact.need


def test_a_need_is_due_the_service_standard_after_the_first_contact(potholes, bins):
    need = open_need(potholes, days_ago=1)
    assert need.due_at == need.opened_at + dt.timedelta(days=7)
    assert open_need(bins).due_at is None  # a service with no standard gives no due date


def test_the_queues_count_unassigned_mine_due_soon_overdue_and_waiting(potholes, officer, alice):
    overdue = open_need(potholes, alice, days_ago=10)
    soon = open_need(potholes, alice, days_ago=6)
    later = open_need(potholes, days_ago=0)
    met = open_need(potholes, days_ago=20)
    need_transition(need=met, to_status=NeedStatus.MET, actor=Actor.system("t"), purpose=Purpose.CASEWORK)
    actor = Actor.system("t")
    needs_assign(need_ids=[soon.pk], assignee=officer, actor=actor, purpose=Purpose.CASEWORK)
    needs_waiting_set(need_ids=[later.pk], waiting=True, actor=actor, purpose=Purpose.CASEWORK)
    counts = worklist_counts(user=officer, team="Highways")
    assert counts == {"all": 3, "unassigned": 2, "mine": 1, "due_soon": 1, "overdue": 1, "waiting": 1}
    assert my_open_needs_count(officer) == 1
    assert worklist_counts(user=officer, team="Waste services")["all"] == 0
    page = worklist_for_staff(actor=Actor.for_user(officer), purpose=Purpose.ENQUIRY, team="Highways")
    assert [n.pk for n in page.needs] == [overdue.pk, soon.pk, later.pk]  # soonest due first


def test_reading_the_worklist_audits_a_view_for_each_person_shown_with_the_purpose(potholes, officer, alice):
    open_need(potholes, alice)
    open_need(potholes, alice)
    open_need(potholes)
    worklist_for_staff(actor=Actor.for_user(officer), purpose=Purpose.ENQUIRY, queue=Queue.ALL)
    views = AuditEvent.objects.filter(actor=officer, action=AuditAction.VIEW)
    assert sorted((e.subject_person_id, len(e.context["needs"])) for e in views if e.subject_person_id) == [
        (alice.pk, 2)
    ]
    assert {e.purpose for e in views} == {Purpose.ENQUIRY}


def test_assigning_in_bulk_changes_every_need_and_audits_each(potholes, officer, caseworker):
    needs = [open_need(potholes) for _ in range(3)]
    needs_assign(need_ids=[n.pk for n in needs], assignee=officer, actor=Actor.for_user(caseworker), purpose="casework")
    assert set(Need.objects.values_list("assignee", flat=True)) == {officer.pk}
    entries = AuditEvent.objects.filter(actor=caseworker, action=AuditAction.UPDATE, object_type="demand.need")
    assert sorted(e.changes["assignee"] for e in entries) == [[None, "officer"]] * 3


def test_one_need_that_cannot_be_assigned_stops_them_all_and_names_it(potholes, officer, caseworker):
    good = open_need(potholes)
    met = open_need(potholes)
    need_transition(need=met, to_status=NeedStatus.MET, actor=Actor.system("t"), purpose=Purpose.CASEWORK)
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        needs_assign(
            need_ids=[good.pk, met.pk, 999999], assignee=officer, actor=Actor.for_user(caseworker), purpose="casework"
        )
    assert "no need 999999" in str(refused.value)
    with pytest.raises(ValidationError) as refused:
        needs_assign(need_ids=[good.pk, met.pk], assignee=officer, actor=Actor.for_user(caseworker), purpose="casework")
    assert f"Need {met.pk} is met" in str(refused.value)
    good.refresh_from_db()
    assert good.assignee is None and AuditEvent.objects.count() == before


def test_needs_cannot_be_assigned_to_someone_who_may_not_work_them(potholes, analyst, caseworker):
    need = open_need(potholes)
    with pytest.raises(ValidationError, match="cannot work needs"):
        needs_assign(need_ids=[need.pk], assignee=analyst, actor=Actor.for_user(caseworker), purpose="casework")


def test_too_many_or_no_needs_are_refused(caseworker):
    actor = Actor.for_user(caseworker)
    with pytest.raises(ValidationError, match="at least one"):
        needs_waiting_set(need_ids=[], waiting=True, actor=actor, purpose="casework")
    with pytest.raises(ValidationError, match="at most"):
        needs_waiting_set(need_ids=list(range(1, MAX_BULK + 2)), waiting=True, actor=actor, purpose="casework")


def test_handing_off_in_bulk_moves_the_needs_unassigned_with_a_history_entry(potholes, officer, caseworker):
    needs = [open_need(potholes) for _ in range(2)]
    actor = Actor.for_user(caseworker)
    needs_assign(need_ids=[needs[0].pk], assignee=officer, actor=actor, purpose="casework")
    needs_handoff(need_ids=[n.pk for n in needs], to_team="Street scene", actor=actor, purpose="casework", note="Ours")
    assert set(Need.objects.values_list("holder_team", "assignee")) == {("Street scene", None)}
    assert NeedEvent.objects.filter(kind="handoff", to_team="Street scene").count() == 2
    with pytest.raises(ValidationError, match="already with Street scene"):
        needs_handoff(need_ids=[needs[0].pk], to_team="Street scene", actor=actor, purpose="casework")


def test_assigning_to_someone_in_another_team_hands_the_need_to_their_team(potholes, officer, caseworker):
    officer.team = "Customer contact centre"
    officer.save()
    need = open_need(potholes)
    needs_assign(need_ids=[need.pk], assignee=officer, actor=Actor.for_user(caseworker), purpose="casework")
    need.refresh_from_db()
    assert (need.holder_team, need.assignee) == ("Customer contact centre", officer)


def test_meeting_a_need_stops_it_waiting_on_the_resident(potholes, caseworker):
    need = open_need(potholes)
    actor = Actor.for_user(caseworker)
    needs_waiting_set(need_ids=[need.pk], waiting=True, actor=actor, purpose="casework")
    need_transition(need=need, to_status=NeedStatus.MET, actor=actor, purpose="casework")
    need.refresh_from_db()
    assert need.waiting_since is None


# The page


def test_the_worklist_page_shows_the_queues_and_counts_in_the_navigation(client, potholes, officer, alice):
    need = open_need(potholes, alice, words="The pothole is deep enough to lose a wheel in.")
    needs_assign(need_ids=[need.pk], assignee=officer, actor=Actor.system("t"), purpose=Purpose.CASEWORK)
    signed_in(client, officer, purpose=Purpose.ENQUIRY)
    page = client.get(WORKLIST, {"queue": "mine"}).content.decode()
    assert "The pothole is deep enough" in page and "Alice Example" in page
    assert 'href="/demand/needs/"' in page and '<span class="header__count">1</span>' in page
    assert "Overdue" in page and "Waiting on the resident" in page


def test_the_worklist_has_an_empty_state_and_ignores_unknown_filters(client, officer):
    signed_in(client, officer, purpose=Purpose.ENQUIRY)
    response = client.get(WORKLIST, {"team": "No such team", "service": "abc", "queue": "nonsense"})
    assert response.status_code == 200 and "No open needs here." in response.content.decode()
    assert client.get(WORKLIST, {"page": "x"}).status_code == 400


def test_a_bulk_action_from_the_page_assigns_and_a_bad_one_changes_nothing_with_a_clear_error(
    client, potholes, officer, caseworker
):
    needs = [open_need(potholes) for _ in range(2)]
    signed_in(client, caseworker, purpose=Purpose.CASEWORK)
    ids = [str(n.pk) for n in needs]
    done = client.post(WORKLIST, {"needs": ids, "action": "assign", "assignee": str(officer.pk)})
    assert done.status_code == 302
    assert set(Need.objects.values_list("assignee", flat=True)) == {officer.pk}
    again = client.post(WORKLIST, {"needs": ids, "action": "assign", "assignee": str(officer.pk)})
    assert again.status_code == 400 and "already assigned to officer" in again.content.decode()
    missing = client.post(WORKLIST, {"needs": ["abc"], "action": "wait"})
    assert missing.status_code == 400 and "Reload the worklist" in missing.content.decode()
    nothing = client.post(WORKLIST, {"action": "handoff", "to_team": ""})
    assert nothing.status_code == 400 and "Tick at least one need" in nothing.content.decode()
    assert "Say which team" in nothing.content.decode()


def test_a_service_manager_reads_the_worklist_but_may_not_change_it(client, potholes, django_user_model):
    from django.contrib.auth.models import Group

    from tellus.privacy import roles

    manager = django_user_model.objects.create_user(username="manager", password="x")
    roles.sync_roles()
    manager.groups.add(Group.objects.get(name=roles.SERVICE_MANAGER))
    need = open_need(potholes)
    signed_in(client, manager, purpose=Purpose.SERVICE_MANAGEMENT)
    page = client.get(WORKLIST)
    assert page.status_code == 200 and 'name="needs"' not in page.content.decode()
    assert client.post(WORKLIST, {"needs": [need.pk], "action": "wait"}).status_code == 403


def test_staff_without_needs_and_outsiders_cannot_open_the_worklist(client, analyst, outsider):
    for user in (analyst, outsider):
        signed_in(client, user, purpose=None)
        assert client.get(WORKLIST).status_code == 403


def test_the_database_refuses_a_met_need_that_waits_or_a_due_date_before_it_opened(potholes):
    from django.db import IntegrityError, transaction

    need = open_need(potholes, days_ago=3)
    need_transition(need=need, to_status=NeedStatus.MET, actor=Actor.system("t"), purpose=Purpose.CASEWORK)
    with pytest.raises(IntegrityError), transaction.atomic():
        Need.objects.filter(pk=need.pk).update(waiting_since=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        Need.objects.filter(pk=need.pk).update(due_at=need.opened_at - dt.timedelta(days=1))
