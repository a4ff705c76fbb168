"""Themes: found by topic modelling, kept by staff, carried by each text."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tellus.feedback import topics
from tellus.feedback.complaints import feedback_record
from tellus.feedback.models import Theme, ThemeTag
from tellus.feedback.themes import theme_merge, theme_rename, theme_split, themes_refresh
from tellus.privacy.models import AuditEvent

from .factories import OFFICER

BINS = ["The bin collection was missed again", "My bin was missed, collection day forgotten", "Missed bin collection"]
PHONE = ["I waited on hold on the phone for an hour", "The phone wait on hold was too long", "On hold on the phone"]


def test_the_topic_model_tells_two_obvious_themes_apart_the_same_way_each_time():
    texts = BINS * 4 + PHONE * 4
    first = topics.find_topics(texts, count=2, seed=0)
    again = topics.find_topics(texts, count=2, seed=0)

    groups = [chosen[0] for chosen in first.assigned]
    assert len(set(groups[:12])) == 1 and len(set(groups[12:])) == 1 and groups[0] != groups[12]
    assert first.assigned == again.assigned
    assert {"bin", "missed", "collection"} & set(first.keywords[groups[0]][:3])


def test_no_text_means_no_themes():
    assert topics.find_topics([], count=3).keywords == []


def _feedback(words: str, **fields):
    return feedback_record(actor=OFFICER, purpose="casework", kind="comment", channel="web", words=words, **fields)


@pytest.mark.django_db
def test_refresh_makes_themes_then_puts_new_texts_in_the_theme_they_are_most_like():
    for words in BINS * 3 + PHONE * 3:
        _feedback(words)
    made = themes_refresh(actor=OFFICER, count=2, include_contacts=False)
    assert made.themes_made == 2 and made.texts_tagged == 18

    new = _feedback("They missed my bin on collection day")
    again = themes_refresh(actor=OFFICER, include_contacts=False)

    assert again.themes_made == 0 and again.texts_tagged == 1
    bin_theme = ThemeTag.objects.get(source="feedback", source_id=new.pk).theme
    assert "bin" in bin_theme.keywords or "missed" in bin_theme.keywords


@pytest.fixture
def two_themes(db):
    for words in BINS * 3 + PHONE * 3:
        _feedback(words)
    themes_refresh(actor=OFFICER, count=2, include_contacts=False)
    return list(Theme.objects.order_by("pk"))


def test_staff_rename_a_theme_and_the_audit_log_says_so(two_themes):
    theme = theme_rename(theme=two_themes[0], label="  Missed   bins ", actor=OFFICER)

    assert theme.label == "Missed bins" and theme.named_by_staff
    assert AuditEvent.objects.filter(object_type="feedback.theme", action="update").exists()
    with pytest.raises(ValidationError):
        theme_rename(theme=theme, label=" ", actor=OFFICER)


def test_merging_moves_every_text_and_keeps_the_old_theme_pointing_at_the_new(two_themes):
    a, b = two_themes
    texts = a.tags.count() + b.tags.count()

    theme_merge(theme=a, into=b, actor=OFFICER)

    a.refresh_from_db()
    assert a.merged_into == b and b.tags.count() == texts and a.tags.count() == 0
    with pytest.raises(ValidationError):
        theme_rename(theme=a, label="Too late", actor=OFFICER)
    with pytest.raises(ValidationError):
        theme_merge(theme=b, into=b, actor=OFFICER)


def test_splitting_a_merged_theme_gives_back_two(two_themes):
    a, b = two_themes
    merged = theme_merge(theme=a, into=b, actor=OFFICER)

    first, second = theme_split(theme=merged, actor=OFFICER)

    assert first.tags.count() + second.tags.count() == 18
    assert first.tags.count() == 9 and second.tags.count() == 9


def test_a_theme_too_small_to_split_is_refused(db):
    _feedback("Only one text here")
    themes_refresh(actor=OFFICER, count=1, include_contacts=False)
    with pytest.raises(ValidationError):
        theme_split(theme=Theme.objects.get(), actor=OFFICER)
