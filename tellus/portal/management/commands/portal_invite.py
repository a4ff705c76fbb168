"""`tellus portal-invite PERSON_ID --by USERNAME`: an invitation code for a resident the council holds no email for."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tellus.people.models import Person
from tellus.portal.services import invitation_issue
from tellus.privacy.models import Purpose, User
from tellus.privacy.services import Actor


class Command(BaseCommand):
    help = (
        "Issue a one-time invitation code that opens a resident's account at /my/, after a member of staff has "
        "checked who they are. The code is printed once; Tellus keeps only its digest. Audited against the person."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("person_id", type=int)
        parser.add_argument("--by", required=True, help="The username of the member of staff who checked identity.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = User.objects.get(username=options["by"], is_active=True)
        except User.DoesNotExist as exc:
            raise CommandError(f"No active staff user {options['by']!r}.") from exc
        try:
            issued = invitation_issue(
                actor=Actor.for_user(user), purpose=Purpose.ENQUIRY, person_id=options["person_id"]
            )
        except Person.DoesNotExist as exc:
            raise CommandError(f"No person {options['person_id']}.") from exc
        expires = issued.invitation.expires_at
        self.stdout.write(f"Invitation code for {issued.invitation.person.display_name}, shown only this once:")
        self.stdout.write(issued.code)
        self.stdout.write(f"It works once, until {expires:%Y-%m-%d}, at /my/invitation/.")
