"""Themes in what people wrote: made by topic modelling (topics.py), kept by staff (rename, merge, split), carried
by each comment, complaint and contact as tags."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from tellus.demand.models import Contact
from tellus.privacy.models import AuditAction, Purpose
from tellus.privacy.services import Actor, AuditEntry, audit_events_record

from . import topics
from .models import THEME_OBJECT_TYPE, Feedback, SurveyResponse, TextSource, Theme, ThemeTag

DEFAULT_THEMES = 10
CONTACTS_MODELLED = 20000  # the latest contacts' words join the model; older ones add little and cost much
LABEL_LENGTH = 120


@dataclass(frozen=True)
class Text:
    source: str
    source_id: int
    occurred_at: dt.datetime
    words: str


def texts_untagged(*, include_contacts: bool = True) -> list[Text]:
    """Every survey comment, complaint, compliment and comment, and the latest contacts' words, with no theme yet."""
    tagged = {(s, i) for s, i in ThemeTag.objects.values_list("source", "source_id")}
    texts = [
        Text(TextSource.SURVEY, pk, at, words)
        for pk, at, words in SurveyResponse.objects.exclude(comment="").values_list("pk", "responded_at", "comment")
    ]
    texts += [
        Text(TextSource.FEEDBACK, pk, at, words)
        for pk, at, words in Feedback.objects.values_list("pk", "received_at", "words")
    ]
    if include_contacts:
        latest = Contact.objects.order_by("-occurred_at", "-id").values_list("pk", "occurred_at", "words")
        texts += [Text(TextSource.CONTACT, pk, at, words) for pk, at, words in latest[:CONTACTS_MODELLED]]
    return [t for t in texts if (t.source, t.source_id) not in tagged]


def _audit(actor: Actor, theme: Theme, action: AuditAction, **changes: object) -> None:
    audit_events_record(
        actor=actor,
        purpose=Purpose.SERVICE_MANAGEMENT,
        entries=[
            AuditEntry(action=action, object_type=THEME_OBJECT_TYPE, object_id=str(theme.pk), changes=dict(changes))
        ],
    )


def _tag(text: Text, theme_id: int, weight: float) -> ThemeTag:
    return ThemeTag(
        theme_id=theme_id, source=text.source, source_id=text.source_id, occurred_at=text.occurred_at, weight=weight
    )


@dataclass(frozen=True)
class ThemesResult:
    themes_made: int
    texts_tagged: int
    texts_without_theme: int


@transaction.atomic
def themes_refresh(
    *, actor: Actor, count: int = DEFAULT_THEMES, seed: int = 0, include_contacts: bool = True
) -> ThemesResult:
    """Give every text without a theme its themes. With no themes yet, fit the topic model and make them; after
    that, each new text joins the existing theme it is most like, so staff's names, merges and splits stand."""
    texts = texts_untagged(include_contacts=include_contacts)
    live = Theme.objects.filter(merged_into__isnull=True)
    if not live.exists():
        found = topics.find_topics([t.words for t in texts], count=count, seed=seed)
        themes = [
            Theme.objects.create(label=topics.label_for(words)[:LABEL_LENGTH], keywords=words)
            for words in found.keywords
        ]
        tags = [
            _tag(text, themes[index].pk, weight)
            for text, chosen, weights in zip(texts, found.assigned, found.weights, strict=True)
            for index, weight in zip(chosen, weights, strict=True)
        ]
        ThemeTag.objects.bulk_create(tags, batch_size=2000)
        for theme in themes:
            _audit(actor, theme, AuditAction.CREATE, label=[None, theme.label])
        untagged = sum(1 for chosen in found.assigned if not chosen)
        return ThemesResult(len(themes), len(texts) - untagged, untagged)
    known = _tagged_texts(live)
    nearest = topics.nearest_themes([t.words for t in known[0]], known[1], [t.words for t in texts])
    tags = [_tag(text, theme_id, 1.0) for text, theme_id in zip(texts, nearest, strict=True) if theme_id is not None]
    ThemeTag.objects.bulk_create(tags, batch_size=2000)
    return ThemesResult(0, len(tags), len(texts) - len(tags))


def _words_of(tags: QuerySet[ThemeTag]) -> dict[tuple[str, int], str]:
    wanted: dict[str, set[int]] = {}
    for source, source_id in tags.values_list("source", "source_id"):
        wanted.setdefault(source, set()).add(source_id)
    words: dict[tuple[str, int], str] = {}
    for source, model, field in (
        (TextSource.SURVEY, SurveyResponse, "comment"),
        (TextSource.FEEDBACK, Feedback, "words"),
        (TextSource.CONTACT, Contact, "words"),
    ):
        ids = sorted(wanted.get(source, ()))
        for start in range(0, len(ids), 5000):
            for pk, text in model.objects.filter(pk__in=ids[start : start + 5000]).values_list("pk", field):
                words[(str(source), pk)] = text
    return words


