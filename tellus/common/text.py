"""Normalising the text that council systems hold about people, so records can be compared."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_NOT_NAME = re.compile(r"[^a-z' -]")
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][0-9A-Z]?)([0-9][A-Z]{2})$")


def strip_accents(value: str) -> str:
    if value.isascii():  # nothing to decompose or drop (most text), and a full resolve strips 400,000 addresses
        return value
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalise_name(value: str) -> str:
    """Lower case, accents removed, punctuation other than apostrophes and hyphens dropped, spaces folded."""
    text = strip_accents(value).casefold().replace("\u2019", "'")
    text = _NOT_NAME.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def normalise_postcode(value: str) -> str:
    """UK-style postcodes get their single space back ('ab12cd' -> 'AB1 2CD'); other values are upper-cased."""
    compact = re.sub(r"\s+", "", value).upper()
    match = _POSTCODE.match(compact)
    if match:
        return f"{match.group(1)} {match.group(2)}"
    return _SPACES.sub(" ", value.strip().upper())


def normalise_email(value: str) -> str:
    return value.strip().lower()


def normalise_phone(value: str) -> str:
    """Digits only, with a leading + kept; separators people type are dropped."""
    text = value.strip()
    digits = re.sub(r"\D", "", text)
    return f"+{digits}" if text.startswith("+") and digits else digits


def collapse_spaces(value: str) -> str:
    return _SPACES.sub(" ", value).strip()
