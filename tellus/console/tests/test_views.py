from __future__ import annotations

import datetime as dt
import re

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from tellus.people.models import Person
from tellus.people.tests.factories import PersonFactory, SourceRecordFactory, SourceSystemFactory
from tellus.privacy.models import AuditAction, AuditEvent, Purpose
from tellus.privacy.purposes import PURPOSE_SESSION_KEY
from tellus.privacy.tests.helpers import signed_in

pytestmark = pytest.mark.django_db

SEARCH = reverse("console:search")


def person_with_record(display_name: str = "Alice Example", **record) -> Person:  # type: ignore[no-untyped-def]
    person = PersonFactory(display_name=display_name)
    first, _, last = display_name.partition(" ")
    SourceRecordFactory(person=person, **{"first_name": first, "last_name": last, **record})
    return person


def page_title(heading: str) -> str:
    return f"{heading} \N{EN DASH} Tellus staff console"


def title(response) -> str:  # type: ignore[no-untyped-def]
    match = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S)
    assert match, "page has no <title>"
    return " ".join(match.group(1).split())


# Signing in and out


@pytest.mark.parametrize("url", [SEARCH, "/console/people/1/", "/console/people/1/audit/", "/console/purpose/"])
def test_anonymous_users_are_redirected_to_sign_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


def test_the_sign_in_page_has_labelled_fields(client):
    response = client.get(reverse("login"))

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en-GB">' in html
    assert '<label class="label" for="id_username">' in html
    assert '<label class="label" for="id_password">' in html
    assert 'autocomplete="current-password"' in html
    assert title(response) == page_title("Sign in")