def _tagged_texts(themes: QuerySet[Theme]) -> tuple[list[Text], list[int]]:
    tags = ThemeTag.objects.filter(theme__in=themes).order_by("id")
    words = _words_of(tags)
    texts, labels = [], []
    for source, source_id, theme_id, at in tags.values_list("source", "source_id", "theme_id", "occurred_at"):
        if (source, source_id) in words:
            texts.append(Text(source, source_id, at, words[(source, source_id)]))
            labels.append(theme_id)
    return texts, labels


def _live(theme: Theme) -> Theme:
    locked = Theme.objects.select_for_update().get(pk=theme.pk)
    if locked.merged_into_id is not None:
        raise ValidationError({"__all__": _("That theme was merged into another; work on that one.")})
    return locked


@transaction.atomic
def theme_rename(*, theme: Theme, label: str, actor: Actor) -> Theme:
    label = " ".join(str(label).split())
    if not label:
        raise ValidationError({"label": _("Give the theme a name.")})
    if len(label) > LABEL_LENGTH:
        raise ValidationError({"label": _("Keep the name to %(n)s characters or fewer.") % {"n": LABEL_LENGTH}})
    locked = _live(theme)
    before = locked.label
    locked.label = label
    locked.named_by_staff = True
    locked.save(update_fields=["label", "named_by_staff"])
    _audit(actor, locked, AuditAction.UPDATE, label=[before, label])
    return locked


@transaction.atomic
def theme_merge(*, theme: Theme, into: Theme, actor: Actor) -> Theme:
    """Move every text of `theme` to `into`; `theme` is kept, pointing at `into`, so past changes still read."""
    if theme.pk == into.pk:
        raise ValidationError({"into": _("Choose a different theme to merge into.")})
    source, target = _live(theme), _live(into)
    already = set(ThemeTag.objects.filter(theme=target).values_list("source", "source_id"))
    moving = ThemeTag.objects.filter(theme=source)
    duplicate_ids = [pk for pk, s, i in moving.values_list("pk", "source", "source_id") if (s, i) in already]
    ThemeTag.objects.filter(pk__in=duplicate_ids).delete()
    moved = ThemeTag.objects.filter(theme=source).update(theme=target)
    source.merged_into = target
    source.save(update_fields=["merged_into"])
    _audit(actor, source, AuditAction.UPDATE, merged_into=[None, target.pk], texts_moved=[0, moved])
    return target


@transaction.atomic
def theme_split(*, theme: Theme, actor: Actor, seed: int = 0) -> tuple[Theme, Theme]:
    """Split a theme in two by modelling its own texts: the theme keeps the first part, a new theme the second."""
    locked = _live(theme)
    texts, _labels = _tagged_texts(Theme.objects.filter(pk=locked.pk))
    if len(texts) < 4:
        raise ValidationError({"__all__": _("A theme needs at least four texts to be split.")})
    found = topics.find_topics([t.words for t in texts], count=2, seed=seed)
    if len(found.keywords) < 2:
        raise ValidationError({"__all__": _("These texts do not fall into two groups.")})
    second = Theme.objects.create(label=topics.label_for(found.keywords[1])[:LABEL_LENGTH], keywords=found.keywords[1])
    moving = [
        (t.source, t.source_id) for t, chosen in zip(texts, found.assigned, strict=True) if chosen and chosen[0] == 1
    ]
    if not moving or len(moving) == len(texts):
        raise ValidationError({"__all__": _("These texts do not fall into two groups.")})
    for start in range(0, len(moving), 500):
        chunk = Q()
        for source, source_id in moving[start : start + 500]:
            chunk |= Q(source=source, source_id=source_id)
        ThemeTag.objects.filter(chunk, theme=locked).update(theme=second)
    locked.keywords = found.keywords[0]
    if not locked.named_by_staff:
        locked.label = topics.label_for(found.keywords[0])[:LABEL_LENGTH]
    locked.save(update_fields=["keywords", "label"])
    _audit(actor, locked, AuditAction.UPDATE, split_into=[None, second.pk], texts_moved=[0, len(moving)])
    _audit(actor, second, AuditAction.CREATE, label=[None, second.label], split_from=[None, locked.pk])
    return locked, second


def themes_with_counts() -> QuerySet[Theme]:
    return Theme.objects.filter(merged_into__isnull=True).annotate(texts=Count("tags")).order_by("-texts", "label")


def themes_of(source: str, ids: list[int]) -> dict[int, list[str]]:
    """The live themes' labels each text carries."""
    found: dict[int, list[str]] = {}
    rows = (
        ThemeTag.objects.filter(source=source, source_id__in=ids)
        .order_by("-weight")
        .values_list("source_id", "theme__label")
    )
    for source_id, label in rows:
        found.setdefault(source_id, []).append(label)
    return found
