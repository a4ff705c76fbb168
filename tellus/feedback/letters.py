"""The print run for the mailroom: every survey letter not yet printed, with the single-use link and its short
code, and every "you said, we did" letter for someone reached on paper, one to a page. Printing is one
transaction: the file is written, then each letter's code, recipient and address are wiped and its printing time
kept, so a code lives only until it is on paper; if writing fails, nothing is marked and the next run prints them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tellus.privacy.models import AuditAction, Purpose
from tellus.privacy.services import Actor, AuditEntry, audit_events_record

from .models import ChangeLetter, SurveyLetter
from .surveys import code_display, survey_url

LETTER_OBJECT_TYPE = "feedback.surveyletter"
CHANGE_LETTER_OBJECT_TYPE = "feedback.changeletter"
MADE_AS = {"braille": _("Braille"), "audio": _("audio"), "easy_read": _("easy read")}


@dataclass(frozen=True)
class PrintedLetter:
    recipient: str
    address_lines: list[str]
    url: str
    entry_url: str
    code: str
    service: str
    large_print: bool = False
    # Made elsewhere before it is sent: the person's adjustments ask for Braille, audio or easy read.
    made_as: tuple[str, ...] = ()
    # A "you said, we did" letter (no survey, no code) when these are set.
    you_said: str = ""
    we_did: str = ""


@dataclass(frozen=True)
class PrintRun:
    letters: int
    to_post: int
    to_hand_over: int
    path: Path | None


def letters_pending() -> int:
    return (
        SurveyLetter.objects.filter(printed_at__isnull=True).count()
        + ChangeLetter.objects.filter(printed_at__isnull=True).count()
    )


def _address_lines(address: str) -> list[str]:
    return [line.strip() for line in address.replace("\n", ",").split(",") if line.strip()]


def _formats(formats: str) -> dict[str, Any]:
    kinds = formats.split(",")
    return {"large_print": "large_print" in kinds, "made_as": tuple(str(MADE_AS[f]) for f in kinds if f in MADE_AS)}


def _change_letters(rows: list[ChangeLetter]) -> list[PrintedLetter]:
    return [
        PrintedLetter(
            recipient=row.recipient,
            address_lines=_address_lines(row.address),
            url="",
            entry_url="",
            code="",
            service=row.notice.change.service.name if row.notice.change.service is not None else "",
            you_said=row.notice.change.you_said,
            we_did=row.notice.change.we_did,
            **_formats(row.formats),
        )
        for row in rows
    ]


def _letters(rows: list[SurveyLetter]) -> list[PrintedLetter]:
    entry = f"{settings.TELLUS_PUBLIC_URL}{reverse('feedback:survey_code')}"
    return [
        PrintedLetter(
            recipient=row.recipient,
            address_lines=_address_lines(row.address),
            url=survey_url(row.code),
            entry_url=entry,
            code=code_display(row.code),
            service=row.invitation.service.name if row.invitation.service is not None else "",
            **_formats(row.formats),
        )
        for row in rows
    ]


def letters_html(letters: list[PrintedLetter]) -> str:
    return render_to_string(
        "feedback/survey_letters.html",
        {"letters": letters, "posted": [x for x in letters if x.address_lines], "date": timezone.localdate()},
    )


def letters_print(*, actor: Actor, path: Path, pdf: bool = True) -> PrintRun:
    """Write every unprinted survey letter to `path` (PDF with WeasyPrint, or the HTML with its print stylesheet)
    and mark them printed. Returns what was printed; with none pending, writes nothing."""
    with transaction.atomic():
        rows = list(
            SurveyLetter.objects.select_for_update(of=("self",))
            .filter(printed_at__isnull=True)
            .select_related("invitation__service")
            .order_by("id")
        )
        answered = [row.pk for row in rows if row.invitation.responded_at is not None]
        if answered:  # answered in the portal before the print run: no letter needed
            SurveyLetter.objects.filter(pk__in=answered).delete()
            rows = [row for row in rows if row.pk not in answered]
        change_rows = list(
            ChangeLetter.objects.select_for_update(of=("self",))
            .filter(printed_at__isnull=True)
            .select_related("notice__change__service")
            .order_by("id")
        )
        if not rows and not change_rows:
            return PrintRun(0, 0, 0, None)
        letters = _letters(rows) + _change_letters(change_rows)
        html = letters_html(letters)
        path.parent.mkdir(parents=True, exist_ok=True)
        if pdf:
            from weasyprint import HTML  # slow to import; only the print run needs it

            HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(path)
        else:
            path.write_text(html, encoding="utf-8")
        now = timezone.now()
        SurveyLetter.objects.filter(pk__in=[row.pk for row in rows]).update(
            printed_at=now, code="", recipient="", address="", formats=""
        )
        ChangeLetter.objects.filter(pk__in=[row.pk for row in change_rows]).update(
            printed_at=now, recipient="", address="", formats=""
        )
        audit_events_record(
            actor=actor,
            purpose=Purpose.SERVICE_MANAGEMENT,
            entries=[_printed(LETTER_OBJECT_TYPE, row.pk, row.invitation.person_id, path) for row in rows]
            + [_printed(CHANGE_LETTER_OBJECT_TYPE, row.pk, row.notice.person_id, path) for row in change_rows],
        )
    posted = sum(1 for letter in letters if letter.address_lines)
    return PrintRun(len(letters), posted, len(letters) - posted, path)


def _printed(object_type: str, pk: int, person_id: int | None, path: Path) -> AuditEntry:
    return AuditEntry(
        action=AuditAction.UPDATE,
        object_type=object_type,
        object_id=str(pk),
        subject_person_id=person_id,
        changes={"printed": [None, path.name]},
    )
