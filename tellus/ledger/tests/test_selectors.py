from __future__ import annotations

from decimal import Decimal

import pytest

from tellus.ledger import selectors
from tellus.ledger.importing import ledger_import, mapping_load
from tellus.people.models import Household
from tellus.privacy.models import AuditEvent, Purpose
from tellus.privacy.services import Actor

from .conftest import contributions_csv, use_csv


@pytest.fixture
def loaded(tmp_path, town, contributions_mapping, use_mapping, settings):  # type: ignore[no-untyped-def]
    rules = tmp_path / "rules.toml"
    rules.write_text(
        '[[shared]]\nservice="street-lighting"\nannual_cost="300.00"\nbasis="household"\nexplanation="Lit for all."\n'
        '[[shared]]\nservice="parks"\nannual_cost="90.00"\nbasis="resident"\nexplanation="Open to all."\n'
    )
    settings.TELLUS_LEDGER_RULES = str(rules)
    actor = Actor.system("test")
    for path, mapping in (
        (contributions_csv(tmp_path, town), contributions_mapping),
        (use_csv(tmp_path, town), use_mapping),
    ):
        assert not ledger_import(path=path, mapping=mapping_load(mapping), year=town.year, actor=actor).refused
    return town


def test_a_household_statement_holds_its_members_and_its_own_lines(loaded):
    town = loaded
    statement = selectors.household_statements(town.year, household_ids=[town.home.pk])[town.home.pk]

    assert statement.title == "3 Mill Lane, Tellham, TL1 1AA"
    assert sorted(statement.members) == ["Ana Ruiz", "Ben Ruiz"]
    # Ana's rates, the household's garden waste, Ben's parking penalty; not Cara's swim nor the company's rates.
    assert statement.contributed_total == Decimal("1234.56") + Decimal("45.00") + Decimal("70.00")
    # 52 bin collections for the household and Ana's three loans.
    assert statement.received_total == Decimal("96.20") + Decimal("6.30")


def test_shared_services_are_apportioned_by_the_rule_and_labelled(loaded):
    town = loaded
    statement = selectors.household_statements(town.year, household_ids=[town.home.pk])[town.home.pk]

    lighting, parks = statement.shared
    assert lighting.apportioned and parks.apportioned
    assert lighting.amount == Decimal("150.00")  # £300 shared equally between 2 households
    assert parks.amount == Decimal("60.00")  # £90 between 3 residents, 2 of whom live here
    assert "Lit for all." in lighting.source
    assert statement.received_all == statement.received_total + Decimal("210.00")
    assert isinstance(statement.difference, Decimal)


def test_every_statement_line_says_where_it_came_from(loaded):
    town = loaded
    statement = selectors.household_statements(town.year, household_ids=[town.home.pk])[town.home.pk]

    rates = next(line for line in statement.contributed if line.amount == Decimal("1234.56"))
    assert rates.source == "payments.csv, row 2, reference T1; Rates account R0001"
    loans = next(line for line in statement.received if line.description == "Library loans")
    assert loans.source == "use.csv, row 3, reference U2" and loans.detail == "3 × £2.10 (a loan)"  # noqa: RUF001


def test_every_household_is_computed_at_once_the_same_as_one_at_a_time(loaded):
    town = loaded
    everyone = selectors.household_statements(town.year)

    assert set(everyone) == {town.home.pk, town.flat.pk}
    one = selectors.household_statements(town.year, household_ids=[town.flat.pk])[town.flat.pk]
    assert everyone[town.flat.pk].contributed_total == one.contributed_total == Decimal("6.40")
    assert everyone[town.flat.pk].received_all == one.received_all


def test_a_person_statement_holds_only_their_own_lines_and_their_part_of_shared_services(loaded):
    town = loaded
    statement = selectors.person_statement(town.year, person_id=town.ben.pk)

    assert [line.description for line in statement.contributed] == ["Parking penalty"]
    assert statement.received == []
    lighting, parks = statement.shared
    assert lighting.amount == Decimal("75.00")  # the household's £150 divided between its two people
    assert parks.amount == Decimal("30.00")


