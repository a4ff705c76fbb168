"""API keys for Open311 clients: made once and shown once, kept only as a SHA-256 hash, checked in constant
time, revocable, and rate limited per key with a fixed-window counter in the database."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from tellus.privacy.models import AuditAction, Purpose
from tellus.privacy.services import Actor, audit_event_record

from .errors import Open311Error
from .models import ApiClient, RateWindow

KEY_PREFIX = "o311_"
RATE_WINDOW = dt.timedelta(minutes=1)
CLIENT_OBJECT_TYPE = "open311.apiclient"


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@transaction.atomic
def api_client_create(*, name: str, actor: Actor, rate_limit_per_minute: int = 120) -> tuple[ApiClient, str]:
    """A new client and its key. The key is returned once and never stored: only its hash is."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)  # 256 bits of randomness
    client = ApiClient(name=name, key_hash=key_hash(key), rate_limit_per_minute=rate_limit_per_minute)
    client.full_clean()
    client.save()
    audit_event_record(
        actor=actor,
        purpose=Purpose.ADMINISTRATION,
        action=AuditAction.CREATE,
        object_type=CLIENT_OBJECT_TYPE,
        object_id=client.pk,
        changes={"name": [None, name], "rate_limit_per_minute": [None, rate_limit_per_minute]},
    )
    return client, key


@transaction.atomic
def api_client_revoke(*, name: str, actor: Actor) -> ApiClient:
    client = ApiClient.objects.select_for_update().filter(name=name).first()
    if client is None:
        raise ValidationError(_("No Open311 client is called “%(name)s”.") % {"name": name})
    if client.revoked_at is not None:
        raise ValidationError(_("The key of “%(name)s” was already revoked.") % {"name": name})
    client.revoked_at = timezone.now()
    client.save(update_fields=["revoked_at"])
    audit_event_record(
        actor=actor,
        purpose=Purpose.ADMINISTRATION,
        action=AuditAction.UPDATE,
        object_type=CLIENT_OBJECT_TYPE,
        object_id=client.pk,
        changes={"revoked_at": [None, client.revoked_at.isoformat()]},
    )
    return client


def api_client_authenticate(key: str) -> ApiClient:
    """The active client holding `key`. Raises Open311Error(403) for a missing, unknown or revoked key.

    The lookup is by hash (a unique index); the final comparison is constant-time so response times do not
    say how much of a hash matched."""
    if not key:
        raise Open311Error(403, _("An api_key is required."))
    digest = key_hash(key)
    client = ApiClient.objects.filter(key_hash=digest).first()
    if client is None or not hmac.compare_digest(client.key_hash, digest) or client.revoked_at is not None:
        raise Open311Error(403, _("Invalid api_key received: can't proceed."))
    return client


def rate_limit_hit(client: ApiClient, *, now: dt.datetime | None = None) -> int:
    """Count one request in the client's current one-minute window; raise Open311Error(429) past its limit.

    Runs in its own short transaction (committed even when the request then fails), so refused and failed
    requests count too. Works the same on SQLite and PostgreSQL: an UPDATE … SET count = count + 1, or an
    INSERT when the window is new (a concurrent INSERT losing the race retries the UPDATE)."""
    at = now or timezone.now()
    start = at.replace(second=0, microsecond=0)
    with transaction.atomic():
        updated = RateWindow.objects.filter(client=client, window_start=start).update(count=F("count") + 1)
        if not updated:
            try:
                with transaction.atomic():
                    RateWindow.objects.create(client=client, window_start=start, count=1)
            except IntegrityError:
                RateWindow.objects.filter(client=client, window_start=start).update(count=F("count") + 1)
        count = RateWindow.objects.filter(client=client, window_start=start).values_list("count", flat=True).get()
        # Old windows are kept for an hour for diagnosis, then dropped as the client's next minute begins.
        if count == 1:
            RateWindow.objects.filter(client=client, window_start__lt=start - dt.timedelta(hours=1)).delete()
            ApiClient.objects.filter(pk=client.pk).update(last_used_at=at)
    if count > client.rate_limit_per_minute:
        retry = int((start + RATE_WINDOW - at).total_seconds()) + 1
        raise Open311Error(
            429,
            _("Rate limit exceeded: %(limit)s requests a minute for this api_key. Try again in %(s)s seconds.")
            % {"limit": client.rate_limit_per_minute, "s": retry},
            headers={"Retry-After": str(retry)},
        )
    return count
