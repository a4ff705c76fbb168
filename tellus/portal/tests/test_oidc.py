"""A council's own OpenID Connect provider, played by a stub in this process: its token and userinfo endpoints answer
mozilla-django-oidc's HTTP calls, signing ID tokens with the client secret (HS256)."""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
from django.test import Client, override_settings

from tellus.portal.models import ResidentAccount
from tellus.portal.session import SESSION_KEY

pytestmark = pytest.mark.django_db

CLIENT_ID = "tellus-portal"
CLIENT_SECRET = "stub-provider-shared-secret-for-tests"

PROVIDER = override_settings(
    OIDC_RP_CLIENT_ID=CLIENT_ID,
    OIDC_RP_CLIENT_SECRET=CLIENT_SECRET,
    OIDC_RP_SIGN_ALGO="HS256",
    OIDC_OP_AUTHORIZATION_ENDPOINT="https://id.council.example/authorize",
    OIDC_OP_TOKEN_ENDPOINT="https://id.council.example/token",
    OIDC_OP_USER_ENDPOINT="https://id.council.example/userinfo",
    OIDC_OP_JWKS_ENDPOINT=None,
)


@dataclass
class Answer:
    """What requests would return."""

    body: dict[str, Any]
    status_code: int = 200

    def json(self) -> dict[str, Any]:
        return self.body

    @property
    def text(self) -> str:
        return json.dumps(self.body)

    @property
    def url(self) -> str:
        return "https://id.council.example/token"

    def raise_for_status(self) -> None:
        return None

    @property
    def headers(self) -> dict[str, str]:
        return {"Content-Type": "application/json"}


@dataclass
class StubProvider:
    """Issues a code for whoever the test says signed in, and checks what the relying party sends back."""

    email: str
    email_verified: bool = True
    nonce: str = ""
    code_challenge: str = ""
    token_requests: list[dict[str, Any]] = field(default_factory=list)

    def authorize(self, authorize_url: str) -> str:
        query = {k: v[0] for k, v in parse_qs(urlparse(authorize_url).query).items()}
        assert query["client_id"] == CLIENT_ID
        self.nonce = query["nonce"]
        self.code_challenge = query["code_challenge"]
        return f"{urlparse(query['redirect_uri']).path}?code=stub-code&state={query['state']}"

    def post(self, url: str, data: dict[str, Any], **kwargs: Any) -> Answer:
        self.token_requests.append(data)
        assert data["code"] == "stub-code"
        verifier_hash = hashlib.sha256(data["code_verifier"].encode()).digest()
        assert base64.urlsafe_b64encode(verifier_hash).rstrip(b"=").decode() == self.code_challenge  # PKCE
        claims = {"iss": "https://id.council.example", "aud": CLIENT_ID, "sub": "stub-1", "nonce": self.nonce}
        id_token = jwt.encode(claims, CLIENT_SECRET, algorithm="HS256")
        return Answer({"id_token": id_token, "access_token": "stub-access", "token_type": "Bearer"})

    def get(self, url: str, **kwargs: Any) -> Answer:
        return Answer({"sub": "stub-1", "email": self.email, "email_verified": self.email_verified})


def sign_in_through(provider: StubProvider, monkeypatch: pytest.MonkeyPatch) -> Client:
    monkeypatch.setattr("mozilla_django_oidc.auth.requests.post", provider.post)
    monkeypatch.setattr("mozilla_django_oidc.auth.requests.get", provider.get)
    client = Client()
    start = client.get("/my/oidc/start/")
    assert start.status_code == 302
    response = client.get(provider.authorize(start["Location"]))
    assert response.status_code == 302
    return client


@PROVIDER
def test_a_resident_signs_in_with_the_councils_provider_and_their_account_is_made_on_evidence(alice, monkeypatch):
    client = sign_in_through(StubProvider(email="alice@example.org"), monkeypatch)

    account = ResidentAccount.objects.get()
    assert account.person == alice
    assert client.session[SESSION_KEY] == account.pk
    assert "_auth_user_id" not in client.session  # never a staff session


@PROVIDER
def test_an_address_the_provider_has_not_verified_opens_nothing(alice, monkeypatch):
    client = sign_in_through(StubProvider(email="alice@example.org", email_verified=False), monkeypatch)

    assert not ResidentAccount.objects.exists()
    assert SESSION_KEY not in client.session


@PROVIDER
def test_an_address_on_no_record_opens_nothing(alice, monkeypatch):
    client = sign_in_through(StubProvider(email="stranger@example.org"), monkeypatch)

    assert not ResidentAccount.objects.exists()
    assert SESSION_KEY not in client.session


@PROVIDER
def test_a_callback_with_a_state_the_session_never_issued_is_refused(alice, monkeypatch):
    provider = StubProvider(email="alice@example.org")
    monkeypatch.setattr("mozilla_django_oidc.auth.requests.post", provider.post)
    client = Client()

    response = client.get("/my/oidc/callback/?code=stub-code&state=forged")

    assert response.status_code == 302
    assert provider.token_requests == []
    assert SESSION_KEY not in client.session


@PROVIDER
def test_an_id_token_signed_with_another_key_is_refused(alice, monkeypatch):
    provider = StubProvider(email="alice@example.org")
    original = provider.post

    def forged(url: str, data: dict[str, Any], **kwargs: Any) -> Answer:
        answer = original(url, data, **kwargs)
        claims = jwt.decode(answer.body["id_token"], CLIENT_SECRET, algorithms=["HS256"], audience=CLIENT_ID)
        answer.body["id_token"] = jwt.encode(claims, "someone-elses-secret-key-0123456789", algorithm="HS256")
        return answer

    provider.post = forged  # type: ignore[method-assign]
    client = sign_in_through(provider, monkeypatch)

    assert not ResidentAccount.objects.exists()
    assert SESSION_KEY not in client.session


@PROVIDER
def test_a_provider_that_fails_sends_the_resident_back_to_email_sign_in(alice, monkeypatch):
    provider = StubProvider(email="alice@example.org")
    provider.post = lambda url, data, **kw: Answer({"error": "server_error"}, status_code=500)  # type: ignore[method-assign]
    client = sign_in_through(provider, monkeypatch)

    assert SESSION_KEY not in client.session
    page = client.get("/my/sign-in/").content.decode()
    assert "We could not sign you in with that account" in page


def test_without_a_configured_provider_the_oidc_pages_do_not_exist():
    assert Client().get("/my/oidc/start/").status_code == 404
    assert Client().get("/my/oidc/callback/").status_code == 404
