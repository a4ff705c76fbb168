"""The council-style town: extracts written as council revenue and contact-centre systems write them, read by the
importer's own parser, and the engine measured on them."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from tellus.demo.council import council_dataset
from tellus.demo.town import town_generate
from tellus.demo.town.council import council_extracts_render


@pytest.fixture(scope="module")
def rendered():  # type: ignore[no-untyped-def]
    return council_extracts_render(town_generate(people=1500, seed=11))


def test_the_rates_extract_has_no_ratepayer_type_and_names_written_as_revenue_systems_write_them(rendered) -> None:  # type: ignore[no-untyped-def]
    rates = rendered.extracts["rates"]
    names = [row["ratepayer_name"] for row in rates.rows]

    assert "ratepayer_type" not in rates.columns
    assert any(name.startswith(("MR ", "MRS ", "MS ")) for name in names)
    assert any(" & " in name or " and " in name for name in names)
    assert any(name.startswith("ESTATE OF THE LATE") for name in names)
    assert any("DIRECTOR OF HOUSING" in name.upper() or "LTD" in name.upper() for name in names)


def test_every_joint_name_has_a_truth_row_for_each_person(rendered) -> None:  # type: ignore[no-untyped-def]
    keys = {row.source_key for row in rendered.truth if row.source_system == "rates"}
    joint = [key for key in keys if key.endswith("#2")]

    assert joint and all(key.removesuffix("#2") in keys for key in joint)


def test_the_importer_tells_the_organisations_from_the_people() -> None:
    dataset = council_dataset(people=1500, seed=11)
    records = dataset.records
    # A record about an organisation (or an estate, named after a person) has an entity of its own: id:system:key.
    organisation_truth = records["true_entity"].str.contains(":")

    assert dataset.organisation_rows == int(records["is_organisation"].sum()) > 0
    assert (records["is_organisation"] == organisation_truth).all()
    assert dataset.joint_rows > 0 and dataset.rejected == 0


@pytest.mark.django_db
def test_linkage_eval_measures_the_council_town_twins_and_fathers_and_sons_kept_apart() -> None:
    out = io.StringIO()

    call_command("linkage_eval", "--dataset", "council", "--people", "1500", "--seed", "11", "--json", stdout=out)

    result = json.loads(out.getvalue())
    assert result["f1"] >= 0.95
    assert result["twins"] > 0 and result["joined_twins"] == 0
    assert result["joined_father_and_son"] == 0
    assert result["organisation_rows"] > 0 and result["joint_rows"] > 0
