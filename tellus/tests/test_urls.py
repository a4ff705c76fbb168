"""No address answers 500, whoever asks and whatever is in it.

The test walks every URL pattern in Django's resolver, so a new route is covered the day it is added. For each
one, hypothesis builds addresses whose path parameters and query strings hold what breaks naive number parsing
(Arabic-Indic and superscript digits, fullwidth digits, signs, spaces, huge and negative numbers) beside real ids
and plain junk, and sends them as GET and POST, anonymously and signed in as every role and a superuser. Every
answer must be below 500, and every answer to a signed-in member of staff must carry Cache-Control: no-store.
A few bad numbers are also swept through every query and path parameter of every route, so nothing rests on luck.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote, urlencode

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tellus.catalogue.services import DEMO_CATALOGUE_PATH, catalogue_load
from tellus.demand.models import Channel, DemandType
from tellus.demand.services import contact_log
from tellus.people.tests.factories import PersonFactory, SourceRecordFactory
from tellus.privacy import roles
from tellus.privacy.models import Purpose
from tellus.privacy.services import Actor

pytestmark = pytest.mark.django_db
EXAMPLES_PER_PATTERN = 6
OPEN311 = "open311/"


@dataclass(frozen=True)
class Route:
    """One URL pattern: its full regex (every level of include() joined) and its name."""

    regex: str
    name: str


def _routes(resolver: URLResolver, prefix: str = "") -> Iterator[Route]:
    for entry in resolver.url_patterns:
        regex = entry.pattern.regex.pattern.removeprefix("^")
        if isinstance(entry, URLResolver):
            yield from _routes(entry, prefix + regex)
        elif isinstance(entry, URLPattern):
            yield Route(regex=prefix + regex, name=entry.name or entry.lookup_str)


ROUTES = list(_routes(get_resolver()))

# What a number in an address may be sent as, besides real ids.
# Superscript two, Arabic-Indic three, fullwidth three, Devanagari twelve, N'Ko one, bold nine, Roman twelve...
NOT_ASCII_DIGITS = ["²", "٣", "\uff13", "१२", "߁", "\U0001d7d7", "Ⅻ", "½", "3\u200b", "\u0663\u0663"]
ODD_NUMBERS = ["-1", "+3", " 3", "3 ", "3_000", "3.0", "1e3", "0x10", "0", "00", "9" * 19, "9" * 40, str(2**63)]
junk_number = st.one_of(
    st.sampled_from(NOT_ASCII_DIGITS + ODD_NUMBERS),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.text(alphabet=st.characters(categories=["Nd", "No", "Nl"]), min_size=1, max_size=4),
    st.text(max_size=12),
)
QUERY_NAMES = [
    "page", "page_size", "person", "service", "other", "q", "dob", "status", "from", "format", "table", "group",
    "start", "end", "channel", "next", "need", "limit", "decision", "to_status", "note", "step", "id", "o", "p",
    "service_request_id", "_changelist_filters", "groups-TOTAL_FORMS", "groups-0-group_id",
]  # fmt: skip


def _pieces(regex: str) -> list[tuple[str, str | None]]:
    """A route's regex cut into literal fragments and named groups: [(fragment, None) | (group regex, name)]."""
    pieces: list[tuple[str, str | None]] = []
    at = 0
    for match in re.finditer(r"\(\?P<(\w+)>", regex):
        if match.start() < at:
            continue
        depth, end = 1, match.end()
        while depth:
            char = regex[end]
            if char == "\\":
                end += 2
                continue
            depth += {"(": 1, ")": -1}.get(char, 0)
            end += 1
        pieces.append((regex[at : match.start()], None))
        pieces.append((regex[match.end() : end - 1], match.group(1)))
        at = end
    pieces.append((regex[at:], None))
    return [(re.sub(r"(\\Z|\$)$", "", text).removeprefix("^"), name) for text, name in pieces]


@st.composite
def addresses(draw: Any, route: Route, known: dict[str, list[str]]) -> str:
    path = "/"
    for fragment, name in _pieces(route.regex):
        if name is None:
            path += quote(draw(st.from_regex(fragment, fullmatch=True)) if fragment else "", safe="/")
            continue
        candidates = known.get(name, []) + known["*"]
        value = draw(st.one_of(st.sampled_from(candidates), junk_number))
        if not re.fullmatch(fragment, value):  # the route would not match: sometimes send it anyway (a 404)
            value = draw(st.sampled_from([value, draw(st.from_regex(fragment, fullmatch=True))]))
        path += quote(value, safe="")
    query = draw(
        st.lists(
            st.tuples(st.sampled_from(QUERY_NAMES) | st.text(max_size=8), st.sampled_from(known["*"]) | junk_number),
            max_size=4,
        )
    )
    return path + ("?" + urlencode(query) if query else "")


@pytest.fixture
def town() -> dict[str, list[str]]:
    """Real rows for the addresses to name: a person with records, a need, the demo catalogue."""
    actor = Actor.system("test")
    catalogue_load(path=DEMO_CATALOGUE_PATH, actor=actor)
    alice = PersonFactory(display_name="Alice Example", date_of_birth=dt.date(1980, 5, 17))
    record = SourceRecordFactory(person=alice)
    from tellus.catalogue.models import Service

    service = Service.objects.get(code="household-waste")
    contact = contact_log(
        actor=actor,
        purpose=Purpose.ENQUIRY,
        channel=Channel.PHONE,
        words="My bin was not collected",
        person=alice,
        service=service,
        demand_type=DemandType.VALUE,
    )
    return {
        "*": [str(alice.pk), str(record.pk), str(contact.need_id), str(service.pk), "1", "2"],
        "code": ["household-waste", "recycling"],
        "fmt": ["json", "xml"],
    }


