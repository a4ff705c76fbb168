"""Reading Open311 input: form fields, W3C datetimes, date ranges and a service's attributes. Every problem is
an Open311Error(400) naming the field, raised before anything is written."""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from tellus.catalogue.models import Service, ServiceAttribute

from .errors import Open311Error, bad_request

DESCRIPTION_MAX = 4000
MAX_RANGE = dt.timedelta(days=90)
MAX_EXTRA_ATTRIBUTES = 50
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]{1,100})\](\[\])?$")
# Ids, pages and sizes are ASCII digits only: Python's int() and str.isdigit() also take "²" or "٣".
_DIGITS = re.compile(r"[0-9]+")
# A decimal number as clients write coordinates: ASCII only, so float() is never handed "٣".
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_url = URLValidator(schemes=["http", "https"])
MAX_MEDIA_URLS = 20
ID_DIGITS_MAX = 18  # larger numbers are no id Tellus has given (a bigint holds 18 digits safely)
NOT_PINPOINTED = "#NOTPINPOINTED#"  # FixMyStreet's address_id for a report whose place was not pinned on a map
# Top-level fields FixMyStreet's Open311 client sends beyond GeoReport v2 (perllib/Open311.pm and its cobrands),
# kept as text on the request or update; anything else unknown is ignored.
CLIENT_FIELDS = (
    "service_request_id_ext",
    "update_id_ext",
    "report_url",
    "account_id",
    "device_id",
    "deviceid",
    "title",
    "public_anonymity_required",
    "email_alerts_requested",
    "nsg_ref",
)


def has_control_characters(value: str) -> bool:
    return bool(_CONTROL.search(value))


def text(data: QueryDict, name: str, *, max_length: int, required: bool = False) -> str:
    """One text field, stripped. Control characters (other than tab and newlines) are refused: they are not
    plain text, and PostgreSQL cannot store a NUL."""
    values = data.getlist(name)
    if len(values) > 1:
        raise bad_request(_("%(f)s was given more than once.") % {"f": name})
    value = values[0].strip() if values else ""
    if required and not value:
        raise bad_request(_("%(f)s is required.") % {"f": name})
    if len(value) > max_length:
        raise bad_request(_("%(f)s is longer than %(n)s characters.") % {"f": name, "n": max_length})
    if _CONTROL.search(value):
        raise bad_request(_("%(f)s contains control characters; send plain text.") % {"f": name})
    return value


def w3c_datetime(value: str, name: str) -> dt.datetime:
    """A W3C datetime (2026-11-22T07:00:00+00:00, …Z, or a date). One without an offset is taken as UTC."""
    try:
        parsed = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise bad_request(_("%(f)s is not a W3C datetime such as 2026-11-22T07:00:00+00:00.") % {"f": name}) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    try:
        return parsed.astimezone(dt.UTC)
    except OverflowError:
        raise bad_request(_("%(f)s is out of range.") % {"f": name}) from None


def date_range(data: QueryDict, *, now: dt.datetime | None = None) -> tuple[dt.datetime, dt.datetime]:
    """start_date and end_date: at most 90 days apart; with either missing, the 90 days before the other (or
    before now)."""
    now = now or timezone.now()
    start_text = text(data, "start_date", max_length=40)
    end_text = text(data, "end_date", max_length=40)
    start = w3c_datetime(start_text, "start_date") if start_text else None
    end = w3c_datetime(end_text, "end_date") if end_text else None
    try:
        if start is None and end is None:
            end = now
            start = now - MAX_RANGE
        elif start is None:
            assert end is not None
            start = end - MAX_RANGE
        elif end is None:
            end = min(start + MAX_RANGE, max(now, start))
    except OverflowError:
        raise bad_request(_("start_date or end_date is out of range.")) from None
    assert start is not None and end is not None
    if start > end:
        raise bad_request(_("start_date is after end_date."))
    if end - start > MAX_RANGE:
        raise bad_request(_("start_date and end_date may be at most 90 days apart."))
    return start, end


def is_digits(value: str) -> bool:
    """Whether value is one or more ASCII digits 0-9 and nothing else."""
    return _DIGITS.fullmatch(value) is not None


