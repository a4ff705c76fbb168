"""`tellus two-factor-reset USERNAME`: remove a staff member's two-factor devices when they lost them (audited).

On the server only, so that an administrator in the web interface cannot take over a privacy officer's account
by resetting both password and second factor. The person sets up two-factor again at their next sign-in."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tellus.privacy.models import User
from tellus.privacy.two_factor import two_factor_reset


class Command(BaseCommand):
    help = "Remove a staff member's authenticator app and recovery codes, so they set them up again. Audited."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"There is no staff account called {options['username']!r}.")
        removed = two_factor_reset(user=user, by="tellus two-factor-reset")
        self.stdout.write(
            f"{user.get_username()}: two-factor reset ({removed} devices removed); set up again at next sign-in."
        )
