"""Nothing staff write as an internal note ever reaches a public endpoint.

Staff write notes carrying a marker through every path they have (the need page's forms, the services behind
them, a repeat contact logged in the console) and an Open311 client posts an update carrying it too. Then every
URL pattern the project has, found from the URL resolver rather than listed here, is requested without signing in,
with and without an Open311 api_key, as JSON and as XML: the marker is in no response. A note staff made public is
in them, which shows the walk reaches the notes at all."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.apps import apps
from django.contrib.admindocs.views import extract_views_from_urlpatterns, simplify_regex
from django.test import Client
from django.urls import Resolver404, get_resolver, resolve, reverse
from django.utils import timezone

from tellus.catalogue.models import Service, ServiceAttribute
from tellus.demand.models import Contact, Need, NeedEvent
from tellus.demand.services import need_handoff, need_transition
from tellus.demand.tests.factories import ServiceFactory
from tellus.open311.keys import api_client_create
from tellus.open311.models import ApiClient, ServiceRequest, ServiceRequestUpdate
from tellus.people.models import Person
from tellus.privacy.models import Purpose
from tellus.privacy.services import Actor
from tellus.privacy.tests.helpers import signed_in

pytestmark = pytest.mark.django_db

MARKER = "QZX-INTERNAL-7F3A"  # in every internal note
PUBLIC = "QZX-PUBLIC-9C1E"  # in the notes staff made public
PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
ACCEPTS = {"json": "application/json", "xml": "text/xml"}


@dataclass
class Town:
    """What the notes were written on, and the values a walk fills URL parameters with."""

    key: str
    requests: list[ServiceRequest]
    ids: set[str] = field(default_factory=set)
    words: set[str] = field(default_factory=set)


def _report(client: Client, key: str, **fields: str) -> ServiceRequest:
    data = {
        "api_key": key,
        "lat": "51.5072",
        "long": "-0.1276",
        "first_name": "Nadia",
        "last_name": "Quartermaine",
        "email": "nadia@example.org",
        **fields,
    }
    response = client.post("/open311/v2/requests.json", data)
    assert response.status_code == 201, response.content
    body = json.loads(response.content)[0]
    if "service_request_id" in body:
        return ServiceRequest.objects.get(pk=body["service_request_id"])
    return ServiceRequest.objects.get(token=body["token"])


def _staff_post(staff: Client, name: str, need: Need | None, data: dict[str, str], query: str = "") -> None:
    response = staff.post(reverse(name, args=[need.pk] if need is not None else []) + query, data)
    assert response.status_code == 302, re.findall(r'class="error-message">(.*?)</p>', response.content.decode(), re.S)


@pytest.fixture
def town(caseworker: Any) -> Town:
    bins = ServiceFactory(code="missed-bin", name="Missed bin", responsible_team="Waste services", open311_enabled=True)
    ServiceAttribute.objects.create(
        service=bins, code="bin_type", datatype="singlevaluelist", required=True, order=1, description="Which bin?",
        values=[{"key": "general", "name": "General waste"}],
    )  # fmt: skip
    ServiceFactory(code="graffiti", name="Graffiti", responsible_team="Street cleaning", open311_enabled=True,
                   open311_type=Service.Open311Type.BATCH)  # fmt: skip
    ServiceFactory(code="potholes", name="Potholes", responsible_team="Highways", open311_enabled=True)
    _, key = api_client_create(name="fixmystreet", actor=Actor.system("tests"))
    client = Client()
    a = _report(
        client, key, service_code="missed-bin", description="The bin was missed.", **{"attribute[bin_type]": "general"}
    )
    b = _report(client, key, service_code="graffiti", description="Tags on the bus shelter.")
    c = _report(client, key, service_code="potholes", description="A deep pothole by the school.")
    staff = signed_in(Client(), caseworker, purpose=Purpose.CASEWORK)
    system = Actor.system("officer-jo")

    # Request a: every path, ending on a status change whose note is internal.
    _staff_post(staff, "demand:need_handoff", a.need, {"to_team": "Fleet", "handoff_note": f"{MARKER} handoff form"})
    person = a.need.person
    _staff_post(staff, "demand:contact_new", None, {  # a repeat contact logged in the console, about a's need
        "words": f"{MARKER} contact words", "channel": "phone", "service": str(bins.pk), "capacity": "",
        "what_matters": f"{MARKER} what matters", "need": str(a.need_id), "need_summary": "", "demand_type": "",
        "failure_cause": "", "resolved_at_first_point": "no", "handed_off_to": "", "request_modified": "on",
        "modification": f"{MARKER} modification",
    }, query=f"?person={person.pk}")  # fmt: skip
    _staff_post(staff, "demand:need_status", a.need, {"to_status": "in_progress", "note": f"{MARKER} status form"})
    update = client.post("/open311/v2/servicerequestupdates.json", {
        "api_key": key, "service_request_id": a.service_request_id, "update_id": "fms-1", "status": "FIXED",
        "updated_datetime": timezone.now().isoformat(), "description": f"{MARKER} open311 update",
        "email": "nadia@example.org", "first_name": "Nadia", "last_name": "Quartermaine",
    })  # fmt: skip
    assert update.status_code == 200, update.content
    _staff_post(staff, "demand:need_status", a.need, {
        "to_status": "open", "note": f"{MARKER} status form internal", "note_visibility": "internal",
    })  # fmt: skip
    need_handoff(need=a.need, to_team="Highways", actor=system, purpose="casework", note=f"{MARKER} handoff service")
    need_transition(need=a.need, to_status="met", actor=system, purpose="casework", note=f"{MARKER} status service")

    # Request b: closed for another reason, the reason an internal note.
    _staff_post(staff, "demand:need_status", b.need, {"to_status": "closed_other", "note": f"{MARKER} closed"})

    # Request c: the notes staff chose to make public.
    _staff_post(staff, "demand:need_handoff", c.need, {
        "to_team": "Road crews", "handoff_note": f"{PUBLIC} crew booked", "handoff_note_visibility": "public",
    })  # fmt: skip
    _staff_post(staff, "demand:need_status", c.need, {
        "to_status": "in_progress", "note": f"{PUBLIC} inspected", "note_visibility": "public",
    })  # fmt: skip

    # Every path really wrote the marker, or the walk below would prove nothing.
    assert NeedEvent.objects.filter(note__contains=MARKER).count() == 7
    assert Contact.objects.filter(words__contains=MARKER).count() == 2  # the console's and the update's
    assert ServiceRequestUpdate.objects.filter(description__contains=MARKER).count() == 1
    assert NeedEvent.objects.filter(note__contains=PUBLIC, note_visibility="public").count() == 2

    town = Town(key=key, requests=[a, b, c])
    for model in (Need, Contact, NeedEvent, ServiceRequest, ServiceRequestUpdate, Person, Service, ApiClient):
        town.ids.update(str(pk) for pk in model.objects.values_list("pk", flat=True))
    town.words.update(Service.objects.values_list("code", flat=True))
    town.words.update(str(r.token) for r in ServiceRequest.objects.exclude(token=None))
    town.words.update(config.label for config in apps.get_app_configs())
    return town


def _values(converter: str | None, name: str, town: Town) -> list[str]:
    """Ids for a parameter that is an id; for any other, ids, codes, tokens and the names of apps and models."""
    if name == "fmt":
        return list(ACCEPTS)
    if converter == "int" or name == "pk" or name.endswith("id"):
        return sorted(town.ids)
    return sorted(town.ids) + sorted(town.words)


def _resolving_path(template: str, parameters: list[re.Match[str]], values: tuple[str, ...], view: Any) -> str | None:
    """The template filled with these values, if the path resolves to the pattern's own view."""
    path = template
    for parameter, value in zip(reversed(parameters), reversed(values), strict=True):
        path = path[: parameter.start()] + value + path[parameter.end() :]
    try:
        return path if resolve(path).func == view else None
    except Resolver404:
        return None


