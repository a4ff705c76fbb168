"""The demo town's people with the least voice: some with no fixed address, some with health needs, some not
fluent in English or without digital access, some after a bereavement or leaving care or prison, and a group with
money worries whom the council serves exactly as well as anyone (made equal, so the equity flags can be seen not
to fire on a group just for having a need recorded).

`vulnerable_people` picks them from the living people, the same for a seed every time; the year generator makes
their outcomes worse by each cohort's `hardship` (docs/inclusion.md), and `demo_inclusion_load` records their
needs, adjustments, representatives, contact routes and declarations of local connection."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from tellus.inclusion.models import (
    ADJUSTMENT_OBJECT_TYPE,
    DRIVER_OF,
    LOCAL_CONNECTION_OBJECT_TYPE,
    ROUTE_OBJECT_TYPE,
    SUPPORT_NEED_OBJECT_TYPE,
    Adjustment,
    AdjustmentKind,
    CorrespondenceRoute,
    LocalConnection,
    RouteMethod,
    SpecificNeed,
    SupportNeed,
)
from tellus.people.models import Person, Representative
from tellus.people.services import person_no_fixed_address_set, representative_create
from tellus.privacy.models import AuditAction, Purpose
from tellus.privacy.services import Actor, AuditEntry, audit_events_record


@dataclass(frozen=True)
class Cohort:
    key: str
    share: float  # of the living people
    hardship: float  # 1.0: served as well as anyone
    needs: tuple[tuple[str, str, str], ...]  # (need, adjustment kind or "", adjustment detail or "")


LANGUAGES = ("Arabic", "Polish", "Romanian", "Urdu", "Somali")
COHORTS = (
    Cohort("no_fixed_address", 0.012, 2.5, ((SpecificNeed.NO_FIXED_ADDRESS, AdjustmentKind.CALL_DO_NOT_WRITE, ""),)),
    Cohort(
        "health",
        0.025,
        1.8,
        (
            (SpecificNeed.VISUAL_IMPAIRMENT, AdjustmentKind.LARGE_PRINT, ""),
            (SpecificNeed.HEARING_IMPAIRMENT, AdjustmentKind.BSL, ""),
            (SpecificNeed.DEMENTIA, AdjustmentKind.SPEAK_TO_ADVOCATE_FIRST, ""),
            (SpecificNeed.MENTAL_HEALTH, AdjustmentKind.EXTRA_TIME, ""),
        ),
    ),
    Cohort(
        "capability",
        0.02,
        1.7,
        (
            (SpecificNeed.NOT_FLUENT_IN_ENGLISH, AdjustmentKind.INTERPRETER, "language"),
            (SpecificNeed.LOW_LITERACY, AdjustmentKind.EASY_READ, ""),
            (SpecificNeed.NO_DIGITAL_ACCESS, AdjustmentKind.PAPER_NOT_ONLINE, ""),
        ),
    ),
    Cohort(
        "life_events",
        0.015,
        1.8,
        (
            (SpecificNeed.BEREAVEMENT, AdjustmentKind.EXTRA_TIME, ""),
            (SpecificNeed.CARE_LEAVER, AdjustmentKind.FACE_TO_FACE, ""),
            (SpecificNeed.PRISON_LEAVER, AdjustmentKind.FACE_TO_FACE, ""),
        ),
    ),
    Cohort(
        "resilience",
        0.02,
        1.0,
        ((SpecificNeed.LOW_INCOME, "", ""), (SpecificNeed.PROBLEM_DEBT, AdjustmentKind.WRITE_DO_NOT_CALL, "")),
    ),
)
DAY_CENTRE = "St Anne's Day Centre"
OFFICES = ("Civic Centre, Market Square", "Northgate Housing Office", "Library and Customer Service Point")


def vulnerable_people(people: Sequence[int], seed: int) -> dict[int, Cohort]:
    """Disjoint cohorts drawn from the living people, the same for the same people and seed."""
    rng = random.Random(f"inclusion-{seed}")
    shuffled = sorted(people)
    rng.shuffle(shuffled)
    chosen: dict[int, Cohort] = {}
    at = 0
    for cohort in COHORTS:
        count = round(len(shuffled) * cohort.share)
        chosen.update(dict.fromkeys(shuffled[at : at + count], cohort))
        at += count
    return chosen


def hardship_of(people: Sequence[int], seed: int) -> dict[int, float]:
    return {person: cohort.hardship for person, cohort in vulnerable_people(people, seed).items()}


def _living() -> list[int]:
    living = Person.objects.filter(merged_into__isnull=True, date_of_death__isnull=True)
    return list(living.order_by("pk").values_list("pk", flat=True))


@transaction.atomic
def demo_inclusion_load(*, seed: int, actor: Actor) -> dict[str, int]:
    """Needs and adjustments for every vulnerable person; for those with no fixed address, the flag, a route
    (collect from an office, or care of a day centre) and for some a declaration of local connection; for some
    with dementia, an attorney who receives their letters. Returns what was made."""
    rng = random.Random(f"inclusion-load-{seed}")
    today = timezone.localdate()
    chosen = vulnerable_people(_living(), seed)
    people = Person.objects.in_bulk(list(chosen))
    needs: list[SupportNeed] = []
    adjustments: list[tuple[int, str, str]] = []  # (index into needs, kind, detail)
    for person_id in sorted(chosen):
        cohort = chosen[person_id]
        need, kind, detail = cohort.needs[rng.randrange(len(cohort.needs))]
        language = LANGUAGES[rng.randrange(len(LANGUAGES))] if need == SpecificNeed.NOT_FLUENT_IN_ENGLISH else ""
        permanent = need in (SpecificNeed.VISUAL_IMPAIRMENT, SpecificNeed.HEARING_IMPAIRMENT, SpecificNeed.DEMENTIA)
        # A few reviews are overdue, so the review list has something to show.
        review_on = today + dt.timedelta(days=rng.randint(-60, 365))
        needs.append(
            SupportNeed(
                person_id=person_id, need=need, driver=DRIVER_OF[need], language=language,
                permanence=SupportNeed.Permanence.PERMANENT if permanent else SupportNeed.Permanence.TEMPORARY,
                review_on=review_on, source=SupportNeed.Source.PERSON,
                lawful_basis=SupportNeed.LawfulBasis.EXPLICIT_CONSENT, consent_given_on=today - dt.timedelta(days=30),
                recorded_by_label=actor.label,
            )
        )  # fmt: skip
        if kind:
            adjustments.append((len(needs) - 1, kind, language if detail == "language" else ""))
    SupportNeed.objects.bulk_create(needs)
    made = Adjustment.objects.bulk_create(
        Adjustment(person_id=needs[i].person_id, support_need=needs[i], kind=kind, detail=detail,
                   recorded_by_label=actor.label)
        for i, kind, detail in adjustments
    )  # fmt: skip
    routes, connections = _no_fixed_address(chosen, people, rng, actor=actor, today=today)
    attorneys = _attorneys(chosen, people, rng, actor=actor, today=today)
    entries = [
        *(AuditEntry(AuditAction.CREATE, SUPPORT_NEED_OBJECT_TYPE, str(n.pk), n.person_id) for n in needs),
        *(AuditEntry(AuditAction.CREATE, ADJUSTMENT_OBJECT_TYPE, str(a.pk), a.person_id) for a in made),
        *(AuditEntry(AuditAction.CREATE, ROUTE_OBJECT_TYPE, str(r.pk), r.person_id) for r in routes),
        *(AuditEntry(AuditAction.CREATE, LOCAL_CONNECTION_OBJECT_TYPE, str(c.pk), c.person_id) for c in connections),
    ]
    audit_events_record(actor=actor, purpose=Purpose.DATA_IMPORT, entries=entries)
    return {
        "needs": len(needs),
        "adjustments": len(made),
        "routes": len(routes),
        "local connections": len(connections),
        "attorneys": attorneys,
    }


def _no_fixed_address(
    chosen: dict[int, Cohort], people: dict[int, Person], rng: random.Random, *, actor: Actor, today: dt.date
) -> tuple[list[CorrespondenceRoute], list[LocalConnection]]:
    routes, connections = [], []
    for person_id in sorted(p for p, cohort in chosen.items() if cohort.key == "no_fixed_address"):
        person_no_fixed_address_set(
            person=people[person_id], no_fixed_address=True, actor=actor, purpose=Purpose.DATA_IMPORT
        )
        if rng.random() < 0.6:
            routes.append(
                CorrespondenceRoute(person_id=person_id, method=RouteMethod.COLLECT,
                                    office=OFFICES[rng.randrange(len(OFFICES))], recorded_by_label=actor.label)
            )  # fmt: skip
        else:
            routes.append(
                CorrespondenceRoute(person_id=person_id, method=RouteMethod.CARE_OF, care_of_name=DAY_CENTRE,
                                    care_of_address="14 Quay Street", recorded_by_label=actor.label)
            )  # fmt: skip
        if rng.random() < 0.4:
            declared = today - dt.timedelta(days=rng.randint(0, 300))
            connections.append(
                LocalConnection(person_id=person_id, place="Near the library, Station Road", declared_on=declared,
                                expires_on=declared + dt.timedelta(days=365), recorded_by_label=actor.label)
            )  # fmt: skip
    return CorrespondenceRoute.objects.bulk_create(routes), LocalConnection.objects.bulk_create(connections)


def _attorneys(
    chosen: dict[int, Cohort], people: dict[int, Person], rng: random.Random, *, actor: Actor, today: dt.date
) -> int:
    made = 0
    dementia = SupportNeed.objects.filter(need=SpecificNeed.DEMENTIA, person_id__in=list(chosen))
    for person_id in sorted(dementia.values_list("person_id", flat=True)):
        if rng.random() < 0.5:
            continue
        surname = people[person_id].display_name.split()[-1]
        representative_create(
            person=people[person_id], name=f"{rng.choice(('Sam', 'Alex', 'Jo', 'Chris'))} {surname}",
            relationship=Representative.Relationship.POWER_OF_ATTORNEY, starts_on=today - dt.timedelta(days=400),
            can_view=True, can_act=True, receives_correspondence=True, address="3 Orchard Close, Tellham",
            evidence=f"LPA reference 7000-{person_id:06d}", actor=actor, purpose=Purpose.DATA_IMPORT,
        )  # fmt: skip
        made += 1
    return made
