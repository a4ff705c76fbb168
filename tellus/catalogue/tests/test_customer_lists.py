"""Customer lists: segments counting real people, the guided Simons' form, CSV and the staff pages."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse

from tellus.capacities.services import capacities_refresh
from tellus.capacities.tests.factories import a_person, a_property, add_home, add_record
from tellus.catalogue.models import CustomerGroup, CustomerListWorksheet, Service
from tellus.catalogue.selectors import customer_list, segment_count
from tellus.catalogue.services import DEMO_CATALOGUE_PATH, catalogue_load
from tellus.privacy.models import AuditEvent
from tellus.privacy.services import Actor

pytestmark = pytest.mark.django_db
D = dt.date
ACTOR = Actor.system("test")


@pytest.fixture
def town():  # type: ignore[no-untyped-def]
    """Three ratepayers, two of them in North ward; one North ratepayer's account has closed."""
    catalogue_load(path=DEMO_CATALOGUE_PATH, actor=ACTOR)
    north, south = a_property(ward="North"), a_property(ward="South")
    for name, prop, valid_to in (("Ann", north, None), ("Ben", north, D(2020, 1, 1)), ("Cal", south, None)):
        add_record(
            a_person(display_name=name),
            "rates",
            valid_from=D(2010, 4, 1),
            valid_to=valid_to,
            prop=prop,
            ratepayer_type="Individual",
        )
    dee = a_person(display_name="Dee")
    add_home(dee, add_record(dee, "electoral", valid_from=D(2015, 1, 1), prop=north))
    add_record(dee, "library", valid_from=D(2024, 1, 1), status="Active")
    capacities_refresh(actor=ACTOR)


def signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_a_segment_counts_the_people_it_selects_now(town) -> None:  # type: ignore[no-untyped-def]
    rates = Service.objects.get(code="rates")
    all_ratepayers = rates.customer_groups.get(name="All ratepayers")
    north = rates.customer_groups.get(name="Ratepayers in North ward")
    library = Service.objects.get(code="library-loans").customer_groups.get(name="Library members")
    named = rates.customer_groups.get(name="Landlords and managing agents")

    assert segment_count(all_ratepayers) == 2
    assert segment_count(north) == 1
    assert segment_count(library) == 1
    assert segment_count(named) is None
    assert segment_count(all_ratepayers, on=D(2015, 1, 1)) == 3


def test_the_customer_list_groups_customers_stakeholders_and_beneficiaries(town) -> None:  # type: ignore[no-untyped-def]
    listing = customer_list(Service.objects.get(code="rates"))

    assert [s.kind for s in listing.sections] == ["direct_customer", "stakeholder", "beneficiary"]
    direct = {item.group.name: item.count for item in listing.sections[0].groups}
    assert direct == {"All ratepayers": 2, "Ratepayers in North ward": 1}


