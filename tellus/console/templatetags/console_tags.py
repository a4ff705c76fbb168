from __future__ import annotations

import json
from typing import Any

from django import template
from django.core.paginator import Page
from django.forms import BoundField
from django.utils.translation import gettext_lazy as _

from tellus.privacy.models import AuditEvent
from tellus.privacy.selectors import AUDIT_LOG_OBJECT_TYPE

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


OBJECT_LABELS = {
    "people.person": _("Person"),
    "people.sourcerecord": _("Source record"),
    AUDIT_LOG_OBJECT_TYPE: _("Audit log"),
}


@register.filter
def audit_object_label(event: AuditEvent) -> str:
    label = str(OBJECT_LABELS.get(event.object_type, event.object_type))
    return f"{label} {event.object_id}" if event.object_id else label
