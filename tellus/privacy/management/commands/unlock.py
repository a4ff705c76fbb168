"""`tellus unlock USERNAME`: lift a staff member's sign-in lockout before the cooling-off time ends (audited)."""

from __future__ import annotations

from typing import Any

from axes.utils import reset
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from tellus.privacy.models import AuditAction, User
from tellus.privacy.services import Actor
from tellus.privacy.staff import staff_event_record


class Command(BaseCommand):
    help = "Lift the sign-in lockout of one or more staff usernames (from every address). Audited."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", nargs="+")

    def handle(self, *args: Any, **options: Any) -> None:
        for username in options["username"]:
            with transaction.atomic():
                removed = reset(username=username)
                account = User.objects.filter(username=username).first()
                staff_event_record(
                    actor=Actor.system("tellus unlock"),
                    action=AuditAction.UPDATE,
                    user=account,
                    object_id=account.pk if account is not None else "",
                    changes={"locked_out": [removed > 0, False]},
                    context={"change": "unlocked", "username": username, "failed_sign_ins_cleared": removed},
                )
            if removed:
                self.stdout.write(f"{username}: unlocked ({removed} failed sign-in records cleared).")
            else:
                self.stdout.write(f"{username}: was not locked out.")
