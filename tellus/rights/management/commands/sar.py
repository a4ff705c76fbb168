"""`tellus sar paper|produce|list`: subject access requests received on paper, with their due dates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tellus.people.models import Person
from tellus.privacy.models import User
from tellus.privacy.services import Actor
from tellus.rights.models import SubjectAccessRequest
from tellus.rights.services import subject_access_produce, subject_access_register


class Command(BaseCommand):
    help = (
        "Subject access requests. `paper PERSON_ID --by USER [--received DATE] --out FILE.zip` registers a request "
        "received on paper (due one month on) and writes the copy; `list` shows requests and their due dates."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        paper = sub.add_parser("paper", help="Register a request received on paper and produce its copy.")
        paper.add_argument("person_id", type=int)
        paper.add_argument("--by", required=True, help="Username of the member of staff handling it.")
        paper.add_argument("--received", type=dt.date.fromisoformat, help="The date it arrived (default today).")
        paper.add_argument("--out", type=Path, required=True, help="Where to write the zip.")
        sub.add_parser("list", help="Requests, oldest due first.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            for request in SubjectAccessRequest.objects.all():
                state = f"produced {request.produced_at:%Y-%m-%d}" if request.produced_at else "open"
                self.stdout.write(
                    f"{request.pk}\tperson {request.person_id}\t{request.channel}\treceived {request.received_on}"
                    f"\tdue {request.due_on}\t{state}"
                )
            return
        try:
            actor = Actor.for_user(User.objects.get(username=options["by"], is_active=True))
        except User.DoesNotExist as exc:
            raise CommandError(f"No active staff user {options['by']!r}.") from exc
        try:
            request = subject_access_register(
                actor=actor,
                person_id=options["person_id"],
                channel=SubjectAccessRequest.Channel.PAPER,
                received_on=options["received"],
            )
        except Person.DoesNotExist as exc:
            raise CommandError(f"No person {options['person_id']}.") from exc
        copy = subject_access_produce(actor=actor, request_id=request.pk)
        options["out"].write_bytes(copy.content)
        self.stdout.write(
            f"Request {request.pk} received {request.received_on}, due {request.due_on}. "
            f"Copy written to {options['out']} ({len(copy.content):,} bytes, sha256 {request.export_sha256[:12]}…)."
        )
