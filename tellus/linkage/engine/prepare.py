"""Standardising source records into the columns the linkage model compares.

Everything here is vectorised over unique values (names and addresses repeat a lot), so preparing ~450,000
records takes seconds.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from tellus.common.text import normalise_email, normalise_name, normalise_postcode, strip_accents

from .nicknames import canonical_first_name

INPUT_COLUMNS = [
    "unique_id",
    "source_system",
    "first_name",
    "last_name",
    "date_of_birth",
    "address",
    "postcode",
    "email",
    "phone",
    "address_is_evidence",
]

# The columns the model compares, in the order the prepared table holds them.
PREPARED_COLUMNS = [
    "unique_id",
    "source_system",
    "first_name",
    "first_name_canonical",
    "first_name_sx",
    "last_name",
    "last_name_sx",
    "dob",
    "postcode",
    "flat",
    "house_number",
    "street",
    "locality",
    "town",
    "email",
    "phone",
]

_SUBUNIT = re.compile(r"^(flat|apartment|apt|unit|room|suite|floor)\b\s*(?:no\s*)?(\w*)")
# '2/8 Victoria Way': flat 2 of number 8.
_SLASHED = re.compile(r"^(\w+)\s*/\s*(\d+[a-z]?)\b")
# The street-type abbreviations clerks use, written out, so 'Bell Gdns' and 'Bell Gardens' are the same street.
_STREET_TYPES = {
    "ave": "avenue",
    "cl": "close",
    "cres": "crescent",
    "ct": "court",
    "dr": "drive",
    "gdns": "gardens",
    "gr": "grove",
    "ln": "lane",
    "pl": "place",
    "rd": "road",
    "sq": "square",
    "st": "street",
    "terr": "terrace",
    "ter": "terrace",
}
_NUMBER = re.compile(r"^\d+[a-z]?$")
_ADDRESS_JUNK = re.compile(r"[^a-z0-9,/ ]")
_SPACES = re.compile(r"\s+")
_DIGITS = re.compile(r"\D")
_SOUNDEX_CODES = {**dict.fromkeys("bfpv", "1"), **dict.fromkeys("cgjkqsxz", "2"), **dict.fromkeys("dt", "3")}
_SOUNDEX_CODES |= {"l": "4", "m": "5", "n": "5", "r": "6"}


def _blank_to_none(value: Any) -> Any:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _map_unique(series: pd.Series, func: Callable[[Any], Any]) -> pd.Series:
    """Apply func once per distinct value; missing and blank values become None.

    The distinct values are found by pd.factorize (missing ones get code -1) and the results taken by code, so no
    Python call is made per record: at 400,000 records two per-record maps were most of preparing them."""
    codes, uniques = pd.factorize(series.astype(object), use_na_sentinel=True)
    results = np.empty(len(uniques) + 1, dtype=object)  # the last slot, None, is what code -1 takes
    for index, value in enumerate(uniques):
        value = _blank_to_none(value)
        results[index] = None if value is None else func(value)
    return pd.Series(results[codes], index=series.index, dtype=object)


def soundex(name: str) -> str | None:
    """American Soundex of the letters in a normalised name; used only to block, never to score."""
    letters = [ch for ch in name if "a" <= ch <= "z"]
    if not letters:
        return None
    first = letters[0]
    code = [first.upper()]
    previous = _SOUNDEX_CODES.get(first, "")
    for ch in letters[1:]:
        digit = _SOUNDEX_CODES.get(ch, "")
        if digit and digit != previous:
            code.append(digit)
        if ch not in "hw":
            previous = digit
    return "".join(code)[:4].ljust(4, "0")


def _name(value: Any) -> str | None:
    text = normalise_name(str(value)).replace("'", "").replace("-", " ")
    text = _SPACES.sub(" ", text).strip()
    return text or None


def _dob(value: Any) -> str | None:
    """ISO 'YYYY-MM-DD' text; a malformed eight-digit string is kept as text so typos still compare closely."""
    if isinstance(value, dt.datetime | pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    digits = _DIGITS.sub("", str(value))
    if len(digits) != 8:
        return None
    return f"{digits[:4]}-{digits[4:6]}-{digits[6:]}"


def _address_parts(value: Any) -> tuple[str | None, str | None, str | None, str | None, str | None]:
    """(house number, street, locality, town, flat) from a free-text address such as
    'Flat 2, 12 High Street, Townsville' or '2/12 High St, Townsville'.

    The flat (sub-unit) is kept apart from the building's number: two flats in one building are two homes. The
    locality is everything after the street line; the town is its last part. A street-type abbreviation at the end
    of the street is written out ('Gdns' becomes 'gardens')."""
    text = _ADDRESS_JUNK.sub(" ", strip_accents(str(value)).casefold().replace("/", " / "))
    parts = [_SPACES.sub(" ", part).strip() for part in text.split(",")]
    parts = [part for part in parts if part]
    if not parts:
        return None, None, None, None, None
    flat = None
    # A leading 'Flat 2' names the unit, not the building; the street is in the next part.
    subunit = _SUBUNIT.match(parts[0])
    if subunit:
        flat = subunit.group(2) or None
        rest = parts[0][subunit.end() :].strip()
        parts = [rest, *parts[1:]] if rest else parts[1:]
        if not parts:
            return None, None, None, None, flat
    # '1, Longfield View': the number written apart from its street.
    if len(parts) > 1 and _NUMBER.match(parts[0]):
        parts = [f"{parts[0]} {parts[1]}", *parts[2:]]
    slashed = _SLASHED.match(parts[0])
    if slashed:
        flat = slashed.group(1)
        parts[0] = parts[0][slashed.start(2) :]
    tokens = parts[0].replace("/", " ").split()
    numbers = [token for token in tokens if _NUMBER.match(token)]
    words = [token for token in tokens if not _NUMBER.match(token)]
    if len(words) > 1 and words[-1] in _STREET_TYPES:
        words[-1] = _STREET_TYPES[words[-1]]
    house_number = numbers[0] if numbers else None
    street = " ".join(words) or None
    locality = " ".join(parts[1:]) or None
    town = parts[-1] if len(parts) > 1 else None
    return house_number, street, locality, town, flat


def _email(value: Any) -> str | None:
    text = normalise_email(str(value))
    return text if "@" in text else None


def _phone(value: Any) -> str | None:
    # The last ten digits make '+44 7700 900123' and '07700 900123' the same number.
    digits = _DIGITS.sub("", str(value))
    return digits[-10:] if len(digits) >= 7 else None


def _postcode(value: Any) -> str | None:
    return normalise_postcode(str(value)) or None


def prepare(records: pd.DataFrame) -> pd.DataFrame:
    """Standardise source records for comparison.

    Input columns: unique_id (int), source_system (str), first_name, last_name, date_of_birth (date, or text such as
    '1980-04-09' or '19800409'), address, postcode, email, phone, address_is_evidence (bool). Missing optional columns
    are treated as empty. When address_is_evidence is false (a shelter, a pseudo-address) the address and postcode are
    blanked, so they can never count for or against a match.
    """
    frame = records.copy()
    for column in INPUT_COLUMNS:
        if column not in frame.columns:
            frame[column] = True if column == "address_is_evidence" else None
    out = pd.DataFrame({"unique_id": frame["unique_id"].astype("int64").to_numpy()})
    out["source_system"] = frame["source_system"].fillna("").astype(str).to_numpy()
    first = _map_unique(frame["first_name"], _name)
    last = _map_unique(frame["last_name"], _name)
    out["first_name"] = first.to_numpy()
    out["first_name_canonical"] = _map_unique(first, canonical_first_name).to_numpy()
    out["first_name_sx"] = _map_unique(first, soundex).to_numpy()
    out["last_name"] = last.to_numpy()
    out["last_name_sx"] = _map_unique(last, soundex).to_numpy()
    out["dob"] = _map_unique(frame["date_of_birth"], _dob).to_numpy()

    evidence = frame["address_is_evidence"].fillna(True).astype(bool).to_numpy()
    parts = _map_unique(frame["address"], _address_parts)
    out["postcode"] = _map_unique(frame["postcode"], _postcode).where(evidence, None).to_numpy()
    for index, column in enumerate(("house_number", "street", "locality", "town", "flat")):
        values = _map_unique(parts, operator.itemgetter(index))
        out[column] = values.where(evidence, None).to_numpy()
    out["email"] = _map_unique(frame["email"], _email).to_numpy()
    out["phone"] = _map_unique(frame["phone"], _phone).to_numpy()
    for column in PREPARED_COLUMNS[2:]:
        out[column] = out[column].astype(object).where(out[column].notna(), None)
    return out[PREPARED_COLUMNS]


def prepare_record(details: dict[str, Any]) -> dict[str, Any]:
    """prepare() for one record as a plain dict, without pandas: the real-time path, where a DataFrame's overhead
    would be most of the cost. Gives the same values as prepare()."""
    values = {column: _blank_to_none(details.get(column)) for column in INPUT_COLUMNS}
    first = _name(values["first_name"]) if values["first_name"] is not None else None
    last = _name(values["last_name"]) if values["last_name"] is not None else None
    evidence = values["address_is_evidence"] is not False
    parts = _address_parts(values["address"]) if values["address"] is not None and evidence else (None,) * 5
    postcode = _postcode(values["postcode"]) if values["postcode"] is not None and evidence else None
    return {
        "unique_id": int(values["unique_id"] or 0),
        "source_system": str(values["source_system"] or ""),
        "first_name": first,
        "first_name_canonical": canonical_first_name(first),
        "first_name_sx": soundex(first) if first else None,
        "last_name": last,
        "last_name_sx": soundex(last) if last else None,
        "dob": _dob(values["date_of_birth"]) if values["date_of_birth"] is not None else None,
        "postcode": postcode,
        "flat": parts[4],
        "house_number": parts[0],
        "street": parts[1],
        "locality": parts[2],
        "town": parts[3],
        "email": _email(values["email"]) if values["email"] is not None else None,
        "phone": _phone(values["phone"]) if values["phone"] is not None else None,
    }


def evidence_count(prepared: pd.DataFrame) -> pd.Series:
    """How many independent identifying facts a prepared record carries: a name (first, last or both count once),
    date of birth, an address that counts as evidence, email, phone."""
    full_name = prepared["first_name"].notna() | prepared["last_name"].notna()
    address = prepared["street"].notna() | prepared["postcode"].notna()
    facts = [full_name, prepared["dob"].notna(), address, prepared["email"].notna(), prepared["phone"].notna()]
    return sum(fact.astype(int) for fact in facts)


def too_thin_to_link(prepared: pd.DataFrame, *, minimum_facts: int = 2) -> pd.Series:
    """True for records with too little on them to be linked automatically (e.g. only a first name).

    Such records may still be offered to staff for review, never joined to a person by the machine."""
    return evidence_count(prepared) < minimum_facts
