"""You said, we did: a change published against a theme tells everyone whose words fed it and who agreed."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client

from tellus.feedback.changes import change_publish, people_to_tell
from tellus.feedback.complaints import feedback_record
from tellus.feedback.models import ChangeNotice, Theme
from tellus.feedback.themes import themes_refresh
from tellus.people.tests.factories import PersonFactory, SourceRecordFactory

from .factories import OFFICER

pytestmark = pytest.mark.django_db


def _person(email: str):
    person = PersonFactory(display_name=f"Person {email}")
    SourceRecordFactory(person=person, email=email)
    return person


def test_only_people_who_agreed_are_told_and_the_public_page_shows_counts_not_names(django_capture_on_commit_callbacks):
    agreed, declined = _person("yes@example.org"), _person("no@example.org")
    for i in range(4):
        feedback_record(actor=OFFICER, purpose="casework", kind="complaint", channel="web", person=agreed,
                        words=f"The bin collection was missed {i}", wants_updates=True)  # fmt: skip
        feedback_record(actor=OFFICER, purpose="casework", kind="complaint", channel="web", person=declined,
                        words=f"Missed bin collection again {i}", wants_updates=False)  # fmt: skip
    themes_refresh(actor=OFFICER, count=1, include_contacts=False)
    theme = Theme.objects.get()

    assert people_to_tell(theme) == [agreed.pk]
    with django_capture_on_commit_callbacks(execute=True):
        published = change_publish(
            theme=theme, you_said="Bins were missed", we_did="We added a second crew", actor=OFFICER
        )

    assert published.notified == 1 and ChangeNotice.objects.get().person == agreed
    assert [m.to for m in mail.outbox] == [["yes@example.org"]]
    page = Client().get("/feedback/you-said-we-did/").content.decode()
    assert "We added a second crew" in page and ">8<" in page  # eight comments fed the theme
    assert "Person" not in page and "example.org" not in page


def test_a_change_needs_both_sides_and_writes_nothing_otherwise():
    feedback_record(actor=OFFICER, purpose="casework", kind="comment", channel="web", words="Missed bin")
    themes_refresh(actor=OFFICER, count=1, include_contacts=False)
    with pytest.raises(ValidationError):
        change_publish(theme=Theme.objects.get(), you_said="", we_did="Something", actor=OFFICER)
    assert not ChangeNotice.objects.exists()
