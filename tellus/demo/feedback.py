"""The demo year's listening: a survey offered for every met need, answered in realistic patterns, and
complaints, compliments and comments whose themes rise and fall. Deterministic for a seed.

Patterns, so the dashboard has something true to find:
- people with no fixed address, social-care clients (the council's more vulnerable residents) and people reached
  only by letter answer far less often; so do the people whose year the demo made worse (`demo.inclusion`'s
  cohorts with a hardship above 1: their chance of answering is divided by it), while the cohort made equal
  answers like anyone, so the equity dashboard's "unheard" flag has something true to find and something to
  leave alone;
- scores fall with each failure-demand contact the need took (chasing, passed around, done wrong), so groups
  with more failure demand are less satisfied;
- the known themes come and go: website trouble after a spring relaunch, missed bins in winter, phone queues at
  annual billing in March, and so on.
The theme each text was written from is kept in var/demo/known_themes.csv, so `tellus themes agreement` can say how
well the themes found agree with the themes written."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Count

from tellus.capacities.models import PersonCapacity
from tellus.common.batch import datetime_adapter, insert_returning_ids
from tellus.demand.models import Contact, DemandType, Need, NeedStatus
from tellus.feedback.clock import add_working_days
from tellus.feedback.models import (
    FEEDBACK_OBJECT_TYPE,
    NO_FIXED_ADDRESS,
    QUESTION_KEYS,
    RESPONSE_OBJECT_TYPE,
    ComplaintEvent,
    ComplaintStatus,
    Feedback,
    FeedbackKind,
    Route,
    SurveyInvitation,
    SurveyLetter,
    SurveyResponse,
    TextSource,
)
from tellus.feedback.surveys import CODE_ALPHABET, CODE_LENGTH, NOT_FIXED_KINDS, person_reach, token_digest
from tellus.feedback.themes import themes_refresh
from tellus.inclusion.models import SupportNeed
from tellus.people.models import Occupancy, SourceRecord
from tellus.privacy.models import AuditAction, Purpose
from tellus.privacy.services import Actor, AuditEntry, audit_events_record

from .inclusion import COHORTS

KNOWN_THEMES_FILE = "known_themes.csv"
BASE_RESPONSE = 0.34
ROUTE_FACTOR = {Route.EMAIL: 1.0, Route.SMS: 0.75, Route.LETTER: 0.4}
LETTER_DAYS = 14  # survey letters this recent wait for the next print run
COMMENT_SHARE = {True: 0.25, False: 0.6}  # people let down write more often than people pleased
COMPLAINTS_PER_NEED = 0.012
COMPLIMENTS_PER_NEED = 0.004

# Each known theme: what people write (sentences mixed at random), and how its volume moves over the year by
# month of the year (1 = normal).
THEMES: dict[str, dict[str, Any]] = {
    "website": {
        "lines": [
            "The online form on the website kept crashing when I pressed submit.",
            "Your new website would not let me log in to the online form.",
            "The website form timed out and I lost everything I typed.",
            "I could not find the right page on the website, and the online form is hard to use on a phone.",
            "The website showed an error on the online form.",
        ],
        "months": {4: 3.5, 5: 4.0, 6: 2.5, 7: 1.5},
    },
    "missed_bins": {
        "lines": [
            "The bin collection missed our street again this week.",
            "My bin was missed and not emptied, it is overflowing.",
            "Missed bin collection for the third time, bins left on the pavement.",
            "The recycling bin was missed on collection day and nobody came back.",
        ],
        "months": {12: 3.0, 1: 3.5, 2: 2.0},
    },
    "phone_waits": {
        "lines": [
            "I waited forty minutes on hold on the phone before anyone answered.",
            "The phone line rang and rang, the wait on hold was far too long.",
            "I was on hold on the phone for ages and the call dropped.",
            "Nobody answers the phone, I waited on hold for an hour.",
        ],
        "months": {3: 4.0, 4: 2.0},
    },
    "passed_around": {
        "lines": [
            "I was passed from one department to another and had to explain everything again.",
            "Every department passed me on, saying it was another department's job.",
            "I was passed around four departments and had to explain my story again each time.",
        ],
        "months": {},
    },
    "letters_unclear": {
        "lines": [
            "The letter you sent was confusing and the wording full of jargon.",
            "I did not understand the letter about my bill, the wording is unclear.",
            "Your letter was unclear and did not explain what I had to do or by when.",
        ],
        "months": {3: 2.0, 9: 1.5},
    },
    "kind_staff": {
        "lines": [
            "The staff were kind, patient and really helpful.",
            "Lovely helpful staff member who was kind and listened.",
            "The staff on the phone were kind and helpful and explained everything.",
            "Brilliant staff, polite, kind and helpful from start to finish.",
        ],
        "months": {},
    },
    "quick_fix": {
        "lines": [
            "Fixed quickly, the pothole was filled within a couple of days.",
            "Very quick, fixed the same week.",
            "Quick and efficient, it was fixed sooner than I expected.",
        ],
        "months": {},
    },
    "repairs_delay": {
        "lines": [
            "The repair to my flat still has not been done after weeks of waiting for the contractor.",
            "Damp and mould repair keeps being put off, the contractor never turns up.",
            "Still waiting for the repair appointment, the contractor cancelled again.",
        ],
        "months": {10: 2.5, 11: 3.0, 12: 2.0},
    },
}
INVITATION_COLUMNS = (
    "need_id", "person_id", "service_id", "channel", "capacity", "ward", "route", "token_digest", "offered_at",
    "opened_at", "responded_at",
)  # fmt: skip
RESPONSE_COLUMNS = (
    "invitation_id", *QUESTION_KEYS, "comment", "wants_updates", "responded_at", "service_id", "channel", "ward",
    "capacity",
)  # fmt: skip
POSITIVE = ("kind_staff", "quick_fix")
NEGATIVE = tuple(name for name in THEMES if name not in POSITIVE)
OPENERS = ("", "", "Honestly, ", "To be fair, ", "Well, ", "As a resident, ")
CLOSERS = ("", "", " Please sort this out.", " Thank you.", " I hope someone reads this.", " Not good enough.")


@dataclass(frozen=True)
class MetNeed:
    id: int
    person_id: int
    service_id: int | None
    met_at: dt.datetime
    channel: str
    capacity: str
    failures: int


def _met_needs() -> list[MetNeed]:
    first = {
        n: (ch, cap)
        for n, ch, cap in Contact.objects.filter(is_first_contact_for_need=True).values_list(
            "need_id", "channel", "capacity"
        )
    }
    failures = dict(
        Contact.objects.filter(demand_type=DemandType.FAILURE)
        .values("need_id")
        .annotate(n=Count("id"))
        .values_list("need_id", "n")
        .order_by()
    )
    rows = (
        Need.objects.filter(status=NeedStatus.MET, person__isnull=False)
        .exclude(survey_invitation__isnull=False)
        .order_by("id")
        .values_list("id", "person_id", "service_id", "met_at")
    )
    return [
        MetNeed(pk, person, service, met_at, *first.get(pk, ("", "")), failures.get(pk, 0))
        for pk, person, service, met_at in rows
        if met_at is not None and person is not None
    ]


def _reach() -> tuple[dict[int, Route], dict[int, str]]:
    routes: dict[int, Route] = {}
    for person, email, phone in SourceRecord.objects.filter(person__isnull=False).values_list(
        "person_id", "email", "phone"
    ):
        best = Route.EMAIL if email else Route.SMS if phone else Route.LETTER
        current = routes.get(person, Route.LETTER)
        order = (Route.LETTER, Route.SMS, Route.EMAIL)
        routes[person] = max(current, best, key=order.index)
    wards: dict[int, str] = {}
    for person, kind, ward in (
        Occupancy.objects.filter(date_to__isnull=True)
        .order_by("person_id", "date_from", "id")
        .values_list("person_id", "property__kind", "property__ward")
    ):
        wards[person] = NO_FIXED_ADDRESS if kind in NOT_FIXED_KINDS else (ward or "")
    return routes, wards


def _theme_weight(name: str, day: dt.date) -> float:
    return float(THEMES[name]["months"].get(day.month, 1.0))


def _pick_theme(rng: random.Random, day: dt.date, positive: bool) -> str:
    names = POSITIVE if positive else NEGATIVE
    weights = [_theme_weight(n, day) for n in names]
    return rng.choices(names, weights=weights)[0]


def _words(rng: random.Random, theme: str) -> str:
    lines = THEMES[theme]["lines"]
    text = rng.choice(lines)
    if rng.random() < 0.35:
        text += " " + rng.choice([line for line in lines if line != text])
    opener = rng.choice(OPENERS)
    if opener:
        text = text[0].lower() + text[1:]
    return f"{opener}{text}{rng.choice(CLOSERS)}".strip()


def response_chance(*, route: Route, no_fixed_address: bool, client: bool, failures: int, hardship: float) -> float:
    """The chance that a survey is answered: lower by letter or text, with no fixed address, for social-care
    clients, for each failure-demand contact, and divided by the person's hardship (1.0 for almost everyone)."""
    rate = BASE_RESPONSE * ROUTE_FACTOR[route]
    if no_fixed_address:
        rate *= 0.3
    if client:
        rate *= 0.5
    rate *= max(0.5, 1 - 0.1 * failures)  # people let down answer a little less
    return rate / max(hardship, 1.0)


