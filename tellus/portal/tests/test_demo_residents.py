"""The demo town has residents with accounts, printed with the staff logins."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import call_command
from django.test import Client

from tellus.portal.models import ResidentAccount


@pytest.mark.django_db
def test_the_demo_makes_two_resident_accounts_and_prints_how_to_sign_in(settings, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path
    out = io.StringIO()
    call_command("demo", "--people", "300", "--no-serve", stdout=out)
    output = out.getvalue()
    password = (tmp_path / "demo" / "credentials.txt").read_text().splitlines()[0].removeprefix("password=")

    with_email = ResidentAccount.objects.get(tied_by=ResidentAccount.TiedBy.EMAIL_ON_RECORD)
    without = ResidentAccount.objects.get(tied_by=ResidentAccount.TiedBy.INVITATION)
    assert with_email.person.source_records.filter(email__iexact=with_email.email).exists()
    assert not without.person.source_records.exclude(email="").exists()
    assert "/my/" in output
    assert with_email.email in output
    assert without.reference in output
    for account in (with_email, without):
        assert check_password(password, account.password)
        client = Client()
        identifier = account.email or account.reference
        response = client.post("/my/sign-in/password/", {"identifier": identifier, "password": password})
        assert response.status_code == 302, identifier
        assert client.get("/my/record/").status_code == 200
