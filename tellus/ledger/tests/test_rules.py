from __future__ import annotations

from decimal import Decimal

import pytest

from tellus.ledger.rules import DEFAULT_RULES_PATH, RulesError, rules_from_dict, rules_load


def test_the_shipped_rule_reads_and_names_roads_parks_and_street_lighting():
    rules = rules_load(DEFAULT_RULES_PATH)

    assert {"street-lighting", "potholes", "parks"} <= rules.shared_codes
    assert all(isinstance(s.annual_cost, Decimal) and s.explanation for s in rules.shared)


@pytest.mark.parametrize(
    ("shared", "message"),
    [
        ({"service": "parks", "annual_cost": 100.5}, "as a string"),
        ({"service": "parks", "annual_cost": "lots"}, "is not a number"),
        ({"service": "parks", "annual_cost": "-1"}, "zero or more"),
        ({"service": "parks", "annual_cost": "1", "basis": "rateable value"}, "basis must be one of"),
        ({"annual_cost": "1"}, "by its catalogue code"),
    ],
)
def test_a_malformed_rule_is_refused_with_where(shared, message):
    with pytest.raises(RulesError, match=message):
        rules_from_dict({"shared": [shared]})


def test_a_service_shared_twice_is_refused():
    with pytest.raises(RulesError, match="shared twice"):
        rules_from_dict({"shared": [{"service": "parks", "annual_cost": "1"}] * 2})
