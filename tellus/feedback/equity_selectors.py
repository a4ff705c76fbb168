"""Survey figures per person, for the equity dashboard (`insight.equity_data`, floor 8): how many surveys each
person was offered in a period, in each capacity, how many they answered, and of those who answered the
satisfaction question how many agreed (4 or 5 on the five-point scale, as on the listening dashboard).

Listening and inclusion stand on the same floor and do not import each other, so the join of these figures with
people's needs is made above both, in `insight`. The rows name people only by id and carry counts, never what they
wrote; only aggregates over groups of at least ten people leave the equity dashboard. This is the system's
analysis, not a staff read of a person, so it writes no audit entry (like `insight`'s other frames)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q

from .models import SurveyInvitation

SURVEY_OUTCOME_COLUMNS = ("person_id", "capacity", "surveys", "responses", "rated", "satisfied")
SATISFIED_FROM = 4  # agree or strongly agree


def survey_outcomes_by_person(*, start: dt.datetime, end: dt.datetime) -> list[tuple[int, str, int, int, int, int]]:
    """One row per person and capacity (of the need's first contact; "" when not known) with surveys offered from
    `start` (inclusive) to `end` (exclusive): (person_id, capacity, surveys, responses, rated, satisfied).
    `rated` counts responses that answered the satisfaction question; `satisfied` those that agreed. Surveys
    offered to nobody known (anonymous contacts) are left out."""
    if end <= start:
        raise ValueError("the period must end after it starts")
    rows = (
        SurveyInvitation.objects.filter(person__isnull=False, offered_at__gte=start, offered_at__lt=end)
        .values("person_id", "capacity")
        .annotate(
            surveys=Count("id"),
            responses=Count("id", filter=Q(responded_at__isnull=False)),
            rated=Count("response__satisfaction"),
            satisfied=Count("id", filter=Q(response__satisfaction__gte=SATISFIED_FROM)),
        )
        .order_by("person_id", "capacity")
        .values_list(*SURVEY_OUTCOME_COLUMNS)
    )
    return [(int(p), str(c or ""), int(s), int(r), int(n), int(a)) for p, c, s, r, n, a in rows]
