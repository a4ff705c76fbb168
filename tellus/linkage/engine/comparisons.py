"""The comparisons the Tellus model scores, written once in DuckDB SQL.

Splink translates the conditions to other backends; the only function PostgreSQL lacks, jaro_winkler_similarity, is
installed by backends.py. The same conditions are evaluated by realtime.py, so batch and real-time scoring assign the
same levels.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

TF_COLUMNS = ("first_name", "last_name")
DIFFERENT_FLAT_LABEL = "Same building, different flat"
# The first-name levels that say the names are the same name, however written; predict.classify reads them.
SAME_FIRST_NAME_LABELS = (
    "Same first name",
    "Same first given name, middle name differs or is missing",
    "Nickname of the same name (Bill and William)",
)
SAME_LAST_NAME_LABEL = "Same last name"
SAME_DOB_LABEL = "Same date of birth"
SAME_ADDRESS_LABELS = (
    "Same house number, street and postcode",
    "Same house number and street",
    "Same house number and postcode, very similar street",
)
SAME_POSTCODE_LABEL = "Same postcode"
SAME_EMAIL_LABEL = "Same email address"
SAME_PHONE_LABEL = "Same phone number"
MISSING_LABEL = "Missing on one record"
_BOTH_STREETS = '"street_l" IS NOT NULL AND "street_r" IS NOT NULL'


def _null(*columns: str) -> dict[str, Any]:
    condition = " OR ".join(f'"{c}_l" IS NULL OR "{c}_r" IS NULL' for c in columns)
    return {"sql_condition": condition, "label_for_charts": MISSING_LABEL, "is_null_level": True}


def _level(condition: str, label: str, **extra: Any) -> dict[str, Any]:
    return {"sql_condition": condition, "label_for_charts": label, **extra}


def _counted_elsewhere(condition: str, label: str) -> dict[str, Any]:
    """A level that adds no weight, because another comparison already counts what it would say. Its m and u are
    fixed and equal, so training leaves the weight at 0 (log2 m/u)."""
    return {
        "sql_condition": condition,
        "label_for_charts": label,
        "m_probability": 0.5,
        "u_probability": 0.5,
        "fix_m_probability": True,
        "fix_u_probability": True,
    }


def _else() -> dict[str, Any]:
    return {"sql_condition": "ELSE", "label_for_charts": "All other comparisons"}


def _jw(column: str, threshold: float) -> str:
    return f'jaro_winkler_similarity("{column}_l", "{column}_r") >= {threshold}'


def _lev(column: str, distance: int) -> str:
    return f'levenshtein("{column}_l", "{column}_r") <= {distance}'


def _exact(column: str) -> str:
    return f'"{column}_l" = "{column}_r"'


def _day_and_month_swapped(column: str) -> str:
    """ISO dates (YYYY-MM-DD) whose day and month are each other's: 1943-05-11 and 1943-11-05, a slip clerks make
    between day-first and month-first forms, four characters apart but one person."""
    left, right = f'"{column}_l"', f'"{column}_r"'
    return (
        f"substr({left}, 1, 5) = substr({right}, 1, 5) AND substr({left}, 6, 2) = substr({right}, 9, 2) "
        f"AND substr({left}, 9, 2) = substr({right}, 6, 2)"
    )


def _initial(side: str) -> str:
    """The first given name is a single letter: 'n', 'n g' (an initial, perhaps with a middle initial)."""
    return f"length(split_part(\"first_name_{side}\", ' ', 1)) = 1"


INITIAL_AGREES_LABEL = "Initial agrees with the first given name"


def first_name() -> dict[str, Any]:
    """Initials are compared only as initials: 'N' and 'N' or 'N' and 'Neil' land in the initial level (weaker than
    the same name, its weight learned by EM like any other), and 'N' against 'D' is 'all other'."""
    no_initial = f"NOT ({_initial('l')} OR {_initial('r')})"
    return {
        "output_column_name": "first_name",
        "comparison_description": "First name",
        "comparison_levels": [
            _null("first_name"),
            # First, so an initial is only ever compared as one (the exact level must stay a plain equality for
            # Splink's term-frequency adjustment).
            _level(
                f'({_initial("l")} OR {_initial("r")}) AND substr("first_name_l", 1, 1) = substr("first_name_r", 1, 1)',
                INITIAL_AGREES_LABEL,
            ),
            _level(
                _exact("first_name"),
                SAME_FIRST_NAME_LABELS[0],
                tf_adjustment_column="first_name",
                tf_adjustment_weight=1.0,
            ),
            _level(
                "split_part(\"first_name_l\", ' ', 1) = split_part(\"first_name_r\", ' ', 1)",
                SAME_FIRST_NAME_LABELS[1],
            ),
            _level(_exact("first_name_canonical"), SAME_FIRST_NAME_LABELS[2]),
            _level(f"{_jw('first_name', 0.92)} AND {no_initial}", "Very similar first name"),
            _level(f"{_jw('first_name', 0.8)} AND {no_initial}", "Similar first name"),
            _level(
                '"first_name_l" = "last_name_r" OR "first_name_r" = "last_name_l"',
                "First name is the other record's last name (swapped)",
            ),
            _else(),
        ],
    }


def last_name() -> dict[str, Any]:
    return {
        "output_column_name": "last_name",
        "comparison_description": "Last name",
        "comparison_levels": [
            _null("last_name"),
            _level(
                _exact("last_name"), SAME_LAST_NAME_LABEL, tf_adjustment_column="last_name", tf_adjustment_weight=1.0
            ),
            _level(_jw("last_name", 0.92), "Very similar last name"),
            _level(_jw("last_name", 0.8), "Similar last name"),
            _level(
                '"last_name_l" = "first_name_r" OR "last_name_r" = "first_name_l"',
                "Last name is the other record's first name (swapped)",
            ),
            _else(),
        ],
    }


def date_of_birth() -> dict[str, Any]:
    return {
        "output_column_name": "dob",
        "comparison_description": "Date of birth",
        "comparison_levels": [
            _null("dob"),
            _level(_exact("dob"), SAME_DOB_LABEL),
            _level(_day_and_month_swapped("dob"), "Day and month swapped"),
            _level(_lev("dob", 1), "Date of birth one character apart"),
            _level(_lev("dob", 2), "Date of birth two characters apart"),
            _else(),
        ],
    }


def postcode() -> dict[str, Any]:
    return {
        "output_column_name": "postcode",
        "comparison_description": "Postcode",
        "comparison_levels": [
            _null("postcode"),
            _counted_elsewhere(
                f'{_exact("postcode")} AND {_exact("street")} AND "house_number_l" <> "house_number_r"',
                "Same postcode, counted with the street (a different house)",
            ),
            _level(_exact("postcode"), SAME_POSTCODE_LABEL),
            _level(_lev("postcode", 1), "Postcode one character apart"),
            _counted_elsewhere(
                f"{_BOTH_STREETS} AND NOT {_jw('street', 0.8)} AND NOT {_jw('town', 0.75)}",
                "Different postcode, street and town: counted with the street address",
            ),
            _else(),
        ],
    }


def street_address() -> dict[str, Any]:
    """Flat, house number and street (the postcode is its own comparison).

    Two flats in one building are two homes, so they never count as the same address; a flat given on one record
    only is its own level (clerks often leave it off). The top levels also require the postcode, so EM learns how
    much a whole agreeing address says, rather than relying on street and postcode being independent."""
    same_number = "coalesce(\"house_number_l\", '') = coalesce(\"house_number_r\", '')"
    same_flat = "coalesce(\"flat_l\", '') = coalesce(\"flat_r\", '')"
    one_flat = '("flat_l" IS NULL) <> ("flat_r" IS NULL)'
    elsewhere = '(strpos("locality_r", "street_l") > 0 OR strpos("locality_l", "street_r") > 0)'
    return {
        "output_column_name": "street_address",
        "comparison_description": "Flat, house number and street",
        "comparison_levels": [
            _null("street"),
            _level(
                f"{_exact('street')} AND {same_number} AND {same_flat} AND {_exact('postcode')}",
                SAME_ADDRESS_LABELS[0],
            ),
            _level(f"{_exact('street')} AND {same_number} AND {same_flat}", SAME_ADDRESS_LABELS[1]),
            _level(
                f"{_jw('street', 0.9)} AND {same_number} AND {same_flat} AND {_exact('postcode')}",
                SAME_ADDRESS_LABELS[2],
            ),
            _level(f"{_jw('street', 0.9)} AND {same_number} AND {same_flat}", "Same house number, very similar street"),
            _level(
                f"{same_number} AND {same_flat} AND {elsewhere}",
                "Same house number, street written in another part of the address",
            ),
            _level(
                f"{_jw('street', 0.9)} AND {same_number} AND {one_flat}",
                "Same building, flat given on one record only",
            ),
            _level(f"{_jw('street', 0.9)} AND {same_number}", DIFFERENT_FLAT_LABEL),
            _level(_exact("street"), "Same street, different house number"),
            _level(_jw("street", 0.8), "Similar street"),
            _else(),
        ],
    }


def town() -> dict[str, Any]:
    return {
        "output_column_name": "town",
        "comparison_description": "Town (last part of the address)",
        "comparison_levels": [
            _null("town"),
            _counted_elsewhere(
                f"{_BOTH_STREETS} AND NOT {_jw('street', 0.8)} AND NOT {_jw('town', 0.75)}",
                "Different town and street: counted with the street address",
            ),
            _level(_exact("town"), "Same town"),
            _level(_jw("town", 0.9), "Very similar town"),
            _level(_jw("town", 0.75), "Similar town"),
            _else(),
        ],
    }


def email() -> dict[str, Any]:
    return {
        "output_column_name": "email",
        "comparison_description": "Email address",
        "comparison_levels": [
            _null("email"),
            _level(_exact("email"), SAME_EMAIL_LABEL),
            _level(_lev("email", 2), "Email address nearly the same"),
            _else(),
        ],
    }


def phone() -> dict[str, Any]:
    return {
        "output_column_name": "phone",
        "comparison_description": "Phone number",
        "comparison_levels": [
            _null("phone"),
            _level(_exact("phone"), SAME_PHONE_LABEL),
            _level(_lev("phone", 1), "Phone number one digit apart"),
            _else(),
        ],
    }


# Each comparison and the prepared columns it reads; a comparison whose columns are all empty in the training data
# is left out of the model, since nothing can be learned about it.
ALL_COMPARISONS = [
    (first_name, ("first_name",)),
    (last_name, ("last_name",)),
    (date_of_birth, ("dob",)),
    (postcode, ("postcode",)),
    (street_address, ("street",)),
    (town, ("town",)),
    (email, ("email",)),
    (phone, ("phone",)),
]


def comparisons_for(prepared: pd.DataFrame) -> list[dict[str, Any]]:
    return [make() for make, columns in ALL_COMPARISONS if any(prepared[c].notna().any() for c in columns)]