def _replaced(values: tuple[str, ...], index: int, value: str) -> tuple[str, ...]:
    return (*values[:index], value, *values[index + 1 :])


def concrete_paths(town: Town) -> tuple[list[tuple[str, str]], list[str]]:
    """Every URL pattern, filled in so that the path resolves back to that pattern's view: (pattern, path) pairs,
    and the patterns nothing could fill (a new endpoint the walk could not reach). Each value of each parameter
    is tried in turn, the others kept at the first combination that resolves, in both formats where there is one."""
    paths: list[tuple[str, str]] = []
    unreached: list[str] = []
    seen: set[str] = set()
    for view, regex, _namespace, _name in extract_views_from_urlpatterns(get_resolver().url_patterns):
        template = simplify_regex(regex).replace("\\.", ".")
        if template in seen:
            continue  # shadowed by an earlier pattern with the same path (e.g. the audited admin password change)
        seen.add(template)
        parameters = list(PARAMETER.finditer(template))
        choices = [_values(p["converter"], p["name"], town) for p in parameters]
        base = next(
            (values for values in itertools.product(*choices) if _resolving_path(template, parameters, values, view)),
            None,
        )
        if base is None:
            unreached.append(template)
            continue
        combinations = {base}
        for index, values in enumerate(choices):
            combinations.update(_replaced(base, index, value) for value in values)
        for index, parameter in enumerate(parameters):
            if parameter["name"] == "fmt":
                combinations.update(_replaced(c, index, f) for c in list(combinations) for f in ACCEPTS)
        filled = (_resolving_path(template, parameters, values, view) for values in combinations)
        paths.extend((template, path) for path in sorted(p for p in filled if p))
    return paths, unreached