@pytest.fixture
def clients(django_user_model: Any) -> dict[str, Client]:
    """A client per role (every role in the permission matrix), one with no role, a superuser and no one."""
    roles.sync_roles()
    made = {"anonymous": Client()}
    for role in [*roles.ROLES, None, "superuser"]:
        username = re.sub(r"\W+", "-", (role or "no-role").lower())
        if role == "superuser":
            user = django_user_model.objects.create_superuser(username=username, password="correct-horse-battery")
        else:
            user = django_user_model.objects.create_user(username=username, password="correct-horse-battery")
            if role:
                user.groups.add(Group.objects.get(name=role))
        client = Client()
        client.user = user  # type: ignore[attr-defined]
        made[username] = client
    return made


def _sign_everyone_in_again(clients: dict[str, Client]) -> None:
    """Before each route: a route may end a session (a superuser changing a password, say); start afresh."""
    for client in clients.values():
        user = getattr(client, "user", None)
        if user is not None:
            user.refresh_from_db()
            client.force_login(user)


SWEEP_VALUES = ["²", "٣", "-1"]


def _literal(fragment: str) -> str:
    """A plain address fragment for a regex fragment made of literals, escapes and optional characters."""
    return re.sub(r"\\(.)", r"\1", re.sub(r"(?<!\\)\?", "", fragment))


def _path(route: Route, value_for: Any) -> str:
    path = "/"
    for fragment, name in _pieces(route.regex):
        path += quote(_literal(fragment), safe="/") if name is None else quote(value_for(name, fragment), safe="")
    return path


def _spoils_the_run(path: str) -> bool:
    """Signing out, or admin's delete confirmation (any POST deletes): these are asked by GET, so the run keeps
    its users and rows to the end."""
    try:
        name = resolve(unquote(path)).url_name or ""
    except Resolver404:
        return False
    return name == "logout" or name.endswith("_delete")


def _send(client: Client, method: str, address: str) -> Any:
    path, _, query = address.partition("?")
    if method == "post" and _spoils_the_run(path):
        method = "get"
    if method == "post":
        return client.post(path, data=query, content_type="application/x-www-form-urlencoded")
    return client.get(address)


def _check(response: Any, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code}"
    if response.wsgi_request.user.is_authenticated:
        assert "no-store" in response.get("Cache-Control", ""), f"{what}: no Cache-Control: no-store"


def _sweep(route: Route, known: dict[str, list[str]], client: Client) -> None:
    """The same few bad numbers in every query parameter at once (with real ids in the path), then in each path
    parameter, by GET and POST as a superuser: the cases hypothesis might not happen to draw."""

    def real(name: str, fragment: str) -> str:
        fits = [v for v in known.get(name, []) + known["*"] if re.fullmatch(fragment, v)]
        return fits[0] if fits else _literal(fragment)

    for bad in SWEEP_VALUES:
        for address in (
            _path(route, real) + "?" + urlencode([(name, bad) for name in QUERY_NAMES]),
            _path(route, lambda name, fragment, bad=bad: bad if name not in known else real(name, fragment)),
        ):
            for method in ("get", "post"):
                _check(_send(client, method, address), f"{method.upper()} {address} as a superuser")


def _answers_below_500(route: Route, town: dict[str, list[str]], clients: dict[str, Client]) -> None:
    _sweep(route, town, clients["superuser"])

    @settings(
        max_examples=EXAMPLES_PER_PATTERN,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
    )
    @given(
        address=addresses(route, town),
        who=st.sampled_from(sorted(clients)),
        method=st.sampled_from(["get", "post"]),
    )
    def check(address: str, who: str, method: str) -> None:
        response = _send(clients[who], method, address)
        _check(response, f"{method.upper()} {address} as {who}")

    check()


def _failures(routes: list[Route], town: dict[str, list[str]], clients: dict[str, Client]) -> list[str]:
    failures = []
    for route in routes:
        _sign_everyone_in_again(clients)
        try:
            _answers_below_500(route, town, clients)
        except AssertionError as error:  # hypothesis has shrunk it to the simplest address that fails
            failures.append(f"{route.name} ({route.regex}): {str(error).splitlines()[0]}")
    return failures


def test_no_address_answers_500_and_staff_answers_are_never_stored(
    town: dict[str, list[str]], clients: dict[str, Client]
) -> None:
    routes = [route for route in ROUTES if not route.regex.startswith(OPEN311)]
    assert len(routes) > 50, "the walk found too few routes to be the whole site"
    failures = _failures(routes, town, clients)
    assert not failures, "\n".join(failures)


def test_no_open311_address_answers_500(town: dict[str, list[str]], clients: dict[str, Client]) -> None:
    routes = [route for route in ROUTES if route.regex.startswith(OPEN311)]
    assert routes
    failures = _failures(routes, town, clients)
    assert not failures, "\n".join(failures)
