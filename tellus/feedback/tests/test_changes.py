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


def test_someone_reached_on_paper_gets_a_you_said_we_did_letter_in_the_next_print_run(tmp_path):
    import datetime as dt

    from tellus.feedback.letters import letters_pending, letters_print
    from tellus.feedback.models import ChangeLetter
    from tellus.people.models import Occupancy
    from tellus.people.tests.factories import PropertyFactory
    from tellus.privacy.models import AuditEvent

    on_paper = PersonFactory(display_name="Mary Paper")
    SourceRecordFactory(person=on_paper, email="", phone="")
    home = PropertyFactory(address_line_1="12 High Street", postcode="TE1 1AA")
    Occupancy.objects.create(person=on_paper, property=home, date_from=dt.date(2020, 1, 1))
    for i in range(4):
        feedback_record(actor=OFFICER, purpose="casework", kind="complaint", channel="letter", person=on_paper,
                        words=f"The bin collection was missed {i}", wants_updates=True)  # fmt: skip
    themes_refresh(actor=OFFICER, count=1, include_contacts=False)

    published = change_publish(
        theme=Theme.objects.get(), you_said="Bins were missed", we_did="We added a second crew", actor=OFFICER
    )

    assert published.notified == 1 and ChangeNotice.objects.get().route == "letter"
    letter = ChangeLetter.objects.get()
    assert letter.recipient == "Mary Paper" and "12 High Street" in letter.address and letters_pending() == 1

    run = letters_print(actor=OFFICER, path=tmp_path / "run.html", pdf=False)

    html = (tmp_path / "run.html").read_text()
    assert run.letters == 1 and run.to_post == 1
    assert "You said, we did" in html and "We added a second crew" in html and "12 High Street" in html
    assert "Tell us how we did" not in html
    letter.refresh_from_db()
    assert letter.printed_at is not None and letter.address == "" and letter.recipient == ""
    assert AuditEvent.objects.filter(object_type="feedback.changeletter", subject_person_id=on_paper.pk).exists()
    assert letters_pending() == 0
