"""Loading a catalogue file: the demo council's catalogue, updates in place, and refusals."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from tellus.capacities.models import Capacity
from tellus.catalogue.models import (
    CommunityConsideration,
    CustomerGroup,
    RightsAndResponsibilities,
    Service,
    ServiceAttribute,
)
from tellus.catalogue.services import DEMO_CATALOGUE_PATH, CatalogueError, catalogue_load, catalogue_parse
from tellus.privacy.models import AuditEvent
from tellus.privacy.services import Actor

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("test")

MINIMAL = """
[[service]]
code = "street-trees"
name = "Street trees"
group = "Parks"
description = "Trees."
purpose = "Keep my street's trees safe."
what_matters = ["Safety"]
publicness = { value = 4, funding = 5, ownership = 5, political_control = 5 }
funding_model = "rates_or_tax"
responsible_team = "Arboriculture"
eligible_capacities = ["citizen"]
unit_cost = 140
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "catalogue.toml"
    path.write_text(text)
    return path


def test_the_demo_catalogue_has_at_least_25_services_covering_the_councils_work() -> None:
    summary = catalogue_load(path=DEMO_CATALOGUE_PATH, actor=ACTOR)

    services = Service.objects.all()
    assert services.count() >= 25
    assert summary.services_created == services.count()
    groups = set(services.values_list("group", flat=True))
    for expected in ("Waste", "Roads", "Parks and open spaces", "Libraries", "Leisure", "Animals", "Revenues"):
        assert expected in groups
    for code in ("street-trees", "aquatic-centre", "rates", "planning-applications", "parking-enforcement"):
        assert services.filter(code=code).exists()
    for code in ("social-housing", "community-care", "elections"):
        assert services.filter(code=code).exists()
    assert set(services.values_list("funding_model", flat=True)) == set(Service.FundingModel.values)
    assert set(services.values_list("state_authority", flat=True)) == set(Service.StateAuthority.values)
    every_type = set(ServiceAttribute.objects.values_list("datatype", flat=True))
    assert {"string", "number", "datetime", "singlevaluelist", "multivaluelist"} <= every_type


def test_the_demo_catalogue_gives_every_capacity_default_rights_and_responsibilities() -> None:
    catalogue_load(path=DEMO_CATALOGUE_PATH, actor=ACTOR)

    general = RightsAndResponsibilities.objects.filter(service__isnull=True)
    assert sorted(general.values_list("capacity", flat=True)) == sorted(Capacity.values)
    assert all(text.may and text.must for text in general)


def test_every_service_code_the_rules_evidence_is_in_the_demo_catalogue() -> None:
    from tellus.capacities.services import rules_load

    codes = set(catalogue_parse(DEMO_CATALOGUE_PATH)["service"][i]["code"] for i in range(31))
    assert {rule.service for rule in rules_load().rules if rule.service} <= codes


def test_loading_again_updates_in_place_and_keeps_groups_a_team_added(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL)
    catalogue_load(path=path, actor=ACTOR)
    service = Service.objects.get(code="street-trees")
    CustomerGroup.objects.create(service=service, kind="stakeholder", name="Tree wardens")

    summary = catalogue_load(path=write(tmp_path, MINIMAL.replace("unit_cost = 140", "unit_cost = 150")), actor=ACTOR)

    assert (summary.services_created, summary.services_updated) == (0, 1)
    service.refresh_from_db()
    assert str(service.unit_cost) == "150.00"
    assert service.customer_groups.filter(name="Tree wardens").exists()
    change = AuditEvent.objects.filter(object_type="catalogue.service", object_id="street-trees").first()
    assert change is not None and change.changes["unit_cost"] == ["140.00", "150.00"]


def test_a_file_with_a_mistake_changes_nothing(tmp_path: Path) -> None:
    broken = MINIMAL + MINIMAL.replace('"street-trees"', '"parks"').replace('["citizen"]', '["king"]')

    with pytest.raises(CatalogueError, match="Service parks: eligible_capacities"):
        catalogue_load(path=write(tmp_path, broken), actor=ACTOR)

    assert Service.objects.count() == 0


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (MINIMAL, "appear more than once"),
        ('[[rights]]\ncapacity = "king"\nmay = ["x"]', "'king' is not one of"),
        ('[[rights]]\ncapacity = "citizen"', "say what they may do"),
        (
            '[[service.attribute]]\ncode = "kind"\ndatatype = "singlevaluelist"\ndescription = "Which?"',
            "needs values",
        ),
        (
            '[[service.attribute]]\ncode = "size"\ndatatype = "number"\ndescription = "How big?"\n'
            'values = [{ key = "a", name = "A" }]',
            "Only list attributes",
        ),
        ('[[service.attribute]]\ncode = "x"\ndatatype = "colour"\ndescription = "?"', "datatype"),
    ],
)
def test_mistakes_are_refused_with_a_message_naming_the_service(tmp_path: Path, extra: str, message: str) -> None:
    with pytest.raises(CatalogueError, match=message):
        catalogue_load(path=write(tmp_path, MINIMAL + extra), actor=ACTOR)


def test_publicness_must_name_all_four_dimensions(tmp_path: Path) -> None:
    text = MINIMAL.replace(", political_control = 5 ", " ")
    with pytest.raises(CatalogueError, match="publicness needs political_control"):
        catalogue_load(path=write(tmp_path, text), actor=ACTOR)


def test_the_database_refuses_publicness_off_the_five_point_scale() -> None:
    catalogue_load(path=DEMO_CATALOGUE_PATH, actor=ACTOR)
    with pytest.raises(IntegrityError), transaction.atomic():
        Service.objects.filter(code="rates").update(value_publicness=6)


def test_the_databases_lists_of_kinds_match_the_choices() -> None:
    """The check constraints spell the choices out; they must not drift from the TextChoices."""
    constraints = {c.name: c for c in Service._meta.constraints + CustomerGroup._meta.constraints}
    assert dict(constraints["service_known_funding_model"].condition.children)["funding_model__in"] == list(
        Service.FundingModel.values
    )
    assert dict(constraints["service_known_state_authority"].condition.children)["state_authority__in"] == list(
        Service.StateAuthority.values
    )
    assert dict(constraints["customer_group_known_kind"].condition.children)["kind__in"] == list(
        CustomerGroup.Kind.values
    )
    attribute = {c.name: c for c in ServiceAttribute._meta.constraints}["service_attribute_known_type"]
    assert dict(attribute.condition.children)["datatype__in"] == list(ServiceAttribute.Datatype.values)


def test_the_command_loads_a_file_and_reports_what_changed() -> None:
    out = StringIO()
    call_command("catalogue", "load", str(DEMO_CATALOGUE_PATH), stdout=out)
    assert f"Services: {Service.objects.count()} added, 0 changed, 0 unchanged." in out.getvalue()
    assert CommunityConsideration.objects.filter(service__code="street-trees").exists()


def test_the_command_refuses_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="There is no file"):
        call_command("catalogue", "load", str(tmp_path / "nothing.toml"))
