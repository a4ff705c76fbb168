"""Organisations are told from people by name, by a rules file a council can edit."""

from __future__ import annotations

from pathlib import Path

import pytest

from tellus.common.organisations import OrganisationRulesError, estate_of, load_rules


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Director of Housing (Vic)", "public body"),
        ("XYZ PTY LTD", "company"),
        ("Williams & Sons Motors Ltd", "company"),
        ("ESTATE OF THE LATE MARY BROWN", "estate"),
        ("Executors of John Smith deceased", "estate"),
        ("Trustees of the Smith Settlement", "trust"),
        ("The Smith Family Trust", "trust"),
        ("Body Corporate Strata Plan 123", "body corporate"),
        ("St Mary's Church", "church"),
        ("Tellham Methodist Church", "church"),
        ("Tellham Borough Council", "public body"),
        ("Oakridge Primary School", "school"),
        ("Tellham Rovers FC", "club"),
        ("Tellham Bowls Club", "club"),
    ],
)
def test_organisations_are_recognised_by_name(name: str, kind: str) -> None:
    assert load_rules().kind(name) == kind


@pytest.mark.parametrize(
    "name",
    [
        "Mary Trust",
        "TRUST, Mary",
        "John Church",
        "CHURCH, J",
        "Ann Council",
        "Shirley Temple",
        "N & D WILKINSON",
        "Mr J Greco",
        "Mrs Mary Chapel",
        "Peter School",
    ],
)
def test_people_whose_surname_is_trust_church_or_council_are_people(name: str) -> None:
    assert load_rules().kind(name) is None


def test_a_council_can_edit_the_rules(tmp_path: Path) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text("[[rule]]\nkind = 'housing'\npatterns = ['\\bhomes$']\n[people]\npatterns = ['^anne homes$']\n")

    loaded = load_rules(rules)

    assert loaded.kind("Tellham Homes") == "housing"
    assert loaded.kind("Anne Homes") is None
    assert loaded.kind("XYZ Ltd") is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not toml [", "cannot read"),
        ("[[rule]]\npatterns = ['x']\n", "needs a kind"),
        ("[[rule]]\nkind = 'x'\npatterns = ['(']\n", "not a regular expression"),
        ("", "at least one"),
    ],
)
def test_a_broken_rules_file_gets_a_clear_error(tmp_path: Path, text: str, message: str) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text(text)
    with pytest.raises(OrganisationRulesError, match=message):
        load_rules(rules)


def test_an_estate_names_the_deceased() -> None:
    assert estate_of("ESTATE OF THE LATE MARY BROWN") == "MARY BROWN"
    assert estate_of("Executors of John Smith deceased") == "John Smith"
    assert estate_of("Estate of Peter Jones (decd)") == "Peter Jones"
    assert estate_of("Mary Brown") is None