def page_args(data: QueryDict, *, max_size: int = 1000) -> tuple[int, int]:
    """The page/page_size extension: page from 1, page_size from 1 to 1000 (default 1000)."""
    result = []
    for name, default, top in (("page", 1, 10**6), ("page_size", max_size, max_size)):
        raw = text(data, name, max_length=10)
        if not raw:
            result.append(default)
            continue
        if not is_digits(raw) or not 1 <= int(raw) <= top:
            raise bad_request(_("%(f)s must be a whole number from 1 to %(n)s.") % {"f": name, "n": top})
        result.append(int(raw))
    return result[0], result[1]


def comma_list(data: QueryDict, name: str, *, max_length: int = 2000) -> list[str]:
    return [item.strip() for item in text(data, name, max_length=max_length).split(",") if item.strip()]


def request_id(value: str, name: str = "service_request_id") -> int | None:
    """A service_request_id as Tellus gives them: ASCII digits, refused with 400 otherwise. None for a number
    too long to be any request's (so it is simply not found)."""
    if not is_digits(value):
        raise bad_request(_("%(f)s “%(v)s” is not a request id: ids are the digits 0-9.") % {"f": name, "v": value})
    return int(value) if len(value) <= ID_DIGITS_MAX else None


def request_ids(data: QueryDict, name: str = "service_request_id") -> list[int] | None:
    """A comma list of service_request_ids, each checked as request_id does. None when none were given."""
    given = comma_list(data, name)
    if not given:
        return None
    return [number for number in (request_id(item, name) for item in given) if number is not None]


@dataclass
class Reporter:
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    phone: str = ""

    @property
    def given(self) -> bool:
        return bool(self.first_name or self.last_name or self.email or self.phone)


def reporter(data: QueryDict) -> Reporter:
    email = text(data, "email", max_length=254)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise bad_request(_("email is not an email address.")) from None
    return Reporter(
        first_name=text(data, "first_name", max_length=150),
        last_name=text(data, "last_name", max_length=150),
        email=email,
        phone=text(data, "phone", max_length=40),
    )


def media_urls(data: QueryDict) -> list[str]:
    """Every media_url given, in order: GeoReport v2 has one, FixMyStreet's multi-photo mode repeats the field.
    Each must be an http or https URL; the same URL twice is kept once."""
    found: list[str] = []
    for raw in data.getlist("media_url"):
        value = raw.strip()
        if not value:
            continue
        if len(value) > 2000 or _CONTROL.search(value):
            raise bad_request(_("media_url is longer than 2000 characters or not plain text."))
        try:
            _url(value)
        except ValidationError:
            raise bad_request(_("media_url is not an http or https URL.")) from None
        if value not in found:
            found.append(value)
    if len(found) > MAX_MEDIA_URLS:
        raise bad_request(_("Too many media_url values: at most %(n)s.") % {"n": MAX_MEDIA_URLS})
    return found


def client_fields(data: QueryDict) -> dict[str, str]:
    """FixMyStreet's own top-level fields (CLIENT_FIELDS) that were given, as text."""
    return {name: value for name in CLIENT_FIELDS if (value := text(data, name, max_length=2000))}


@dataclass
class RequestInput:
    """A POST requests form, checked."""

    service: Service
    description: str
    reporter: Reporter
    lat: float | None
    long: float | None
    address_string: str
    address_id: str
    media_urls: list[str]
    attributes: dict[str, Any] = field(default_factory=dict)
    extra_attributes: dict[str, str] = field(default_factory=dict)
    client_fields: dict[str, str] = field(default_factory=dict)


def _coordinate(data: QueryDict, name: str, limit: float) -> float | None:
    raw = text(data, name, max_length=40)
    if not raw:
        return None
    if _DECIMAL.fullmatch(raw) is None:
        raise bad_request(_("%(f)s is not a number.") % {"f": name})
    value = float(raw)
    if not math.isfinite(value) or not -limit <= value <= limit:
        raise bad_request(_("%(f)s must be between -%(n)s and %(n)s.") % {"f": name, "n": int(limit)})
    return value