def test_a_staff_read_of_a_household_statement_is_audited_for_each_member_with_the_purpose(loaded, officer):
    town = loaded
    actor = Actor.for_user(officer)

    selectors.statement_for_staff(actor=actor, purpose=Purpose.ENQUIRY, year=town.year, household_id=town.home.pk)

    entries = AuditEvent.objects.filter(object_type="ledger.statement")
    assert sorted(e.subject_person_id for e in entries) == sorted([town.ana.pk, town.ben.pk])
    assert {(e.purpose, e.action, e.object_id) for e in entries} == {
        ("enquiry", "view", f"household:{town.home.pk}:2025-26")
    }


def test_a_staff_read_of_no_such_household_writes_nothing(loaded, officer):
    with pytest.raises(Household.DoesNotExist):
        selectors.statement_for_staff(
            actor=Actor.for_user(officer), purpose=Purpose.ENQUIRY, year=loaded.year, household_id=999999
        )
    assert not AuditEvent.objects.filter(object_type="ledger.statement").exists()


def test_where_rates_go_shares_every_hundred_by_family_of_services(loaded):
    town = loaded
    breakdown = selectors.where_rates_go(town.year)

    spent = {share.group: share.spent for share in breakdown.shares}
    assert spent["Waste"] == Decimal("96.20")
    assert spent["Libraries"] == Decimal("6.30") + Decimal("3.15")
    assert spent["Roads"] == Decimal("300.00")  # street lighting's cost for the year, from the rule
    assert breakdown.rates_collected == Decimal("1234.56") + Decimal("2400.00")
    assert sum(share.per_hundred for share in breakdown.shares) == pytest.approx(Decimal("100"), abs=Decimal("0.05"))
    assert all(isinstance(share.per_hundred, Decimal) for share in breakdown.shares)
    roads = next(share for share in breakdown.shares if share.group == "Roads")
    assert roads.apportioned


def test_an_estimate_shares_a_bill_in_the_same_proportions(loaded):
    breakdown = selectors.where_rates_go(loaded.year)

    estimate = dict(selectors.estimate_for_bill(breakdown, Decimal("1000.00")))

    roads = next(share for share in breakdown.shares if share.group == "Roads")
    assert estimate["Roads"] == roads.per_hundred * 10


def test_the_distribution_frame_sums_each_household_as_its_statement_does(loaded):
    town = loaded
    frame = selectors.distribution_frame(town.year).set_index("household_id")
    statements = selectors.household_statements(town.year)

    for household_id, statement in statements.items():
        assert frame.loc[household_id, "contributed"] == statement.contributed_total
        assert frame.loc[household_id, "received"] == statement.received_all
    home = frame.loc[town.home.pk]
    assert (
        home["ward"] == "North" and home["age_band"] == "75 and over" and home["needs_driver"] == ["No needs recorded"]
    )


def test_a_household_the_ledger_accounts_for_stays_when_its_people_move_out_and_households_are_rebuilt(loaded):
    from tellus.ledger.models import Contribution, ServiceUse
    from tellus.people.services import households_rebuild

    town = loaded
    owed = (
        Contribution.objects.filter(payer_household=town.home).count()
        + ServiceUse.objects.filter(household=town.home).count()
    )
    assert owed, "the home household must hold ledger lines for this test to mean anything"

    households_rebuild()  # nobody lives anywhere in this town (no occupancies), so every household is stale

    assert Household.objects.filter(pk=town.home.pk).exists()
    assert not Household.objects.get(pk=town.home.pk).members.exists()
    assert (
        Contribution.objects.filter(payer_household=town.home).count()
        + ServiceUse.objects.filter(household=town.home).count()
        == owed
    )
