"""No silent default: staff state the purpose of their work before the first page that shows anyone, come back to
that page, see the purpose on every page, and can change it."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from tellus.console.tests.test_linkage_views import person_with_records, review_pair
from tellus.demand.services import contact_log
from tellus.demand.tests.factories import ServiceFactory
from tellus.privacy import roles
from tellus.privacy.models import AuditEvent, Purpose
from tellus.privacy.purposes import PURPOSE_SESSION_KEY
from tellus.privacy.services import Actor
from tellus.privacy.tests.helpers import signed_in, with_two_factor

pytestmark = pytest.mark.django_db

PURPOSE = reverse("console:purpose")


def personal_pages() -> list[tuple[str, str]]:
    """(who, url) for every page that shows a person, with someone whose role may open it."""
    ann = person_with_records("Ann Lee", postcode="TL1 1AA")
    pair = review_pair()
    need = contact_log(
        actor=Actor.system("tests"),
        purpose=Purpose.ENQUIRY,
        channel="phone",
        words="My bin was missed.",
        person=ann,
        service=ServiceFactory(),
        demand_type="value",
    ).need
    return [
        ("caseworker", f"{reverse('console:search')}?q=lee"),
        ("caseworker", reverse("console:person", args=[ann.pk])),
        ("caseworker", reverse("console:review")),
        ("caseworker", reverse("console:review_pair", args=[pair.pk])),
        ("caseworker", reverse("console:person_merge", args=[ann.pk])),
        ("privacy_officer", reverse("console:person_audit", args=[ann.pk])),
        ("officer", f"{reverse('demand:contact_new')}?q=lee"),
        ("officer", f"{reverse('demand:contact_new')}?person={ann.pk}"),
        ("officer", f"{reverse('demand:contact_new')}?person=anonymous"),
        ("officer", reverse("demand:need", args=[need.pk])),
    ]


def test_every_page_that_shows_a_person_first_asks_for_the_purpose_and_then_comes_back(client, request):
    for who, url in personal_pages():
        client = signed_in(client, request.getfixturevalue(who), purpose=None)
        before = AuditEvent.objects.count()

        response = client.get(url)

        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{PURPOSE}?{urlencode({'next': url})}"), url
        assert AuditEvent.objects.count() == before, f"{url} read someone before a purpose was stated"
        asked = client.get(response["Location"])
        assert "Why are you using Tellus?" in asked.content.decode()
        assert "State the purpose of your work before you look at anyone" in asked.content.decode()

        allowed = {"caseworker": "casework", "privacy_officer": "privacy_review", "officer": "enquiry"}[who]
        back = client.post(PURPOSE, {"purpose": allowed, "next": url})

        assert back["Location"] == url
        assert client.get(url).status_code == 200, url
        if not url.endswith("person=anonymous"):  # the anonymous contact form shows no one until it is sent
            assert AuditEvent.objects.count() > before, f"{url} recorded nothing once a purpose was stated"
        client.logout()


def test_signing_out_forgets_the_purpose(client, officer):
    ann = person_with_records("Ann Lee")
    client = signed_in(client, officer, purpose=Purpose.ENQUIRY)

    client.post(reverse("logout"))
    client.force_login(officer)

    assert PURPOSE_SESSION_KEY not in client.session
    assert client.get(reverse("console:person", args=[ann.pk])).status_code == 302


def test_the_search_page_itself_shows_no_one_so_needs_no_purpose(client, officer):
    response = signed_in(client, officer, purpose=None).get(reverse("console:search"))

    assert response.status_code == 200
    assert not AuditEvent.objects.exists()


def test_before_a_purpose_is_stated_every_page_says_so_and_links_to_state_it(client, officer):
    html = signed_in(client, officer, purpose=None).get(reverse("console:search")).content.decode()

    assert '<strong class="purpose-bar__value">Not stated yet</strong>' in html
    assert '<a class="link" href="/console/purpose/?next=/console/">State your purpose</a>' in html


@pytest.mark.parametrize(
    "url", [reverse("console:search"), reverse("catalogue:list"), reverse("demand:contact_new")], ids=str
)
def test_the_stated_purpose_is_shown_on_every_page_with_a_link_to_change_it(client, officer, url):
    html = signed_in(client, officer, purpose=Purpose.ENQUIRY).get(url).content.decode()

    assert '<strong class="purpose-bar__value">Handling an enquiry</strong>' in html
    assert f'<a class="link" href="/console/purpose/?next={url}">Change purpose</a>' in html


def test_staff_with_no_role_have_no_purpose_to_state(client, outsider):
    client = signed_in(client, outsider, purpose=None)

    assert client.get(PURPOSE).status_code == 403
    assert client.post(PURPOSE, {"purpose": "enquiry"}).status_code == 403
    assert "purpose-bar" not in client.get(reverse("console:search")).content.decode()


def test_an_officer_cannot_claim_a_privacy_review(client, officer):
    client = signed_in(client, officer, purpose=None)

    page = client.get(PURPOSE).content.decode()
    response = client.post(PURPOSE, {"purpose": "privacy_review"})

    assert "Privacy review" not in page
    assert response.status_code == 400
    assert "Choose one of the purposes your role allows." in response.content.decode()
    assert PURPOSE_SESSION_KEY not in client.session


def test_reading_an_audit_trail_asks_for_a_privacy_review_when_another_purpose_is_stated(client, caseworker):
    caseworker.groups.add(Group.objects.get(name=roles.PRIVACY_OFFICER))
    with_two_factor(caseworker)  # a privacy officer signs in with two factors
    ann = person_with_records("Ann Lee")
    client = signed_in(client, caseworker, purpose=Purpose.CASEWORK)
    url = reverse("console:person_audit", args=[ann.pk])

    response = client.get(url)

    assert response["Location"] == f"{PURPOSE}?{urlencode({'next': url, 'purpose': 'privacy_review'})}"
    assert 'value="privacy_review" checked' in client.get(response["Location"]).content.decode()
    assert not AuditEvent.objects.exists()


def test_a_form_sent_without_a_purpose_goes_to_the_purpose_page_and_back_to_the_form(client, caseworker):
    ann = person_with_records("Ann Lee", 2)
    record = ann.source_records.first()
    assert record is not None
    person_page = f"http://testserver{reverse('console:person', args=[ann.pk])}"
    client = signed_in(client, caseworker, purpose=None)

    response = client.post(reverse("console:record_split", args=[ann.pk, record.pk]), headers={"Referer": person_page})

    assert response["Location"] == f"{PURPOSE}?{urlencode({'next': person_page})}"
    assert ann.source_records.count() == 2
    assert not AuditEvent.objects.exists()