def _attribute_values(data: QueryDict) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for key in data:
        match = _ATTRIBUTE.match(key)
        if match:
            found.setdefault(match.group(1), []).extend(value.strip() for value in data.getlist(key))
    return found


def _attribute(attribute: ServiceAttribute, given: list[str]) -> Any:
    name = f"attribute[{attribute.code}]"
    values = [value for value in given if value]
    if any(_CONTROL.search(value) for value in values):
        raise bad_request(_("%(f)s contains control characters.") % {"f": name})
    if not values:
        if attribute.required:
            raise bad_request(_("%(f)s is required: %(q)s") % {"f": name, "q": attribute.description})
        return None
    keys = {str(value.get("key")) for value in attribute.values or []}
    if attribute.datatype == ServiceAttribute.Datatype.MULTIVALUELIST:
        unknown = [value for value in values if value not in keys]
        if unknown or len(values) > len(keys):
            raise bad_request(_("%(f)s has values that are not among its keys.") % {"f": name})
        return list(dict.fromkeys(values))
    if len(values) > 1:
        raise bad_request(_("%(f)s takes one value.") % {"f": name})
    value = values[0]
    if attribute.datatype == ServiceAttribute.Datatype.SINGLEVALUELIST and value not in keys:
        raise bad_request(_("%(f)s is not one of its keys.") % {"f": name})
    if attribute.datatype == ServiceAttribute.Datatype.NUMBER:
        if _DECIMAL.fullmatch(value) is None:
            raise bad_request(_("%(f)s is not a number.") % {"f": name})
        number = float(value)
        if not math.isfinite(number):
            raise bad_request(_("%(f)s is not a number.") % {"f": name})
    if attribute.datatype == ServiceAttribute.Datatype.DATETIME:
        value = w3c_datetime(value, name).isoformat()
    if len(value) > DESCRIPTION_MAX:
        raise bad_request(_("%(f)s is longer than %(n)s characters.") % {"f": name, "n": DESCRIPTION_MAX})
    return value


def attributes(data: QueryDict, service: Service) -> tuple[dict[str, Any], dict[str, str]]:
    """The service's own attributes, checked against its definition, and any others the client sent (FixMyStreet
    sends its own, such as title and report_url), kept as text."""
    given = _attribute_values(data)
    known: dict[str, Any] = {}
    for attribute in service.attributes.all():
        if not attribute.variable:
            given.pop(attribute.code, None)
            continue
        value = _attribute(attribute, given.pop(attribute.code, []))
        if value is not None:
            known[attribute.code] = value
    if len(given) > MAX_EXTRA_ATTRIBUTES:
        raise bad_request(_("Too many attributes: at most %(n)s.") % {"n": MAX_EXTRA_ATTRIBUTES})
    extra: dict[str, str] = {}
    for code, values in given.items():
        value = ", ".join(v for v in values if v)
        if len(value) > DESCRIPTION_MAX or _CONTROL.search(value):
            raise bad_request(_("attribute[%(c)s] is too long or not plain text.") % {"c": code})
        if value:
            extra[code] = value
    return known, extra


def request_input(data: QueryDict) -> RequestInput:
    code = text(data, "service_code", max_length=60, required=True)
    service = Service.objects.filter(code=code, open311_enabled=True).prefetch_related("attributes").first()
    if service is None:
        raise Open311Error(400, _("service_code “%(c)s” is not a service you can report to.") % {"c": code})
    lat, long = _coordinate(data, "lat", 90), _coordinate(data, "long", 180)
    if (lat is None) != (long is None):
        raise bad_request(_("Give lat and long together."))
    address_string = text(data, "address_string", max_length=500)
    address_id = text(data, "address_id", max_length=100)
    if lat is None and not address_string and not address_id:
        raise bad_request(_("Give a location: lat and long, address_string or address_id."))
    known, extra = attributes(data, service)
    return RequestInput(
        service=service,
        description=text(data, "description", max_length=DESCRIPTION_MAX),
        reporter=reporter(data),
        lat=lat,
        long=long,
        address_string=address_string,
        address_id=address_id,
        media_urls=media_urls(data),
        attributes=known,
        extra_attributes=extra,
        client_fields=client_fields(data),
    )
