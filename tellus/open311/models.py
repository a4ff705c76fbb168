"""Open311 clients, the reports they send and the updates they exchange."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiClient(models.Model):
    """An outside system allowed to send reports to the council through Open311, such as a FixMyStreet
    installation or a council's own app. It proves who it is with a key that only it holds: Tellus keeps the
    key's SHA-256 hash, never the key."""

    name = models.SlugField(max_length=60, unique=True, help_text=_("Short name used on the command line."))
    key_hash = models.CharField(max_length=64, unique=True, help_text=_("SHA-256 of the key, in hex."))
    rate_limit_per_minute = models.PositiveIntegerField(
        default=120, help_text=_("Requests with this key allowed in one minute before it is refused with 429.")
    )
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("Open311 API client")
        constraints = [
            models.CheckConstraint(condition=Q(rate_limit_per_minute__gte=1), name="open311_client_positive_limit"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def key_hash_prefix(self) -> str:
        return self.key_hash[:12]


class RateWindow(models.Model):
    """How many requests a client made in one fixed window of time: the counter its rate limit reads."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="rate_windows")
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "window_start"], name="open311_rate_window_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.client_id} {self.window_start:%Y-%m-%d %H:%M}: {self.count}"


class ServiceRequest(models.Model):
    """A report made through Open311, such as a pothole reported on FixMyStreet. Its id is the
    service_request_id the client is given; the person's words and the need they express live on the contact
    and the need it opened, where staff work on them."""

    client = models.ForeignKey(ApiClient, on_delete=models.PROTECT, related_name="requests")
    service = models.ForeignKey("catalogue.Service", on_delete=models.PROTECT, related_name="open311_requests")
    need = models.OneToOneField(
        "demand.Need", null=True, blank=True, on_delete=models.PROTECT, related_name="open311_request"
    )
    contact = models.OneToOneField(
        "demand.Contact", null=True, blank=True, on_delete=models.PROTECT, related_name="open311_request"
    )
    token = models.CharField(max_length=40, null=True, blank=True, unique=True)
    requested_datetime = models.DateTimeField(default=timezone.now)
    lat = models.FloatField(null=True, blank=True)
    long = models.FloatField(null=True, blank=True)
    address_string = models.CharField(max_length=500, blank=True)
    address_id = models.CharField(max_length=100, blank=True)
    media_url = models.URLField(
        max_length=2000, blank=True, help_text=_("The first media_url: the one GeoReport v2 has.")
    )
    media_urls = models.JSONField(
        default=list, blank=True, help_text=_("Every media_url the client sent, in order (FixMyStreet sends several).")
    )
    attributes = models.JSONField(default=dict, blank=True, help_text=_("{code: value or [values]}."))
    extra_attributes = models.JSONField(
        default=dict, blank=True, help_text=_("Attributes the client sent that the service does not define.")
    )
    client_fields = models.JSONField(
        default=dict,
        blank=True,
        help_text=_("FixMyStreet's own fields beyond GeoReport v2, such as service_request_id_ext and report_url."),
    )
    reporter_email_hash = models.CharField(
        max_length=64, blank=True, help_text=_("SHA-256 of the reporter's normalised email, to recognise updates.")
    )

    class Meta:
        ordering = ["-requested_datetime", "-id"]
        indexes = [
            models.Index(fields=["requested_datetime"], name="open311_request_requested_idx"),
            models.Index(fields=["service", "requested_datetime"], name="open311_request_service_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(lat__isnull=True, long__isnull=True)
                | Q(lat__gte=-90, lat__lte=90, long__gte=-180, long__lte=180),
                name="open311_request_lat_long_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Open311 request {self.pk}"

    @property
    def service_request_id(self) -> str:
        return str(self.pk)


class ServiceRequestUpdate(models.Model):
    """An update a client sent about one of its requests (mySociety's servicerequestupdates extension): the
    reporter adding a comment on FixMyStreet, or saying the problem is fixed."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.PROTECT, related_name="updates")
    client = models.ForeignKey(ApiClient, on_delete=models.PROTECT, related_name="updates")
    external_id = models.CharField(max_length=60, help_text=_("The update_id the client gave it."))
    status = models.CharField(max_length=40)
    description = models.TextField(blank=True)
    updated_datetime = models.DateTimeField()
    media_url = models.URLField(max_length=2000, blank=True, help_text=_("The first media_url."))
    media_urls = models.JSONField(default=list, blank=True, help_text=_("Every media_url the client sent, in order."))
    client_fields = models.JSONField(
        default=dict, blank=True, help_text=_("FixMyStreet's own fields, such as update_id_ext and title.")
    )
    contact = models.OneToOneField(
        "demand.Contact", null=True, blank=True, on_delete=models.PROTECT, related_name="open311_update"
    )
    need_event = models.OneToOneField(
        "demand.NeedEvent", null=True, blank=True, on_delete=models.SET_NULL, related_name="open311_update"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["updated_datetime", "id"]
        constraints = [
            models.UniqueConstraint(fields=["client", "external_id"], name="open311_update_unique_external_id"),
        ]

    def __str__(self) -> str:
        return f"Open311 update {self.external_id} on request {self.request_id}"