def answers_for(rng: random.Random, failures: int, service_offset: float) -> dict[str, int | None]:
    """One response's scores: each failure-demand contact the need took lowers them (up to three)."""
    latent = 4.15 - 0.75 * min(failures, 3) + service_offset + rng.gauss(0, 0.7)
    answers: dict[str, int | None] = {}
    for key in QUESTION_KEYS:
        if rng.random() < 0.07:
            answers[key] = None
            continue
        answers[key] = max(1, min(5, round(latent + rng.gauss(0, 0.55))))
    return answers


@dataclass(frozen=True)
class DemoFeedback:
    invitations: int
    responses: int
    feedback: int
    themes: int
    survey_link_path: str

    def line(self) -> str:
        return (
            f"{self.invitations:,} surveys offered, {self.responses:,} answered, {self.feedback:,} complaints, "
            f"compliments and comments, {self.themes} themes"
        )


def _answers(rng: random.Random, need: MetNeed, service_offset: float) -> dict[str, int | None]:
    return answers_for(rng, need.failures, service_offset)


def _hardship() -> dict[int, float]:
    """The hardship the demo year gave each person with a need recorded (from the inclusion stage): the largest
    of their current needs' cohorts'. People without one are left out (1.0)."""
    factor_of = {str(need): cohort.hardship for cohort in COHORTS for need, _, _ in cohort.needs}
    found: dict[int, float] = {}
    for person_id, need in SupportNeed.objects.filter(ended_at__isnull=True).values_list("person_id", "need"):
        found[person_id] = max(found.get(person_id, 1.0), factor_of.get(str(need), 1.0))
    return {person: factor for person, factor in found.items() if factor > 1.0}


