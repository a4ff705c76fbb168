"""'You said, we did': a change the council made, linked to the theme it answers and the service it changed, and
a notice to everyone whose words fed that theme and who agreed to be told."""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from tellus.catalogue.models import Service
from tellus.common.sms import send_text
from tellus.privacy.models import AuditAction, Purpose
from tellus.privacy.services import Actor, AuditEntry, audit_events_record

from .models import (
    CHANGE_OBJECT_TYPE,
    Change,
    ChangeLetter,
    ChangeNotice,
    Feedback,
    SurveyResponse,
    TextSource,
    Theme,
    ThemeTag,
)
from .surveys import LETTER_FORMATS, Reach, person_reach
from .text import clean_text

logger = logging.getLogger(__name__)


def _theme_family(theme: Theme) -> list[int]:
    """The theme and every theme merged into it, so words tagged before a merge still count."""
    family = {theme.pk}
    while True:
        more = set(Theme.objects.filter(merged_into__in=family).values_list("pk", flat=True)) - family
        if not more:
            return sorted(family)
        family |= more


def people_to_tell(theme: Theme) -> list[int]:
    """Everyone whose comment, complaint or compliment carries the theme and who agreed to be told."""
    tags = ThemeTag.objects.filter(theme__in=_theme_family(theme))
    survey_ids = tags.filter(source=TextSource.SURVEY).values("source_id")
    feedback_ids = tags.filter(source=TextSource.FEEDBACK).values("source_id")
    people = set(
        SurveyResponse.objects.filter(
            pk__in=survey_ids, wants_updates=True, invitation__person__isnull=False
        ).values_list("invitation__person_id", flat=True)
    )
    people |= set(
        Feedback.objects.filter(pk__in=feedback_ids, wants_updates=True, person__isnull=False).values_list(
            "person_id", flat=True
        )
    )
    return sorted(people)


def _notify(address: str, change: Change) -> None:
    send_mail(
        subject=_("You said, we did"),
        message=_("You told us about this, and asked to hear what we did.\n\nYou said: %(said)s\nWe did: %(did)s\n")
        % {"said": change.you_said, "did": change.we_did},
        from_email=None,
        recipient_list=[address],
        fail_silently=True,
    )


def _notify_by_text(number: str, change: Change) -> None:
    body = _("You told us about this and asked what we did. You said: %(said)s We did: %(did)s") % {
        "said": change.you_said,
        "did": change.we_did,
    }
    try:
        send_text(to=number, body=body[:600])
    except Exception:  # a text that cannot be sent must not undo the change being published
        logger.exception("A change notice text message could not be sent.")


@dataclass(frozen=True)
class Published:
    change: Change
    notified: int


@transaction.atomic
def change_publish(
    *, theme: Theme, you_said: str, we_did: str, actor: Actor, service: Service | None = None, notify: bool = True
) -> Published:
    """Publish a change on the public page and tell everyone who asked to be told. Raises ValidationError."""
    said = clean_text(you_said, limit=300, field="you_said")
    did = clean_text(we_did, limit=3000, field="we_did")
    errors = {}
    if not said:
        errors["you_said"] = _("Say, in a line, what people told us.")
    if not did:
        errors["we_did"] = _("Say what the council changed.")
    if theme.merged_into_id is not None:
        errors["theme"] = _("That theme was merged into another; choose that one.")
    if errors:
        raise ValidationError(errors)
    change = Change(theme=theme, service=service, you_said=said, we_did=did, created_by_label=actor.label)
    change.full_clean()
    change.save()
    entries = [
        AuditEntry(
            action=AuditAction.CREATE, object_type=CHANGE_OBJECT_TYPE, object_id=str(change.pk),
            changes={"theme": [None, theme.pk], "you_said": [None, said]},
        )
    ]  # fmt: skip
    notices = []
    on_paper: dict[int, Reach] = {}
    for person_id in people_to_tell(theme) if notify else []:
        reach = person_reach(person_id)
        if reach is None:  # correspondence has stopped, or no way they accept: not told
            continue
        notices.append(ChangeNotice(change=change, person_id=person_id, route=reach.route))
        if reach.address and reach.route == "email":
            transaction.on_commit(functools.partial(_notify, reach.address, change))
        elif reach.address and reach.route == "sms":
            transaction.on_commit(functools.partial(_notify_by_text, reach.address, change))
        elif reach.route == "letter":
            on_paper[person_id] = reach
        entries.append(
            AuditEntry(
                action=AuditAction.CREATE, object_type=CHANGE_OBJECT_TYPE, object_id=str(change.pk),
                subject_person_id=person_id, changes={"notified_by": [None, reach.route.value]},
            )
        )  # fmt: skip
    ChangeNotice.objects.bulk_create(notices)
    if on_paper:  # printed with the survey letters in the next run (`tellus surveys letters`)
        notice_ids = dict(
            ChangeNotice.objects.filter(change=change, person_id__in=list(on_paper)).values_list("person_id", "id")
        )
        ChangeLetter.objects.bulk_create(
            ChangeLetter(
                notice_id=notice_ids[person_id],
                recipient=reach.recipient,
                address=reach.postal_address,
                formats=",".join(f for f in reach.formats if f in LETTER_FORMATS),
            )
            for person_id, reach in on_paper.items()
        )
    audit_events_record(actor=actor, purpose=Purpose.SERVICE_MANAGEMENT, entries=entries)
    return Published(change, len(notices))


@dataclass(frozen=True)
class PublicChange:
    you_said: str
    we_did: str
    theme: str
    service: str
    published_on: str
    voices: int


def changes_public() -> list[PublicChange]:
    """What the public page shows: each change with its theme, service and how many comments fed the theme;
    counts only, never who."""
    changes = list(Change.objects.select_related("theme", "service").order_by("-published_at", "-id")[:200])
    result = []
    for change in changes:
        voices = ThemeTag.objects.filter(theme__in=_theme_family(change.theme)).exclude(source=TextSource.CONTACT)
        result.append(
            PublicChange(
                you_said=change.you_said,
                we_did=change.we_did,
                theme=change.theme.label,
                service=change.service.name if change.service else "",
                published_on=f"{change.published_at:%-d %B %Y}",
                voices=voices.count(),
            )
        )
    return result


def changes_recent() -> QuerySet[Change]:
    return Change.objects.select_related("theme", "service").annotate(told=Count("notices")).order_by("-published_at")
