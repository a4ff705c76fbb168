"""Strict numbers for ids, page numbers and sizes, in every interface.

Python's int() and str.isdigit(), Django's IntegerField and pydantic's lax int all take more than the digits
0 to 9: Arabic-Indic or superscript digits, signs, spaces, underscores, "3.0". A number in an address, a query
string, a form or a JSON body is accepted here only when it is written with ASCII digits (a JSON number in a
JSON body counts) and lies in range; anything else is refused with the interface's own 4xx. Every interface
parses ids, pages and sizes through this module, so the rule lives in one place.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from django import forms
from django.core.exceptions import BadRequest
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from pydantic import BeforeValidator, Field

# Up to 18 digits: the largest fits a 64-bit database key, so no lookup can overflow on any database.
MAX_DIGITS = 18
MAX_NUMBER = 10**MAX_DIGITS - 1
DIGITS = f"[0-9]{{1,{MAX_DIGITS}}}"
_DIGITS = re.compile(DIGITS)


class NotANumber(ValueError):
    """The value is not a whole number written with the digits 0 to 9, or is out of range."""


def parse_number(value: object, *, minimum: int = 0, maximum: int = MAX_NUMBER) -> int:
    """`value` as an int when it is ASCII digits (or already an int, as from a JSON number) within the range."""
    if isinstance(value, bool):
        raise NotANumber("a true/false value is not a number")
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _DIGITS.fullmatch(value):
        number = int(value)
    else:
        raise NotANumber(f"write a whole number with the digits 0 to 9, at most {MAX_DIGITS} of them")
    if not minimum <= number <= maximum:
        raise NotANumber(f"must be from {minimum} to {maximum}")
    return number


def is_number(value: object) -> bool:
    try:
        parse_number(value)
    except NotANumber:
        return False
    return True


def query_number(
    data: QueryDict, name: str, *, default: int | None, minimum: int = 1, maximum: int = MAX_NUMBER
) -> int | None:
    """A number from a query string (a page, say): absent or empty means `default`; anything else that is not
    ASCII digits in range is a 400 (Django's BadRequest, shown on the console's error page)."""
    raw = data.get(name)
    if raw is None or raw == "":
        return default
    try:
        return parse_number(raw, minimum=minimum, maximum=maximum)
    except NotANumber:
        raise BadRequest(
            _("“%(name)s” must be a whole number from %(minimum)s written with the digits 0 to 9.")
            % {"name": name, "minimum": minimum}
        ) from None


class IdConverter:
    """The `<id:…>` path converter: 1 to 18 ASCII digits. Longer numbers do not match, so they are a 404."""

    regex = DIGITS

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int | str) -> str:
        return str(parse_number(value))


class NumberField(forms.IntegerField):
    """An IntegerField that takes only ASCII digits (surrounding spaces aside): "٣" or "+3" is invalid."""

    default_error_messages = {"invalid": _lazy("Enter a whole number using the digits 0 to 9.")}

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        text = str(value).strip()
        if not _DIGITS.fullmatch(text):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return int(text)


class IdModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField over an integer key that refuses keys not written with ASCII digits before any lookup
    (Django's own would find object 3 from "٣")."""

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        model = self.queryset.model if self.queryset is not None else None
        if not (model is not None and isinstance(value, model)) and not is_number(str(value)):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
            )
        return super().to_python(value)


def _strict_number(value: object) -> object:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError("must be a whole number")
    if isinstance(value, str) and not _DIGITS.fullmatch(value):
        raise ValueError(f"must be a whole number written with the digits 0 to 9, at most {MAX_DIGITS} of them")
    return int(value)


# For Django Ninja (pydantic): a number in a path, a query or a JSON body, under the same rule. Give a StrictInt its
# range with Field(ge=…, le=…); an ApiId is 1 to MAX_NUMBER.
StrictInt = Annotated[int, BeforeValidator(_strict_number)]
ApiId = Annotated[int, BeforeValidator(_strict_number), Field(ge=1, le=MAX_NUMBER)]