def _vulnerable(person_ids: set[int]) -> set[int]:
    return set(
        PersonCapacity.objects.filter(capacity="client", person_id__in=person_ids).values_list("person_id", flat=True)
    )


@transaction.atomic
def _letters_waiting(created: list[int], unprinted: list[tuple[int, MetNeed, str]]) -> None:
    """The letters of the last LETTER_DAYS not yet opened wait for the next print run (`tellus surveys letters`),
    addressed as the survey's own routing would address them; older ones were printed before the demo began."""
    if not unprinted:
        return
    since = max(need.met_at for _index, need, _token in unprinted) - dt.timedelta(days=LETTER_DAYS)
    letters = []
    for index, need, code in unprinted:
        if need.met_at < since:
            continue
        reach = person_reach(need.person_id)
        if reach is None or reach.route != Route.LETTER:  # their correspondence route says otherwise now
            continue
        letters.append(
            SurveyLetter(
                invitation_id=created[index], code=code, recipient=reach.recipient, address=reach.postal_address
            )
        )
    SurveyLetter.objects.bulk_create(letters, batch_size=2000)


@transaction.atomic
def demo_feedback_load(*, seed: int, actor: Actor, known_themes_dir: Path) -> DemoFeedback:
    rng = random.Random(f"listening-{seed}")
    needs = _met_needs()
    routes, wards = _reach()
    clients = _vulnerable({n.person_id for n in needs})
    hardship = _hardship()
    service_offsets: dict[int | None, float] = {}
    adapt = datetime_adapter()
    invitations: list[tuple[Any, ...]] = []
    answered: list[tuple[int, MetNeed, dt.datetime]] = []
    unanswered_token = ""
    unprinted: list[tuple[int, MetNeed, str]] = []
    codes = random.Random(f"letters-{seed}")  # apart from `rng`, so the year's answers stay as they were
    for index, need in enumerate(needs):
        route = routes.get(need.person_id, Route.LETTER)
        token = hashlib.sha256(f"{seed}:{need.id}:{rng.random()}".encode()).hexdigest()[:32]
        if route == Route.LETTER:
            token = "".join(codes.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        ward = wards.get(need.person_id, "")
        rate = response_chance(
            route=route, no_fixed_address=ward == NO_FIXED_ADDRESS,
            client=need.person_id in clients or need.capacity == "client", failures=need.failures,
            hardship=hardship.get(need.person_id, 1.0),
        )  # fmt: skip
        offered = need.met_at
        responded = rng.random() < rate
        opened = responded or rng.random() < rate * 0.6
        respond_at = offered + dt.timedelta(hours=rng.uniform(1, 96))
        invitations.append(
            (need.id, need.person_id, need.service_id, need.channel, need.capacity, ward, str(route),
             token_digest(token), adapt(offered), adapt(respond_at) if opened else None,
             adapt(respond_at) if responded else None)
        )  # fmt: skip
        if route == Route.LETTER and not opened:
            unprinted.append((index, need, token))
        if responded:
            answered.append((index, need, respond_at))
        elif not unanswered_token and not opened:
            unanswered_token = token
        if need.service_id not in service_offsets:
            service_offsets[need.service_id] = rng.uniform(-0.35, 0.25)
    created = insert_returning_ids(SurveyInvitation, INVITATION_COLUMNS, invitations)
    _letters_waiting(created, unprinted)
    known: list[tuple[str, int, str]] = []
    responses: list[tuple[Any, ...]] = []
    themes_of_response: list[str | None] = []
    for index, need, at in answered:
        answers = _answers(rng, need, service_offsets[need.service_id])
        comment, theme = "", None
        scored = [v for v in answers.values() if v is not None]
        positive = bool(scored) and sum(scored) / len(scored) >= 3.6
        if rng.random() < COMMENT_SHARE[positive]:
            theme = _pick_theme(rng, at.date(), positive)
            comment = _words(rng, theme)
        responses.append(
            (created[index], *(answers[key] for key in QUESTION_KEYS), comment,
             bool(comment) and rng.random() < 0.45, adapt(at), need.service_id, need.channel,
             invitations[index][5], need.capacity)
        )  # fmt: skip
        themes_of_response.append(theme)
    saved = insert_returning_ids(SurveyResponse, RESPONSE_COLUMNS, responses)
    known += [(TextSource.SURVEY, pk, t) for pk, t in zip(saved, themes_of_response, strict=True) if t]
    feedback, feedback_themes = _feedback(rng, needs)
    saved_feedback = Feedback.objects.bulk_create(feedback, batch_size=2000)
    known += [(TextSource.FEEDBACK, f.pk, t) for f, t in zip(saved_feedback, feedback_themes, strict=True)]
    events = [
        ComplaintEvent(feedback_id=f.pk, step="received", occurred_at=f.received_at, actor_label=actor.label)
        for f in saved_feedback
    ]
    ComplaintEvent.objects.bulk_create(events, batch_size=2000)
    entries = [
        AuditEntry(action=AuditAction.CREATE, object_type=RESPONSE_OBJECT_TYPE, object_id=str(pk)) for pk in saved
    ] + [
        AuditEntry(
            action=AuditAction.CREATE, object_type=FEEDBACK_OBJECT_TYPE, object_id=str(f.pk),
            subject_person_id=f.person_id,
        )
        for f in saved_feedback
    ]  # fmt: skip
    audit_events_record(actor=actor, purpose=Purpose.DATA_IMPORT, entries=entries)
    _write_known(known_themes_dir / KNOWN_THEMES_FILE, known)
    result = themes_refresh(actor=actor, count=len(THEMES), seed=seed, include_contacts=False)
    path = f"/feedback/survey/{unanswered_token}/" if unanswered_token else ""
    return DemoFeedback(len(created), len(saved), len(saved_feedback), result.themes_made, path)


def _feedback(rng: random.Random, needs: list[MetNeed]) -> tuple[list[Feedback], list[str]]:
    rows: list[Feedback] = []
    themes: list[str] = []
    today = dt.date.today()
    for need in needs:
        draw = rng.random()
        failure_boost = 1 + 1.5 * min(need.failures, 3)
        if draw < COMPLAINTS_PER_NEED * failure_boost:
            kind, theme = FeedbackKind.COMPLAINT, _pick_theme(rng, need.met_at.date(), positive=False)
        elif draw > 1 - COMPLIMENTS_PER_NEED:
            kind, theme = FeedbackKind.COMPLIMENT, _pick_theme(rng, need.met_at.date(), positive=True)
        elif draw > 1 - COMPLIMENTS_PER_NEED - 0.002:
            kind, theme = FeedbackKind.COMMENT, _pick_theme(rng, need.met_at.date(), positive=rng.random() < 0.5)
        else:
            continue
        received = need.met_at + dt.timedelta(hours=rng.uniform(2, 240))
        row = Feedback(
            kind=kind, person_id=need.person_id, need_id=need.id, service_id=need.service_id,
            channel=rng.choice(["email", "phone", "web", "letter"]), words=_words(rng, theme),
            wants_updates=rng.random() < 0.5, received_at=received, recorded_by_label="tellus demo",
        )  # fmt: skip
        if kind == FeedbackKind.COMPLAINT:
            _complaint_progress(rng, row, today)
        rows.append(row)
        themes.append(theme)
    return rows, themes


def _complaint_progress(rng: random.Random, row: Feedback, today: dt.date) -> None:
    """Old complaints are mostly closed; recent ones are part-way, and a few are late."""
    received = row.received_at.date()
    row.acknowledge_due = add_working_days(received, 5)
    age = (today - received).days
    late = rng.random() < 0.12
    ack_day = add_working_days(received, rng.randint(1, 8 if late else 4))
    if ack_day >= today and age < 30:
        row.status = ComplaintStatus.RECEIVED
        return
    row.acknowledged_at = dt.datetime.combine(ack_day, dt.time(10), tzinfo=dt.UTC)
    row.respond_due = add_working_days(ack_day, 10)
    if rng.random() < 0.08:
        row.extension_days = rng.randint(3, 10)
        row.extension_reason = "Waiting for the contractor's report."
        row.respond_due = add_working_days(row.respond_due, row.extension_days)
    answer_day = add_working_days(ack_day, rng.randint(3, 14 if late else 9))
    if answer_day >= today:
        row.status = ComplaintStatus.INVESTIGATING
        return
    row.responded_at = dt.datetime.combine(answer_day, dt.time(15), tzinfo=dt.UTC)
    row.response = "We are sorry. We have looked into what happened and put it right."
    row.status = ComplaintStatus.RESPONDED
    if rng.random() < 0.7:
        row.status = ComplaintStatus.LEARNING_RECORDED
        row.learning = "Shared with the team; the process has been changed."
    if rng.random() < 0.06:
        row.stage = 2
        row.escalated_at = row.responded_at + dt.timedelta(days=3)
        row.status = ComplaintStatus.ACKNOWLEDGED
        row.learning = ""
        row.responded_at = None
        row.acknowledged_at = row.escalated_at + dt.timedelta(days=2)
        row.respond_due = add_working_days(row.acknowledged_at.date(), 20)
        row.extension_days, row.extension_reason = 0, ""


def _write_known(path: Path, known: list[tuple[str, int, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["source", "source_id", "known_theme"])
        writer.writerows(sorted(known))


def known_themes(path: Path) -> dict[tuple[str, int], str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return {(row["source"], int(row["source_id"])): row["known_theme"] for row in csv.DictReader(handle)}