def walk(town: Town) -> Iterator[tuple[str, str, Any]]:
    """(pattern, path, response) for every path, asked without a session, with and without the Open311 key and
    the requests' ids, as JSON and as XML (by the path's own format where it has one, else by Accept)."""
    anonymous = Client()
    ids = ",".join(r.service_request_id for r in town.requests)
    paths, _ = concrete_paths(town)
    for template, path in paths:
        accepts = ["*/*"] if "<fmt>" in template else list(ACCEPTS.values())
        for query, accept in itertools.product(({}, {"api_key": town.key, "service_request_id": ids}), accepts):
            yield template, path, anonymous.get(path, query, HTTP_ACCEPT=accept)


def _text(response: Any) -> str:
    body = b"" if getattr(response, "streaming", False) else response.content
    headers = " ".join(f"{k}: {v}" for k, v in response.items())
    return headers + "\n" + body.decode("utf-8", "replace")


def test_every_url_pattern_is_reached_by_the_walk(town: Town) -> None:
    paths, unreached = concrete_paths(town)

    assert unreached == [], f"The walk could not fill these patterns' parameters; teach _values about them: {unreached}"
    walked = {template for template, _ in paths}
    for endpoint in ("requests", "requests/<request_id>", "servicerequestupdates", "tokens/<token>"):
        assert any(f"/open311/v2/{endpoint}.<fmt>" == template for template in walked), endpoint


def test_no_public_endpoint_shows_an_internal_note_and_public_notes_do_appear(town: Town) -> None:
    leaks: list[str] = []
    public_seen: dict[str, set[str]] = {"json": set(), "xml": set()}
    answered = 0
    for template, path, response in walk(town):
        text = _text(response)
        answered += 1
        if MARKER in text:
            leaks.append(f"{response.status_code} {path} ({template})")
        if PUBLIC in text:
            kind = "xml" if "xml" in response.get("Content-Type", "") else "json"
            public_seen[kind].add(template)

    assert leaks == [], f"Internal notes reached public endpoints: {leaks}"
    assert answered > 200
    expected = {"/open311/v2/requests.<fmt>", "/open311/v2/requests/<request_id>.<fmt>",
                "/open311/v2/servicerequestupdates.<fmt>"}  # fmt: skip
    assert public_seen["json"] >= expected and public_seen["xml"] >= expected, public_seen


def test_a_public_note_is_the_status_notes_and_the_updates_description(town: Town) -> None:
    anonymous = Client()
    a, b, c = town.requests

    requests = {r["service_request_id"]: r for r in json.loads(anonymous.get("/open311/v2/requests.json").content)}
    updates = json.loads(anonymous.get("/open311/v2/servicerequestupdates.json").content)

    assert requests[c.service_request_id]["status_notes"] == f"{PUBLIC} inspected"
    assert requests[a.service_request_id]["status_notes"] is None  # its latest change's note is internal
    assert requests[b.service_request_id]["status_notes"] is None
    by_request = {(u["service_request_id"], u["status"], u["description"]) for u in updates}
    assert (c.service_request_id, "in_progress", f"Passed to Road crews. {PUBLIC} crew booked") in by_request
    assert (c.service_request_id, "in_progress", f"{PUBLIC} inspected") in by_request
    assert (a.service_request_id, "in_progress", "Passed to Fleet.") in by_request  # the change, not its note
    assert (b.service_request_id, "no_further_action", "") in by_request
    xml = anonymous.get(f"/open311/v2/requests/{c.service_request_id}.xml").content.decode()
    assert f"<status_notes>{PUBLIC} inspected</status_notes>" in xml
