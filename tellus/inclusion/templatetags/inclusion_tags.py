"""The adjustments panel other pages include: `{% load inclusion_tags %}{% adjustments_panel person.pk %}` on the
console's person page and the contact form, `{% adjustments_inline candidate.person_id %}` beside each real-time
match. Adjustments only (large print, interpreter: Arabic), never the need behind them. Each person shown with any
is an audited read with the page's purpose; staff whose role does not show adjustments see nothing."""

from __future__ import annotations

from typing import Any

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

from tellus.privacy.purposes import PurposeError, purpose_of
from tellus.privacy.services import Actor

from ..selectors import adjustments_for_staff

register = template.Library()


def _adjustments(context: template.Context, person_id: Any) -> list[str]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None or not user.has_perm("inclusion.view_adjustment") or not person_id:
        return []
    try:
        purpose = purpose_of(request)
    except PurposeError:
        return []
    found = adjustments_for_staff(actor=Actor.for_user(user), purpose=purpose, person_ids=[int(person_id)])
    return found.get(int(person_id), [])


@register.inclusion_tag("inclusion/_adjustments.html", takes_context=True)
def adjustments_panel(context: template.Context, person_id: Any, link: bool = True) -> dict[str, Any]:
    return {
        "adjustments": _adjustments(context, person_id),
        "person_id": person_id,
        "link": link,
        "perms": context.get("perms"),
    }


@register.inclusion_tag("inclusion/_adjustments_inline.html", takes_context=True)
def adjustments_inline(context: template.Context, person_id: Any) -> dict[str, Any]:
    return {"adjustments": _adjustments(context, person_id)}


@register.filter
def styled_select(field: BoundField) -> SafeString:
    attrs: dict[str, str | bool] = {"class": "select" + (" input--error" if field.errors else "")}
    described = " ".join(
        part
        for part, shown in ((f"{field.auto_id}-hint", field.help_text), (f"{field.auto_id}-error", field.errors))
        if shown
    )
    if described:
        attrs["aria-describedby"] = described
    return field.as_widget(attrs=attrs)