def test_signing_in_with_a_wrong_password_shows_an_error_summary_linking_to_the_form(client, officer):
    response = client.post(reverse("login"), {"username": "officer", "password": "wrong"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert '<a href="#id_username">' in html
    assert title(response).startswith("Error: ")


def test_signing_in_takes_a_front_line_officer_to_find_a_person(client, officer):
    response = client.post(reverse("login"), {"username": "officer", "password": "correct-horse-battery"}, follow=True)

    assert response.redirect_chain[-1][0] == SEARCH


def test_signing_out_is_a_form_that_posts(client, officer):
    html = signed_in(client, officer, purpose=Purpose.ENQUIRY).get(SEARCH).content.decode()

    assert re.search(r'<form method="post" action="/logout/"', html)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(SEARCH).status_code == 302


# Who may see what


@pytest.mark.parametrize("role", ["analyst", "outsider", "administrator"])
def test_staff_without_the_find_people_role_cannot_search(client, request, role):
    person_with_record("Alice Example")

    response = signed_in(client, request.getfixturevalue(role), purpose=None).get(SEARCH, {"q": "alice"})

    assert response.status_code == 403
    assert "Alice" not in response.content.decode()
    assert not AuditEvent.objects.exists()


def test_an_outsider_cannot_see_search_results(client, outsider):
    person_with_record("Alice Example")

    response = signed_in(client, outsider, purpose=None).get(SEARCH, {"q": "alice"})

    html = response.content.decode()
    assert response.status_code == 403
    assert "You do not have permission to see this page" in html
    assert "ask your manager" in html
    assert "Alice Example" not in html
    assert title(response) == page_title("You do not have permission to see this page")


def test_an_outsider_cannot_open_a_persons_page(client, outsider):
    alice = person_with_record("Alice Example")

    response = signed_in(client, outsider, purpose=None).get(reverse("console:person", args=[alice.pk]))

    assert response.status_code == 403
    assert "Alice Example" not in response.content.decode()
    assert not AuditEvent.objects.exists()


def test_an_analyst_cannot_open_a_persons_page(client, analyst):
    alice = person_with_record("Alice Example")

    response = signed_in(client, analyst, purpose=Purpose.ANALYSIS).get(reverse("console:person", args=[alice.pk]))

    assert response.status_code == 403
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("role", ["officer", "caseworker", "analyst", "outsider"])
def test_only_privacy_officers_can_read_a_persons_audit_log(client, request, role):
    alice = person_with_record("Alice Example")

    response = signed_in(client, request.getfixturevalue(role), purpose=None).get(
        reverse("console:person_audit", args=[alice.pk])
    )

    assert response.status_code == 403
    assert not AuditEvent.objects.exists()


# Searching


def test_an_officer_can_find_a_person_by_name(client, officer):
    alice = person_with_record("Alice Example")
    person_with_record("Bob Other")

    response = signed_in(client, officer, purpose=Purpose.ENQUIRY).get(SEARCH, {"q": "alice"})

    html = response.content.decode()
    assert response.status_code == 200
    assert f'<a class="link" href="/console/people/{alice.pk}/">Alice Example</a>' in html
    assert "Bob Other" not in html
    assert "1 person found" in html
    assert '<th scope="col">Name</th>' in html
    assert "<caption" in html


def test_an_officer_can_find_a_person_by_day_month_year_date_of_birth(client, officer):
    person_with_record("Alice Example", date_of_birth=dt.date(1980, 5, 17))
    person_with_record("Bob Other", date_of_birth=dt.date(1990, 5, 17))

    html = signed_in(client, officer, purpose=Purpose.ENQUIRY).get(SEARCH, {"dob": "17/05/1980"}).content.decode()

    assert "Alice Example" in html
    assert "Bob Other" not in html


def test_an_officer_can_find_a_person_by_iso_date_of_birth(client, officer):
    person_with_record("Alice Example", date_of_birth=dt.date(1980, 5, 17))

    html = signed_in(client, officer, purpose=Purpose.ENQUIRY).get(SEARCH, {"dob": "1980-05-17"}).content.decode()

    assert "Alice Example" in html


def test_an_officer_can_find_a_person_by_address(client, officer):
    person_with_record("Alice Example", address="14 Station Road, Tellham")
    person_with_record("Bob Other", address="3 Mill Lane, Tellham")

    html = signed_in(client, officer, purpose=Purpose.ENQUIRY).get(SEARCH, {"q": "station road"}).content.decode()

    assert "Alice Example" in html
    assert "Bob Other" not in html


def test_an_officer_can_find_a_person_by_a_postcode_fragment(client, officer):
    person_with_record("Alice Example", postcode="TL1 1AA")
    person_with_record("Bob Other", postcode="TL2 2BB")

    html = signed_in(client, officer, purpose=Purpose.ENQUIRY).get(SEARCH, {"q": "tl11"}).content.decode()

    assert "Alice Example" in html
    assert "Bob Other" not in html


def test_a_bad_date_of_birth_is_a_form_error_not_a_search(client, officer):
    person_with_record("Alice Example")

    response = signed_in(client, officer, purpose=Purpose.ENQUIRY).get(SEARCH, {"q": "alice", "dob": "31/02/1980"})

    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in html
    assert '<a href="#id_dob">Enter the date of birth as day/month/year' in html
    assert 'aria-describedby="id_dob-hint id_dob-error"' in html
    assert 'value="31/02/1980"' in html
    assert "Alice Example" not in html
    assert title(response) == page_title("Error: Find a person")
    assert not AuditEvent.objects.exists()


def test_a_date_of_birth_in_the_future_is_a_form_error(client, officer):
    tomorrow = dt.date.today() + dt.timedelta(days=2)

    html = (
        signed_in(client, officer, purpose=Purpose.ENQUIRY).get(SEARCH, {"dob": tomorrow.isoformat()}).content.decode()
    )

    assert "Date of birth must be in the past." in html
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "   ", "dob": ""}])
def test_an_empty_search_shows_guidance_and_records_nothing(client, officer, params):
    person_with_record("Alice Example")

    response = signed_in(client, officer, purpose=Purpose.ENQUIRY).get(SEARCH, params)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter what the caller tells you" in html
    assert "Alice Example" not in html
    assert "There is a problem" not in html
    assert title(response) == page_title("Find a person")
    assert not AuditEvent.objects.exists()


def test_a_search_with_no_results_suggests_what_to_try(client, officer):
    person_with_record("Alice Example")

    html = signed_in(client, officer, purpose=Purpose.ENQUIRY).get(SEARCH, {"q": "zebedee"}).content.decode()

    assert "0 people found" in html
    assert "check the spelling" in html
    assert "<table" not in html


