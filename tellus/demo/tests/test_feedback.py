"""The demo year's listening: the same seed gives the same surveys and complaints, with the patterns the issue
asks for (people reached by letter, with no fixed address, answer less; failure demand scores worse)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Avg, Count

from tellus.demand.models import Contact, Need
from tellus.demand.tests.factories import ServiceFactory
from tellus.demo.feedback import demo_feedback_load, known_themes
from tellus.feedback.models import ComplaintEvent, Feedback, SurveyInvitation, SurveyResponse, Theme, ThemeTag
from tellus.people.tests.factories import PersonFactory, SourceRecordFactory
from tellus.privacy.services import Actor

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("tellus demo")


def _year(needs: int = 600) -> None:
    service = ServiceFactory()
    emailed = [PersonFactory() for _ in range(20)]
    for person in emailed:
        SourceRecordFactory(person=person, email=f"p{person.pk}@example.org")
    lettered = [PersonFactory() for _ in range(20)]
    start = dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC)
    for i in range(needs):
        person = (emailed + lettered)[i % 40]
        at = start + dt.timedelta(hours=13 * i)
        need = Need.objects.create(
            person=person, service=service, summary="x", status="met", opened_at=at,
            met_at=at + dt.timedelta(days=1), end_to_end_seconds=86400,
        )  # fmt: skip
        failure = i % 3 == 0
        Contact.objects.create(
            person=person, need=need, occurred_at=at, channel="phone", words="x", service=service,
            demand_type="failure" if failure else "value", failure_cause="not_done" if failure else "",
            is_first_contact_for_need=True, recorded_by_label="t",
        )  # fmt: skip


def _digest() -> list[tuple]:
    responses = SurveyResponse.objects.order_by("invitation__need_id").values_list(
        "invitation__need_id", "satisfaction", "trust", "comment", "wants_updates"
    )
    feedback = Feedback.objects.order_by("need_id", "kind").values_list("need_id", "kind", "words", "status")
    return list(responses) + list(feedback)


def test_the_same_seed_gives_the_same_listening_and_the_patterns_hold(tmp_path):
    _year()
    first = demo_feedback_load(seed=3, actor=ACTOR, known_themes_dir=tmp_path)
    digest = _digest()

    by_route = {
        route: SurveyInvitation.objects.filter(route=route, responded_at__isnull=False).count()
        / SurveyInvitation.objects.filter(route=route).count()
        for route in ("email", "letter")
    }
    failing = set(Contact.objects.filter(demand_type="failure").values_list("need_id", flat=True))
    scores = SurveyResponse.objects.exclude(satisfaction=None)
    worse = scores.filter(invitation__need_id__in=failing).aggregate(a=Avg("satisfaction"))["a"]
    better = scores.exclude(invitation__need_id__in=failing).aggregate(a=Avg("satisfaction"))["a"]

    assert first.invitations == 600 and first.responses > 30 and first.themes == 8
    assert by_route["letter"] < by_route["email"]
    assert worse < better
    assert len(known_themes(tmp_path / "known_themes.csv")) > 10
    assert ThemeTag.objects.exists()

    for model in (ThemeTag, Theme, ComplaintEvent, Feedback, SurveyResponse, SurveyInvitation):
        model.objects.all().delete()
    demo_feedback_load(seed=3, actor=ACTOR, known_themes_dir=tmp_path)
    assert _digest() == digest
    assert Feedback.objects.values("kind").annotate(n=Count("id")).count() >= 2


def test_the_people_the_demo_serves_worse_answer_less_and_the_group_made_equal_like_anyone(tmp_path):
    from tellus.demo.feedback import _hardship, response_chance
    from tellus.inclusion.models import SpecificNeed
    from tellus.inclusion.tests.conftest import record_need

    _year(needs=1200)
    people = sorted({p for p in Need.objects.values_list("person_id", flat=True)})
    for person_id in people[:10]:  # half of those reached by email: a health need (made worse by 1.8)
        record_need(PersonFactory._meta.model.objects.get(pk=person_id), SpecificNeed.DEMENTIA)
    for person_id in people[10:20]:  # the other half: money worries (made equal)
        record_need(PersonFactory._meta.model.objects.get(pk=person_id), SpecificNeed.LOW_INCOME, adjustments=[])
    assert set(_hardship().values()) == {1.8} and set(_hardship()) == set(people[:10])

    demo_feedback_load(seed=3, actor=ACTOR, known_themes_dir=tmp_path)

    def rate(person_ids: list[int]) -> float:
        offered = SurveyInvitation.objects.filter(person_id__in=person_ids, route="email")
        return offered.filter(responded_at__isnull=False).count() / offered.count()

    worse, equal = rate(people[:10]), rate(people[10:20])
    assert worse < equal  # the size of the gap is checked on 10,000 people in test_inclusion.py
    chance = {"route": "email", "no_fixed_address": False, "client": False, "failures": 0}
    assert response_chance(**chance, hardship=1.8) == pytest.approx(response_chance(**chance, hardship=1.0) / 1.8)
    assert response_chance(**chance, hardship=0.5) == response_chance(**chance, hardship=1.0)


def test_the_recent_unopened_letters_wait_for_the_print_run_and_their_codes_open_the_survey(tmp_path):
    from tellus.feedback.letters import letters_print
    from tellus.feedback.models import SurveyLetter
    from tellus.feedback.surveys import survey_open

    _year()
    demo_feedback_load(seed=3, actor=ACTOR, known_themes_dir=tmp_path)

    waiting = list(SurveyLetter.objects.select_related("invitation"))
    assert waiting and all(w.invitation.route == "letter" and w.invitation.opened_at is None for w in waiting)
    latest = SurveyInvitation.objects.latest("offered_at").offered_at
    assert all(w.invitation.offered_at >= latest - dt.timedelta(days=15) for w in waiting)
    assert survey_open(token=waiting[0].code).pk == waiting[0].invitation_id
    assert letters_print(actor=ACTOR, path=tmp_path / "run.html", pdf=False).letters == len(waiting)
