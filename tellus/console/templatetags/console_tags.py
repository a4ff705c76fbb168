from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

from django import template
from django.core.paginator import Page
from django.forms import BoundField
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from tellus.linkage.models import PAIR_OBJECT_TYPE
from tellus.people.models import PERSON_OBJECT_TYPE, SOURCE_RECORD_OBJECT_TYPE
from tellus.privacy.models import AUDIT_LOG_OBJECT_TYPE, AuditEvent

register = template.Library()


@register.filter
def pretty_json(value: Any) -> str:
    """A source row as received, indented so staff can read it. Escaped by the template like any other text."""
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True, default=str)


@register.filter
def described_by(field: BoundField) -> str:
    """The ids of a field's hint and error message, for aria-describedby."""
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}-hint")
    if field.errors:
        ids.append(f"{field.auto_id}-error")
    return " ".join(ids)


@register.filter
def elided_pages(page: Page[Any]) -> list[int | str]:
    """Page numbers to link to: the first and last, and two either side of this one."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))


@register.filter
def percent(value: Any) -> str:
    """A probability as a percentage, like 97.5%; a missing one as "Not recorded"."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(_("Not recorded"))
    if not math.isfinite(number):
        return str(_("Not recorded"))
    return f"{number * 100:.1f}%"


@register.filter
def date_or_text(value: Any) -> str:
    """A field of a source record for display: dates the way the rest of the console writes them."""
    if isinstance(value, dt.date):
        return date_format(value, "j F Y")
    return str(value)


OBJECT_LABELS = {
    PERSON_OBJECT_TYPE: _("Person"),
    SOURCE_RECORD_OBJECT_TYPE: _("Source record"),
    PAIR_OBJECT_TYPE: _("Pair of records"),
    AUDIT_LOG_OBJECT_TYPE: _("Audit log"),
}


@register.filter
def audit_object_label(event: AuditEvent) -> str:
    label = str(OBJECT_LABELS.get(event.object_type, event.object_type))
    return f"{label} {event.object_id}" if event.object_id else label
