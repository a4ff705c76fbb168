"""Aggregates for the listening dashboard, computed in the database: one GROUP BY per panel, whatever the number of
responses. No row about one person leaves the database here."""

from __future__ import annotations

from typing import Any

import pandas as pd
from django.db.models import Count, Q, QuerySet

from tellus.feedback.models import QUESTION_KEYS, SurveyInvitation, SurveyResponse, ThemeTag

from .selectors import DemandFilters, WeekStart, _frame

GROUPS = ("service", "channel", "ward", "capacity")
# Response rates also by how the survey was sent (email, text, letter): a response has no route of its own.
RATE_GROUPS = (*GROUPS, "route")
SCORE_COLUMNS = ["group", "responses", *[f"{q}_{part}" for q in QUESTION_KEYS for part in ("n", "agree")]]
RATE_COLUMNS = ["group", "offered", "opened", "responded"]


def _keys(values: pd.Series, group: str) -> list[Any]:
    """Group keys as they are: service ids as ints (pandas would make a column with a gap floats), "" for none."""
    return ["" if pd.isna(v) or v is None else (int(v) if group == "service" else str(v)) for v in values]


def _column(group: str) -> str:
    return "service_id" if group == "service" else group


def scores_queryset(group: str, filters: DemandFilters) -> QuerySet[Any, Any]:
    aggregates: dict[str, Any] = {"responses": Count("id")}
    for question in QUESTION_KEYS:
        aggregates[f"{question}_n"] = Count(question)
        aggregates[f"{question}_agree"] = Count(question, filter=Q(**{f"{question}__gte": 4}))
    return (
        SurveyResponse.objects.filter(filters._range("responded_at"))
        .values(_column(group))
        .annotate(**aggregates)
        .order_by()
    )


def scores(group: str, filters: DemandFilters) -> pd.DataFrame:
    """Per value of `group`: responses, and for each question how many answered it and how many agreed."""
    frame = _frame(scores_queryset(group, filters), SCORE_COLUMNS)
    frame["group"] = pd.Series(_keys(frame["group"], group), dtype="object")
    return frame


def rates_queryset(group: str, filters: DemandFilters) -> QuerySet[Any, Any]:
    return (
        SurveyInvitation.objects.filter(filters._range("offered_at"))
        .values(_column(group))
        .annotate(offered=Count("id"), opened=Count("opened_at"), responded=Count("responded_at"))
        .order_by()
    )


def rates(group: str, filters: DemandFilters) -> pd.DataFrame:
    frame = _frame(rates_queryset(group, filters), RATE_COLUMNS)
    frame["group"] = pd.Series(_keys(frame["group"], group), dtype="object")
    return frame


def theme_weeks_queryset(filters: DemandFilters) -> QuerySet[Any, Any]:
    return (
        ThemeTag.objects.filter(filters._range("occurred_at"), theme__merged_into__isnull=True)
        .exclude(source="contact")
        .annotate(week=WeekStart("occurred_at"))
        .values("theme_id", "week")
        .annotate(texts=Count("id"))
        .order_by()
    )


def theme_weeks(filters: DemandFilters) -> pd.DataFrame:
    """Survey comments, complaints, compliments and comments carrying each live theme, per week."""
    return _frame(theme_weeks_queryset(filters), ["theme_id", "week", "texts"])