def test_the_csv_export_has_a_row_per_group_with_its_live_count(town, officer) -> None:  # type: ignore[no-untyped-def]
    response = signed_in(officer).get(reverse("catalogue:customers_csv", args=["rates"]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    north = next(r for r in rows if r["group"] == "Ratepayers in North ward")
    assert north["kind"] == "direct_customer"
    assert north["segment"] == "current ratepayer, in ward North"
    assert north["people_now"] == "1"
    internal = next(r for r in rows if r["group"] == "internal: every council service")
    assert (internal["internal"], internal["people_now"]) == ("yes", "")


def test_a_group_named_like_a_formula_is_downloaded_as_text(town, officer) -> None:  # type: ignore[no-untyped-def]
    service = Service.objects.get(code="rates")
    CustomerGroup.objects.create(service=service, kind="stakeholder", name='=HYPERLINK("http://evil.example","x")')

    response = signed_in(officer).get(reverse("catalogue:customers_csv", args=["rates"]))

    groups = [r["group"] for r in csv.DictReader(io.StringIO(response.content.decode()))]
    assert '\'=HYPERLINK("http://evil.example","x")' in groups
    assert not any(g.startswith(("=", "+", "-", "@")) for g in groups)


def test_staff_read_the_catalogue_and_a_service_page_with_its_community_considerations(town, officer) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(officer)

    listing = client.get(reverse("catalogue:list"))
    page = client.get(reverse("catalogue:service", args=["street-trees"]))

    assert listing.status_code == 200
    assert "Street trees" in listing.content.decode()
    html = page.content.decode()
    assert "Street-tree policy: healthy trees are not felled" in html
    assert "Neighbours of the tree" in html
    assert "4 of 5: Mostly public" in html
    assert "Build the customer list" not in html  # officers read; managers edit


def test_the_catalogue_list_filters_by_group(town, officer) -> None:  # type: ignore[no-untyped-def]
    html = signed_in(officer).get(reverse("catalogue:list"), {"group": "Waste"}).content.decode()
    assert "Household waste collection" in html
    assert "Library lending" not in html


def test_an_unknown_service_is_a_404_and_an_outsider_gets_403(town, officer, outsider) -> None:  # type: ignore[no-untyped-def]
    assert signed_in(officer).get(reverse("catalogue:service", args=["no-such"])).status_code == 404
    assert signed_in(outsider).get(reverse("catalogue:list")).status_code == 403
    assert signed_in(outsider).get(reverse("catalogue:customers_csv", args=["rates"])).status_code == 403


def test_only_service_managers_may_use_the_guided_form(town, officer, caseworker) -> None:  # type: ignore[no-untyped-def]
    url = reverse("catalogue:guide_step", args=["parks", 1])
    assert signed_in(officer).get(url).status_code == 403
    assert signed_in(caseworker).post(url, {"answer": "x"}).status_code == 403


@pytest.fixture
def manager(django_user_model):  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import Group

    from tellus.privacy import roles

    user = django_user_model.objects.create_user(username="manager", password="correct-horse-battery")
    roles.sync_roles()
    user.groups.add(Group.objects.get(name=roles.SERVICE_MANAGER))
    return user


def test_a_team_walks_through_simons_questions_and_builds_its_list(town, manager) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(manager)
    service = Service.objects.get(code="hall-hire")

    first = client.get(reverse("catalogue:guide_step", args=["hall-hire", 1]))
    assert first.status_code == 200
    assert "What services do you provide, by function and by touchpoint?" in first.content.decode()
    assert "Step 1 of 10" in first.content.decode()

    answered = client.post(reverse("catalogue:guide_step", args=["hall-hire", 1]), {"answer": "Room bookings"})
    assert answered.url == reverse("catalogue:guide_step", args=["hall-hire", 2])

    mission = client.post(
        reverse("catalogue:guide_step", args=["hall-hire", 3]),
        {"answer": "Community groups", "groups": "Community groups\nHirers\n\nParents' groups"},
    )
    assert mission.status_code == 302
    affected = client.post(
        reverse("catalogue:guide_step", args=["hall-hire", 6]),
        {"answer": "Neighbours", "groups": "internal: caretakers"},
    )
    assert affected.status_code == 302
    last = client.post(reverse("catalogue:guide_step", args=["hall-hire", 9]), {"answer": "Local economy"})
    assert last.url == reverse("catalogue:guide_groups", args=["hall-hire"])

    names = {(g.kind, g.name, g.internal) for g in service.customer_groups.all()}
    assert ("direct_customer", "Community groups", False) in names
    assert ("direct_customer", "Parents' groups", False) in names
    assert ("stakeholder", "internal: caretakers", True) in names
    assert len([n for n in names if n[1] == "Hirers"]) == 1  # already on the list: not added twice
    worksheet = CustomerListWorksheet.objects.get(service=service)
    assert worksheet.answer("services") == "Room bookings"
    assert AuditEvent.objects.filter(object_type="catalogue.customerlistworksheet", actor=manager).count() == 4


def test_a_question_that_names_no_groups_has_no_groups_box(town, manager) -> None:  # type: ignore[no-untyped-def]
    html = signed_in(manager).get(reverse("catalogue:guide_step", args=["parks", 7])).content.decode()
    assert "What behaviours are you able to affect or drive?" in html
    assert 'name="groups"' not in html


def test_the_last_step_sets_segments_and_takes_groups_off(town, manager) -> None:  # type: ignore[no-untyped-def]
    service = Service.objects.get(code="parks")
    client = signed_in(manager)
    page = client.get(reverse("catalogue:guide_groups", args=["parks"]))
    assert page.status_code == 200
    groups = list(page.context["formset"].initial)
    data = {"groups-TOTAL_FORMS": str(len(groups)), "groups-INITIAL_FORMS": str(len(groups))}
    for index, initial in enumerate(groups):
        data.update({f"groups-{index}-{k}": v for k, v in initial.items()})
    visitors = next(
        i
        for i, g in enumerate(groups)
        if g["group_id"] == service.customer_groups.get(name="Park visitors, families and dog walkers").pk
    )
    friends = next(
        i
        for i, g in enumerate(groups)
        if g["group_id"] == service.customer_groups.get(name="Friends of the park groups").pk
    )
    data[f"groups-{visitors}-segment_capacity"] = "resident"
    data[f"groups-{visitors}-segment_ward"] = "North"
    data[f"groups-{friends}-remove"] = "on"

    response = client.post(reverse("catalogue:guide_groups", args=["parks"]), data)

    assert response.url == reverse("catalogue:customers", args=["parks"])
    visitors_group = service.customer_groups.get(name="Park visitors, families and dog walkers")
    assert (visitors_group.segment_capacity, visitors_group.segment_ward) == ("resident", "North")
    assert segment_count(visitors_group) == 1
    assert not service.customer_groups.filter(name="Friends of the park groups").exists()
    assert CustomerListWorksheet.objects.get(service=service).completed_at is not None
    assert AuditEvent.objects.filter(object_type="catalogue.customergroup", action="delete").count() == 1


def test_a_group_from_another_service_cannot_be_changed(town, manager) -> None:  # type: ignore[no-untyped-def]
    other = CustomerGroup.objects.get(service__code="rates", name="All ratepayers")
    data = {
        "groups-TOTAL_FORMS": "1",
        "groups-INITIAL_FORMS": "1",
        "groups-0-group_id": str(other.pk),
        "groups-0-kind": "beneficiary",
        "groups-0-remove": "on",
    }

    response = signed_in(manager).post(reverse("catalogue:guide_groups", args=["parks"]), data)

    assert response.status_code == 200
    assert CustomerGroup.objects.filter(pk=other.pk).exists()


def test_the_printable_customer_list_has_a_print_stylesheet(town, officer) -> None:  # type: ignore[no-untyped-def]
    html = signed_in(officer).get(reverse("catalogue:customers", args=["rates"])).content.decode()
    assert 'media="print"' in html and "catalogue/print.css" in html
    assert "Ratepayers in North ward" in html
