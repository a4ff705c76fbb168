"""How staff-account audit entries read in the console."""

from __future__ import annotations

from typing import Any

from django import template

from tellus.privacy.models import AuditEvent
from tellus.privacy.staff import GRANT_OBJECT_TYPE

register = template.Library()


def _value(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "none"
    if value is None or value == "":
        return "none"
    return str(value)


@register.filter
def staff_account_label(event: AuditEvent) -> str:
    """The account an entry is about: its username where the entry names it, else its number."""
    context = event.context or {}
    if event.object_type == GRANT_OBJECT_TYPE:
        return f"{context.get('account', '')} (role request {event.object_id})".strip()
    return str(context.get("username") or (f"account {event.object_id}" if event.object_id else "\N{EN DASH}"))


@register.filter
def staff_change_summary(event: AuditEvent) -> str:
    """`roles: Analyst → Analyst, Caseworker; is_active: True → False`, plus the role of a request."""
    parts = [f"{name}: {_value(change[0])} → {_value(change[1])}" for name, change in (event.changes or {}).items()]
    context = event.context or {}
    for key in ("role", "reason", "step", "ip_address", "two_factor"):
        if context.get(key):
            parts.append(f"{key.replace('_', ' ')}: {context[key]}")
    return "; ".join(parts) or "\N{EN DASH}"