def test_search_results_are_paginated(client, officer, settings):
    settings.TELLUS_SEARCH_PAGE_SIZE = 2
    for n in range(5):
        person_with_record(f"Alice Example{n}")

    first = signed_in(client, officer, purpose=Purpose.ENQUIRY).get(SEARCH, {"q": "alice"})
    last = client.get(SEARCH, {"q": "alice", "page": "3"})

    first_html = first.content.decode()
    assert '<nav class="pagination" aria-label="Pages of search results">' in first_html
    assert 'href="?q=alice&amp;page=2" rel="next"' in first_html
    assert "Alice Example0" in first_html
    assert "Alice Example2" not in first_html
    assert title(first) == page_title("Search results, page 1 of 3")
    last_html = last.content.decode()
    assert "Alice Example4" in last_html
    assert 'rel="next"' not in last_html
    assert 'href="?q=alice&amp;page=3" aria-current="page"' in last_html
    assert "showing 5 to 5 of 5" in last_html


def test_a_search_records_the_search_and_each_person_shown_with_the_sessions_purpose(client, caseworker):
    alice = person_with_record("Alice Example")
    person_with_record("Bob Other")
    client = signed_in(client, caseworker, purpose=Purpose.CASEWORK)

    response = client.get(SEARCH, {"q": "alice", "dob": "17/05/1980"})

    search = AuditEvent.objects.get(action=AuditAction.SEARCH)
    assert search.actor == caseworker
    assert search.purpose == Purpose.CASEWORK
    assert search.object_type == "people.person"
    assert search.context == {
        "query": "alice",
        "date_of_birth": "1980-05-17",
        "read_as": ["date of birth: 17/05/1980", "name: alice"],
        "filters": {},
        "page": 1,
        "result_count": 1,
    }
    assert search.request_id == response["X-Request-ID"]
    listed = AuditEvent.objects.get(action=AuditAction.LISTED)
    assert listed.subject_person_id == alice.pk
    assert listed.purpose == Purpose.CASEWORK
    assert AuditEvent.objects.count() == 2


def test_a_page_of_search_results_takes_the_same_few_queries_however_many_people_it_shows(
    client, officer, settings, django_assert_max_num_queries
):
    settings.TELLUS_SEARCH_PAGE_SIZE = 20
    systems = SourceSystemFactory.create_batch(2)
    for n in range(20):
        person = PersonFactory(display_name=f"Alice Example{n}")
        for system in systems:
            SourceRecordFactory(person=person, source_system=system)
    client = signed_in(client, officer, purpose=Purpose.ENQUIRY)

    # session, user, permissions, the filters' choices (wards, systems), the worklist count in the navigation, then
    # the selector's own handful and the matcher: its model, the newest record (surname list)
    with django_assert_max_num_queries(19):
        response = client.get(SEARCH, {"q": "alice"})

    assert response.content.decode().count('<a class="link" href="/console/people/') == 20


# A person's page


