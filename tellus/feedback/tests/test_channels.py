"""Which way the survey goes: email, a text to a mobile, or a printed letter, following the person's contact
details and their correspondence route; the letters' print run and the code typed from a letter."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from tellus.common.sms import is_mobile
from tellus.feedback.letters import letters_pending, letters_print
from tellus.feedback.models import Route, SurveyInvitation, SurveyLetter
from tellus.feedback.surveys import survey_open, survey_respond
from tellus.inclusion.models import RouteMethod
from tellus.inclusion.services import correspondence_route_set
from tellus.people.models import Occupancy, Representative
from tellus.people.services import person_correspondence_stop, representative_create
from tellus.people.tests.factories import PersonFactory, PropertyFactory, SourceRecordFactory
from tellus.privacy.models import AuditEvent, Purpose
from tellus.privacy.services import Actor

from .factories import OFFICER, met_need

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("tests")


def _person(*, email: str = "", phone: str = "", home: str = "") -> object:
    person = PersonFactory()
    SourceRecordFactory(person=person, email=email, phone=phone)
    if home:
        place = PropertyFactory(address_line_1=home, postcode="TE1 1AA")
        Occupancy.objects.create(person=person, property=place, date_from=dt.date(2020, 1, 1))
    return person


@pytest.mark.parametrize(
    ("number", "mobile"),
    [("07700 900123", True), ("+44 7700 900123", True), ("00447700900123", True), ("01632 960123", False),
     ("0770090012", False), ("", False)],
)  # fmt: skip
def test_only_a_uk_mobile_number_can_take_a_text(number, mobile):
    assert is_mobile(number) is mobile


def test_without_email_a_mobile_gets_a_text_with_a_working_link(django_capture_on_commit_callbacks, sms_outbox):
    with django_capture_on_commit_callbacks(execute=True):
        need = met_need(person=_person(phone="07700 900123"))

    assert SurveyInvitation.objects.get(need=need).route == Route.SMS
    assert len(sms_outbox) == 1 and sms_outbox[0].to == "07700 900123" and not mail.outbox
    token = sms_outbox[0].body.split("/feedback/survey/")[1].split("/")[0]
    assert survey_open(token=token).need_id == need.pk


def test_with_neither_email_nor_mobile_a_letter_is_queued_with_a_short_code(
    django_capture_on_commit_callbacks, sms_outbox
):
    with django_capture_on_commit_callbacks(execute=True):
        need = met_need(person=_person(phone="01632 960123", home="12 High Street"))

    invitation = SurveyInvitation.objects.get(need=need)
    letter = SurveyLetter.objects.get(invitation=invitation)
    assert invitation.route == Route.LETTER and not sms_outbox and not mail.outbox
    assert len(letter.code) == 10 and "12 High Street" in letter.address
    typed = f"{letter.code[:5].lower()} - {letter.code[5:]}"  # as someone might type it from the letter
    survey_respond(token=typed, answers={"satisfaction": "5"})
    assert SurveyInvitation.objects.get(pk=invitation.pk).responded_at is not None


def test_no_survey_once_correspondence_has_stopped():
    person = _person(email="ada@example.org")
    person_correspondence_stop(person=person, reason="Death reported", actor=SYSTEM, purpose=Purpose.CASEWORK)

    need = met_need(person=person)

    assert not SurveyInvitation.objects.filter(need=need).exists()


def test_a_representative_who_receives_correspondence_is_asked_in_their_place(django_capture_on_commit_callbacks):
    person = _person(email="ada@example.org")
    representative_create(
        person=person, name="Sam Marsh", relationship=Representative.Relationship.POWER_OF_ATTORNEY,
        starts_on=dt.date(2020, 1, 1), actor=SYSTEM, purpose=Purpose.CASEWORK, receives_correspondence=True,
        address="3 Orchard Close", can_act=True,
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        need = met_need(person=person)

    letter = SurveyLetter.objects.get(invitation__need=need)
    assert letter.recipient == "Sam Marsh" and letter.address == "3 Orchard Close" and not mail.outbox


def test_a_chosen_phone_route_gets_a_text_even_with_an_email_on_record(django_capture_on_commit_callbacks, sms_outbox):
    person = _person(email="ada@example.org")
    correspondence_route_set(
        person=person, method=RouteMethod.PHONE, phone="07700 900456", actor=SYSTEM, purpose=Purpose.CASEWORK
    )
    with django_capture_on_commit_callbacks(execute=True):
        need = met_need(person=person)

    assert SurveyInvitation.objects.get(need=need).route == Route.SMS
    assert [m.to for m in sms_outbox] == ["07700900456"] and not mail.outbox


def test_a_chosen_phone_route_to_a_landline_is_not_written_to():
    person = _person(email="ada@example.org")
    correspondence_route_set(
        person=person, method=RouteMethod.PHONE, phone="01632 960123", actor=SYSTEM, purpose=Purpose.CASEWORK
    )
    assert not SurveyInvitation.objects.filter(need=met_need(person=person)).exists()


def test_a_chosen_email_route_wins_over_the_records(django_capture_on_commit_callbacks):
    person = _person(email="old@example.org")
    correspondence_route_set(
        person=person, method=RouteMethod.EMAIL, email="chosen@example.org", actor=SYSTEM, purpose=Purpose.CASEWORK
    )
    with django_capture_on_commit_callbacks(execute=True):
        met_need(person=person)
    assert mail.outbox[-1].to == ["chosen@example.org"]


def test_the_print_run_writes_a_pdf_wipes_the_codes_and_prints_each_letter_once(tmp_path):
    met_need(person=_person(home="12 High Street"))
    met_need(person=_person())  # no address: handed over in person
    assert letters_pending() == 2

    run = letters_print(actor=SYSTEM, path=tmp_path / "run.pdf")

    assert (run.letters, run.to_post, run.to_hand_over) == (2, 1, 1)
    assert (tmp_path / "run.pdf").read_bytes().startswith(b"%PDF")
    assert not SurveyLetter.objects.exclude(code="").exists()
    assert not SurveyLetter.objects.exclude(address="").exists()
    assert SurveyLetter.objects.filter(printed_at__isnull=False).count() == 2
    assert AuditEvent.objects.filter(object_type="feedback.surveyletter").count() == 2
    assert letters_print(actor=SYSTEM, path=tmp_path / "again.pdf").letters == 0
    assert not (tmp_path / "again.pdf").exists()


def test_the_print_run_as_html_carries_the_link_the_code_and_the_address(tmp_path):
    met_need(person=_person(home="12 High Street"))
    code = SurveyLetter.objects.get().code

    letters_print(actor=SYSTEM, path=tmp_path / "run.html", pdf=False)

    html = (tmp_path / "run.html").read_text()
    assert f"/feedback/survey/{code}/" in html and f"{code[:5]}-{code[5:]}" in html and "12 High Street" in html
    assert "@page" in html and "break-after: page" in html


def test_the_code_from_a_letter_leads_to_its_survey(client):
    met_need(person=_person(home="12 High Street"))
    code = SurveyLetter.objects.get().code

    page = client.get(reverse("feedback:survey_code"))
    assert page.status_code == 200 and b"Type the code from your letter" in page.content
    typed = client.get(reverse("feedback:survey_code"), {"code": f" {code[:5].lower()}-{code[5:]} "})
    assert typed.status_code == 302 and typed["Location"] == reverse("feedback:survey", args=[code])
    assert client.get(typed["Location"]).status_code == 200


@pytest.mark.parametrize("code", ["ABC", "<script>alert(1)</script>", "O0O0O0O0O0"])
def test_a_code_not_of_the_right_form_is_refused_beside_the_field(client, code):
    page = client.get(reverse("feedback:survey_code"), {"code": code})
    assert page.status_code == 400 and b"ten letters and numbers" in page.content and b"<script>" not in page.content


def test_a_well_formed_code_that_is_not_anyones_is_not_found(client):
    page = client.get(reverse("feedback:survey", args=["KM7QP3XRD9"]))
    assert page.status_code == 404


def test_an_offer_is_recorded_for_each_route(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        met_need(person=_person(email="a@example.org"))
        met_need(person=_person(phone="07700900123"))
        met_need(person=_person())
    assert sorted(SurveyInvitation.objects.values_list("route", flat=True)) == ["email", "letter", "sms"]
    assert OFFICER.label


def test_the_print_run_command_writes_the_file_and_says_how_many(tmp_path):
    from io import StringIO

    from django.core.management import call_command

    met_need(person=_person(home="12 High Street"))
    out = StringIO()

    call_command("surveys", "letters", "--html", "--out", str(tmp_path / "run.html"), stdout=out)
    call_command("surveys", "letters", "--out", str(tmp_path / "again.pdf"), stdout=out)

    assert "1 letters written" in out.getvalue() and "1 to post" in out.getvalue()
    assert "No letters to print." in out.getvalue() and (tmp_path / "run.html").exists()


def _adjusted(person, *kinds: str):  # type: ignore[no-untyped-def]
    from tellus.inclusion.services import adjustment_record

    for kind in kinds:
        adjustment_record(person=person, kind=kind, actor=SYSTEM, purpose=Purpose.CASEWORK)
    return person


def test_paper_not_only_online_sends_a_letter_where_an_email_would_have_gone(django_capture_on_commit_callbacks):
    person = _adjusted(_person(email="ada@example.org", home="12 High Street"), "paper_not_online")
    with django_capture_on_commit_callbacks(execute=True):
        need = met_need(person=person)

    assert SurveyInvitation.objects.get(need=need).route == Route.LETTER and not mail.outbox
    assert "12 High Street" in SurveyLetter.objects.get().address


def test_call_do_not_write_means_no_written_survey_at_all(django_capture_on_commit_callbacks, sms_outbox):
    person = _adjusted(_person(email="ada@example.org", phone="07700 900123"), "call_do_not_write")
    with django_capture_on_commit_callbacks(execute=True):
        need = met_need(person=person)

    assert not SurveyInvitation.objects.filter(need=need).exists()
    assert not mail.outbox and not sms_outbox and not SurveyLetter.objects.exists()


def test_no_post_to_their_home_holds_the_letter_to_be_handed_over():
    met_need(person=_adjusted(_person(home="12 High Street"), "no_post_to_home"))

    letter = SurveyLetter.objects.get()
    assert letter.address == "" and letter.code


def test_a_large_print_letter_is_printed_large_and_a_braille_one_is_flagged_to_be_made_so(tmp_path):
    met_need(person=_adjusted(_person(home="12 High Street"), "large_print"))
    met_need(person=_adjusted(_person(home="14 High Street"), "braille", "easy_read"))
    met_need(person=_person(home="16 High Street"))
    assert sorted(SurveyLetter.objects.values_list("formats", flat=True)) == ["", "easy_read,braille", "large_print"]

    letters_print(actor=SYSTEM, path=tmp_path / "run.html", pdf=False)

    html = (tmp_path / "run.html").read_text()
    assert html.count('class="letter letter--large"') == 1 and html.count('class="letter"') == 2
    assert html.count("Their adjustments ask for this letter in") == 1
    assert "easy read, Braille: have it made so before it goes out" in html
    assert not SurveyLetter.objects.exclude(formats="").exists()  # wiped with the address once on paper
