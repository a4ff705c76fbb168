"""“Show what to discuss” on the contact form: it answers for every service in the catalogue, and a half-filled form
(or a nonsense one) is shown back as typed, never judged, never saved and never a server error."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tellus.catalogue.models import Service
from tellus.catalogue.services import DEMO_CATALOGUE_PATH, catalogue_load
from tellus.demand.models import Contact, Need
from tellus.demand.services import contact_log
from tellus.privacy.models import Purpose
from tellus.privacy.services import Actor
from tellus.privacy.tests.helpers import signed_in

from .factories import CommunityConsiderationFactory, ServiceFactory

pytestmark = pytest.mark.django_db
NEW = reverse("demand:contact_new")
ASK = {"show_considerations": "1"}


def test_every_service_in_the_demo_catalogue_has_something_to_discuss(client, officer, alice):
    catalogue_load(path=DEMO_CATALOGUE_PATH, actor=Actor.system("test"))
    signed_in(client, officer, purpose=Purpose.ENQUIRY)
    services = list(Service.objects.prefetch_related("community_considerations"))
    assert len(services) == 31
    for service in services:
        response = client.post(f"{NEW}?person={alice.pk}", {**ASK, "service": str(service.pk)})
        body = response.content.decode()
        assert response.status_code == 200, service.code
        assert "What to discuss:" in body and "There is a problem" not in body, service.code
        assert service.standard_days and f"within {service.standard_days} day" in body, service.code
        for item in service.what_matters:
            assert item.replace("'", "&#x27;") in body, (service.code, item)
        for consideration in service.community_considerations.all():
            assert consideration.title in body, service.code
    assert not Contact.objects.exists() and not Need.objects.exists()


HALF_FILLED = {
    "nothing at all": {},
    "only the words": {"words": "The tree outside is dropping branches."},
    "only the channel": {"channel": "phone"},
    "the service and nothing else": {"service": "SERVICE"},
    "service and an unknown channel": {"service": "SERVICE", "channel": "pigeon"},
    "a service that is not a number": {"service": "trees", "words": "x"},
    "a service number that does not exist": {"service": "99999"},
    "a service number too big for the database": {"service": "9" * 18},
    "a negative service": {"service": "-3"},
    "a consideration of another service": {"service": "SERVICE", "consideration": "OTHER_CONSIDERATION"},
    "a consideration that is not a number": {"service": "SERVICE", "consideration": "abc"},
    "changed request without saying what": {"service": "SERVICE", "request_modified": "on"},
    "what changed without ticking the box": {"service": "SERVICE", "modification": "Pruning, not felling"},
    "failure demand with no cause": {"service": "SERVICE", "demand_type": "failure"},
    "an unknown demand type": {"service": "SERVICE", "demand_type": "both", "failure_cause": "nonsense"},
    "a need that is not theirs": {"service": "SERVICE", "need": "123456"},
    "resolved and handed off": {"service": "SERVICE", "resolved_at_first_point": "yes", "handed_off_to": "Parks"},
    "resolved with a nonsense answer": {"resolved_at_first_point": "perhaps"},
    "words far too long": {"service": "SERVICE", "words": "tree " * 3000},
}


@pytest.mark.parametrize("case", HALF_FILLED, ids=list(HALF_FILLED))
@pytest.mark.parametrize("who", ["person", "anonymous"])
def test_a_half_filled_form_is_shown_back_as_typed_and_never_judged(client, officer, alice, case, who):
    trees = ServiceFactory(code="street-trees", name="Street trees", standard_days=28, what_matters=["Safe trees"])
    CommunityConsiderationFactory(service=trees, title="Street-tree policy", text="Healthy trees are not felled.")
    other = CommunityConsiderationFactory(service=ServiceFactory(code="parks"), title="Quiet hours")
    # A long open need: its summary must not widen the form (the 390 px check is in the browser test).
    contact_log(
        actor=Actor.system("t"), purpose="enquiry", channel="phone", words="word " * 200, person=alice,
        service=trees, demand_type="value",
    )  # fmt: skip
    values = {"SERVICE": str(trees.pk), "OTHER_CONSIDERATION": str(other.pk)}
    data = {key: values.get(value, value) for key, value in HALF_FILLED[case].items()}
    signed_in(client, officer, purpose=Purpose.ENQUIRY)
    person = alice.pk if who == "person" else "anonymous"
    contacts = Contact.objects.count()
    response = client.post(f"{NEW}?person={person}", {**data, **ASK})
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" not in body and 'class="error-message"' not in body
    assert Contact.objects.count() == contacts
    if data.get("service") == str(trees.pk):
        assert "What to discuss: Street trees" in body and "Healthy trees are not felled." in body
        assert "Quiet hours" not in body
    else:
        assert "Choose the service first" in body
    if "words" in data and len(data["words"]) < 100:
        assert data["words"] in body  # what was typed is kept


def test_the_open_need_choices_are_cut_so_the_callers_whole_words_cannot_widen_the_form(client, officer, alice):
    trees = ServiceFactory(code="street-trees")
    contact_log(
        actor=Actor.system("t"), purpose="enquiry", channel="phone", words="branch " * 100, person=alice,
        service=trees, demand_type="value",
    )  # fmt: skip
    signed_in(client, officer, purpose=Purpose.ENQUIRY)
    body = client.get(NEW, {"person": alice.pk}).content.decode()
    assert "branch " * 8 in body and "branch " * 12 not in body


def test_saving_still_checks_everything(client, officer, alice):
    trees = ServiceFactory(code="street-trees")
    signed_in(client, officer, purpose=Purpose.ENQUIRY)
    response = client.post(f"{NEW}?person={alice.pk}", {"service": str(trees.pk)})
    assert response.status_code == 400 and "There is a problem" in response.content.decode()