def test_an_officer_sees_a_persons_records_grouped_by_source_system(client, officer):
    alice = PersonFactory(display_name="Alice Example")
    library = SourceSystemFactory(name="library", title="Libraries")
    rates = SourceSystemFactory(name="rates", title="Council tax")
    SourceRecordFactory(
        person=alice,
        source_system=rates,
        source_key="CT-0001",
        email="alice@example.org",
        phone="01234 567890",
        address="1 Station Road, Tellham",
        postcode="TL1 1AA",
        valid_from=dt.date(2020, 4, 1),
        valid_to=dt.date(2023, 3, 31),
        raw={"account": "CT-0001", "holder": "MRS A EXAMPLE"},
    )
    SourceRecordFactory(person=alice, source_system=library, source_key="LIB-77")

    response = signed_in(client, officer, purpose=Purpose.ENQUIRY).get(reverse("console:person", args=[alice.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert title(response) == page_title("Alice Example")
    assert html.index(">Libraries</h2>") < html.index(">Council tax</h2>")
    assert html.index(">Council tax</h2>") < html.index("Record CT-0001")
    for shown in ["CT-0001", "alice@example.org", "01234 567890", "TL1 1AA", "1 April 2020", "31 March 2023"]:
        assert shown in html
    assert "<details" in html
    assert "&quot;holder&quot;: &quot;MRS A EXAMPLE&quot;" in html


def test_opening_a_persons_page_records_a_view(client, caseworker):
    alice = person_with_record("Alice Example")

    signed_in(client, caseworker, purpose=Purpose.CASEWORK).get(reverse("console:person", args=[alice.pk]))

    # The page writes one entry for the person, and one for each panel the caseworker may see.
    assert set(AuditEvent.objects.values_list("object_type", flat=True)) == {
        "people.person",
        "capacities.personcapacity",
        "demand.contact",
    }
    event = AuditEvent.objects.get(object_type="people.person")
    assert event.action == AuditAction.VIEW
    assert event.actor == caseworker
    assert event.object_type == "people.person"
    assert event.object_id == str(alice.pk)
    assert event.subject_person_id == alice.pk
    assert event.purpose == Purpose.CASEWORK


def test_a_missing_person_is_a_page_not_found(client, officer):
    response = signed_in(client, officer, purpose=Purpose.ENQUIRY).get(reverse("console:person", args=[999999]))

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert title(response) == page_title("Page not found")
    assert not AuditEvent.objects.exists()


def test_the_person_page_links_to_the_audit_log_only_for_privacy_officers(client, officer, privacy_officer):
    alice = person_with_record("Alice Example")
    audit_link = reverse("console:person_audit", args=[alice.pk])

    officer_html = (
        signed_in(client, officer, purpose=Purpose.ENQUIRY)
        .get(reverse("console:person", args=[alice.pk]))
        .content.decode()
    )
    privacy_html = (
        signed_in(Client(), privacy_officer, purpose=Purpose.PRIVACY_REVIEW)
        .get(reverse("console:person", args=[alice.pk]))
        .content.decode()
    )

    assert audit_link not in officer_html
    assert audit_link in privacy_html


# A person's audit log


def test_a_privacy_officer_sees_the_audit_entries_about_a_person_and_not_about_others(client, officer, privacy_officer):
    alice = person_with_record("Alice Example")
    bob = person_with_record("Bob Other")
    officer_client = signed_in(Client(), officer, purpose=Purpose.ENQUIRY)
    officer_client.get(reverse("console:person", args=[alice.pk]))
    officer_client.get(reverse("console:person", args=[bob.pk]))
    officer_client.get(SEARCH, {"q": "bob"})

    response = signed_in(client, privacy_officer, purpose=Purpose.PRIVACY_REVIEW).get(
        reverse("console:person_audit", args=[alice.pk])
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert title(response) == page_title("Audit log for Alice Example, page 1")
    # One page view: the person, their capacities and their contacts, each an audited read.
    assert "3 entries" in html
    assert "<td>officer</td>" in html
    assert "<td>Viewed</td>" in html
    assert f"<td>Person {alice.pk}</td>" in html
    assert f"<td>Person {bob.pk}</td>" not in html
    assert "Shown in search results" not in html


def test_reading_a_persons_audit_log_is_recorded_as_a_privacy_review(client, privacy_officer):
    alice = person_with_record("Alice Example")
    client = signed_in(client, privacy_officer, purpose=Purpose.PRIVACY_REVIEW)

    client.get(reverse("console:person_audit", args=[alice.pk]))

    [event] = AuditEvent.objects.all()
    assert event.action == AuditAction.VIEW
    assert event.purpose == Purpose.PRIVACY_REVIEW
    assert event.subject_person_id == alice.pk
    assert event.actor == privacy_officer


def test_the_audit_log_of_a_missing_person_is_a_page_not_found(client, privacy_officer):
    response = signed_in(client, privacy_officer, purpose=Purpose.PRIVACY_REVIEW).get(
        reverse("console:person_audit", args=[999999])
    )

    assert response.status_code == 404
    assert not AuditEvent.objects.exists()


def test_the_audit_log_is_paginated(client, privacy_officer, officer, settings):
    settings.TELLUS_SEARCH_PAGE_SIZE = 2
    alice = person_with_record("Alice Example")
    officer_client = signed_in(Client(), officer, purpose=Purpose.ENQUIRY)
    for _ in range(3):
        officer_client.get(reverse("console:person", args=[alice.pk]))
    entries = AuditEvent.objects.filter(subject_person_id=alice.pk).count()

    html = (
        signed_in(client, privacy_officer, purpose=Purpose.PRIVACY_REVIEW)
        .get(reverse("console:person_audit", args=[alice.pk]))
        .content.decode()
    )

    assert '<nav class="pagination" aria-label="Pages of audit entries">' in html
    assert f"showing 1 to 2 of {entries}" in html


# Purpose


def test_every_page_shows_the_purpose_and_a_link_to_change_it(client, officer):
    html = signed_in(client, officer, purpose=Purpose.ENQUIRY).get(SEARCH).content.decode()

    assert '<span class="purpose-bar__label">Purpose of your work:</span>' in html
    assert '<strong class="purpose-bar__value">Handling an enquiry</strong>' in html
    assert '<a class="link" href="/console/purpose/?next=/console/">Change purpose</a>' in html


def test_changing_purpose_is_remembered_and_written_on_later_audit_entries(client, caseworker):
    alice = person_with_record("Alice Example")
    client = signed_in(client, caseworker, purpose=Purpose.ENQUIRY)

    response = client.post(reverse("console:purpose"), {"purpose": "casework", "next": f"/console/people/{alice.pk}/"})

    assert response.status_code == 302
    assert response["Location"] == f"/console/people/{alice.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Your purpose is now: Casework." in page
    assert '<strong class="purpose-bar__value">Casework</strong>' in page
    assert set(AuditEvent.objects.values_list("purpose", flat=True)) == {Purpose.CASEWORK}


@pytest.mark.parametrize("value", ["data_import", "curiosity", "", "casework", "privacy_review"])
def test_a_purpose_the_officers_role_does_not_allow_is_refused(client, officer, value):
    client = signed_in(client, officer, purpose=None)

    response = client.post(reverse("console:purpose"), {"purpose": value})

    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert PURPOSE_SESSION_KEY not in client.session


def test_changing_purpose_never_sends_staff_to_another_site(client, officer):
    response = signed_in(client, officer, purpose=None).post(
        reverse("console:purpose"), {"purpose": "enquiry", "next": "https://evil.example/"}
    )

    assert response["Location"] == SEARCH


def test_changing_purpose_needs_the_forms_csrf_token(officer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)

    response = client.post(reverse("console:purpose"), {"purpose": "enquiry"})

    assert response.status_code == 403
    assert PURPOSE_SESSION_KEY not in client.session


def test_the_purpose_page_lists_only_the_purposes_of_the_users_roles_as_labelled_radios(client, caseworker):
    html = signed_in(client, caseworker, purpose=Purpose.CASEWORK).get(reverse("console:purpose")).content.decode()

    assert '<legend class="fieldset__legend"><h1 class="heading-xl">Why are you using Tellus?</h1></legend>' in html
    assert '<label class="radios__label" for="id_purpose_0">Handling an enquiry</label>' in html
    assert '<label class="radios__label" for="id_purpose_1">Casework</label>' in html
    assert 'value="casework" checked' in html
    assert "Privacy review" not in html
    assert "id_purpose_2" not in html


# The pages every site needs


def test_each_console_page_has_its_own_title(client, privacy_officer):
    alice = person_with_record("Alice Example")
    client = signed_in(client, privacy_officer, purpose=Purpose.PRIVACY_REVIEW)
    urls = [
        SEARCH,
        f"{SEARCH}?q=alice",
        reverse("console:person", args=[alice.pk]),
        reverse("console:person_audit", args=[alice.pk]),
        reverse("console:purpose"),
    ]

    titles = [title(client.get(url)) for url in urls]

    assert len(set(titles)) == len(urls), titles


def test_every_page_has_a_skip_link_to_the_main_landmark(client, officer):
    html = signed_in(client, officer, purpose=Purpose.ENQUIRY).get(SEARCH).content.decode()

    body = html[html.index("<body>") :]
    assert body.index('<a href="#main-content" class="skip-link">') < body.index("<header")
    assert '<main id="main-content"' in html


def test_the_server_error_page_renders_without_a_request():
    html = render_to_string("500.html")

    assert "Sorry, there is a problem with the service" in html
    assert '<html lang="en-GB">' in html
