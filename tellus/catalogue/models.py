from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tellus.capacities.models import Capacity


class Publicness(models.IntegerChoices):
    """Mark Moore's degrees of publicness, from value an individual seeks for themselves to value the community
    seeks collectively (seed 000). Used for the value sought and for each of the three dimensions."""

    PRIVATE = 1, _("Private value")
    MOSTLY_PRIVATE = 2, _("Mostly private")
    MIXED = 3, _("Mixed private and public")
    MOSTLY_PUBLIC = 4, _("Mostly public")
    PUBLIC = 5, _("Public value")


class Service(models.Model):
    """Something the council does for or to people: empty the bins, lend books, register a dog, fine a driver.

    Described in the customer's terms (its purpose and what matters to them), placed on Moore's scale of
    publicness, with how it is paid for, whether it uses the state's authority, who may use it, what one unit
    costs, who runs it, and how Open311 clients (FixMyStreet) may report problems about it."""

    class FundingModel(models.TextChoices):
        FEE = "fee", _("Fee at the point of use")
        RATES_OR_TAX = "rates_or_tax", _("Rates- or tax-funded")
        GRANT = "grant", _("Grant-funded")
        MIXED = "mixed", _("Mixed")

    class StateAuthority(models.TextChoices):
        NONE = "none", _("None")
        LICENCE = "licence", _("Licence or permission")
        ENFORCEMENT = "enforcement", _("Enforcement")

    class Open311Type(models.TextChoices):
        REALTIME = "realtime", _("Realtime: a request is created at once")
        BATCH = "batch", _("Batch: a token is given and the request created later")
        BLACKBOX = "blackbox", _("Blackbox: no request id is given back")

    code = models.SlugField(max_length=60, unique=True, help_text=_("Stable code, also the Open311 service_code."))
    name = models.CharField(max_length=200)
    group = models.CharField(max_length=100, help_text=_("The family of services, e.g. Waste, Roads, Libraries."))
    description = models.TextField()
    purpose = models.TextField(help_text=_("What the service is for, in the words of the people who use it."))
    what_matters = models.JSONField(default=list, blank=True, help_text=_("What matters to them, one item each."))
    value_publicness = models.PositiveSmallIntegerField(
        choices=Publicness.choices, help_text=_("Where the value sought sits, from private to public.")
    )
    funding_publicness = models.PositiveSmallIntegerField(choices=Publicness.choices)
    ownership_publicness = models.PositiveSmallIntegerField(choices=Publicness.choices)
    political_control_publicness = models.PositiveSmallIntegerField(choices=Publicness.choices)
    funding_model = models.CharField(max_length=20, choices=FundingModel.choices)
    state_authority = models.CharField(max_length=20, choices=StateAuthority.choices, default=StateAuthority.NONE)
    eligible_capacities = models.JSONField(
        default=list, blank=True, help_text=_("The capacities in which people may use the service.")
    )
    unit_cost = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    unit = models.CharField(max_length=100, blank=True, help_text=_("What one unit is: a collection, a loan, a visit."))
    responsible_team = models.CharField(max_length=200)
    standard_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text=_(
            "The service standard: within how many days of the first contact a need should be met. A need's due "
            "date is taken from it when the need is opened; empty means no standard, so no due date."
        ),
    )
    open311_type = models.CharField(max_length=10, choices=Open311Type.choices, default=Open311Type.REALTIME)
    open311_keywords = models.JSONField(default=list, blank=True)
    open311_group = models.CharField(max_length=100, blank=True)
    open311_enabled = models.BooleanField(default=False, help_text=_("Whether Open311 clients may report it."))
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["group", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(value_publicness__gte=1, value_publicness__lte=5)
                & Q(funding_publicness__gte=1, funding_publicness__lte=5)
                & Q(ownership_publicness__gte=1, ownership_publicness__lte=5)
                & Q(political_control_publicness__gte=1, political_control_publicness__lte=5),
                name="service_publicness_on_five_point_scale",
            ),
            models.CheckConstraint(
                condition=Q(unit_cost__isnull=True) | Q(unit_cost__gte=0), name="service_unit_cost_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(funding_model__in=["fee", "rates_or_tax", "grant", "mixed"]),
                name="service_known_funding_model",
            ),
            models.CheckConstraint(
                condition=Q(state_authority__in=["none", "licence", "enforcement"]),
                name="service_known_state_authority",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        unknown = [c for c in self.eligible_capacities or [] if c not in Capacity.values]
        if unknown:
            raise ValidationError({"eligible_capacities": _("Not capacities: %(c)s") % {"c": ", ".join(unknown)}})
        if not all(isinstance(item, str) and item.strip() for item in self.what_matters or []):
            raise ValidationError({"what_matters": _("Each item of what matters is a sentence.")})

    @property
    def open311_metadata(self) -> bool:
        """Open311's `metadata`: whether the service has attributes a client must ask for."""
        return any(True for _ in self.attributes.all())

    def eligible_capacity_labels(self) -> list[str]:
        return [str(Capacity(c).label) for c in self.eligible_capacities if c in Capacity.values]


class ServiceAttribute(models.Model):
    """One extra question a report about the service asks (Open311 service definition attribute): the kind of
    bin, the tree's location, how many bags."""

    class Datatype(models.TextChoices):
        STRING = "string", _("String")
        NUMBER = "number", _("Number")
        DATETIME = "datetime", _("Date and time")
        TEXT = "text", _("Text")
        SINGLEVALUELIST = "singlevaluelist", _("Choose one")
        MULTIVALUELIST = "multivaluelist", _("Choose any")

    LIST_TYPES = (Datatype.SINGLEVALUELIST, Datatype.MULTIVALUELIST)

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="attributes")
    code = models.SlugField(max_length=60)
    variable = models.BooleanField(default=True, help_text=_("False for text shown to the user, not asked."))
    datatype = models.CharField(max_length=20, choices=Datatype.choices)
    required = models.BooleanField(default=False)
    order = models.PositiveIntegerField()
    description = models.CharField(max_length=500, help_text=_("The question as the user reads it."))
    datatype_description = models.CharField(max_length=300, blank=True)
    values = models.JSONField(default=list, blank=True, help_text=_('For lists: [{"key": …, "name": …}, …].'))

    class Meta:
        ordering = ["service", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["service", "code"], name="service_attribute_unique_code"),
            models.UniqueConstraint(fields=["service", "order"], name="service_attribute_unique_order"),
            models.CheckConstraint(
                condition=Q(datatype__in=["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"]),
                name="service_attribute_known_type",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service.code}:{self.code}"

    def clean(self) -> None:
        values: Any = self.values or []
        is_list = self.datatype in self.LIST_TYPES
        if is_list and not values:
            raise ValidationError({"values": _("A list attribute needs values to choose from.")})
        if not is_list and values:
            raise ValidationError({"values": _("Only list attributes have values.")})
        if not all(isinstance(v, dict) and v.get("key") and v.get("name") for v in values):
            raise ValidationError({"values": _("Each value has a key and a name.")})


class CustomerGroup(models.Model):
    """A named group on a service's customer list (seed 003): its direct customers who consume it, the
    stakeholders who affect or are affected by it, and the beneficiaries who gain without consuming it.

    A segment rule, when given, picks the actual people in the group from their capacities: "ratepayers in
    ward North", "residents", "people who used the library in the last year"."""

    class Kind(models.TextChoices):
        DIRECT_CUSTOMER = "direct_customer", _("Direct customers")
        STAKEHOLDER = "stakeholder", _("Stakeholders")
        BENEFICIARY = "beneficiary", _("Beneficiaries")

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="customer_groups")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    internal = models.BooleanField(default=False, help_text=_("A team or service inside the council."))
    segment_capacity = models.CharField(max_length=20, choices=Capacity.choices, blank=True)
    segment_ward = models.CharField(max_length=100, blank=True)
    segment_service = models.CharField(
        max_length=60, blank=True, help_text=_("People who used this service (by code) in the last 12 months.")
    )
    order = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["service", "kind", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["service", "kind", "name"], name="customer_group_unique_name"),
            models.CheckConstraint(
                condition=Q(kind__in=["direct_customer", "stakeholder", "beneficiary"]),
                name="customer_group_known_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service.code}: {self.name}"

    @property
    def has_segment(self) -> bool:
        return bool(self.segment_capacity or self.segment_ward or self.segment_service)

    def segment_description(self) -> str:
        parts = []
        if self.segment_capacity:
            parts.append(str(_("current %(capacity)s") % {"capacity": Capacity(self.segment_capacity).label}))
        if self.segment_service:
            parts.append(str(_("used %(service)s in the last 12 months") % {"service": self.segment_service}))
        if self.segment_ward:
            parts.append(str(_("in ward %(ward)s") % {"ward": self.segment_ward}))
        return ", ".join(parts)


class CommunityConsideration(models.Model):
    """A broader community need that may conflict with what one person asks of a service: the street-tree
    policy when someone wants a healthy tree felled, quiet hours when someone wants a late hall booking.
    Staff see these while dealing with the service, to help the person see the other points of view.

    Hook for the Demand work: a contact will record "request modified after discussion" by pointing at the
    consideration discussed and saying what changed (a foreign key from Contact to this model)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="community_considerations")
    title = models.CharField(max_length=200)
    text = models.TextField()
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["service", "order", "title"]
        constraints = [
            models.UniqueConstraint(fields=["service", "title"], name="community_consideration_unique_title")
        ]

    def __str__(self) -> str:
        return f"{self.service.code}: {self.title}"


class SimonsQuestion(models.TextChoices):
    """Robert Simons' questions for building a customer list (seed 003), in the order a team answers them."""

    SERVICES = "services", _("What services do you provide, by function and by touchpoint?")
    VALUE = "value", _("What is the value of the interaction, in numbers or in words?")
    MISSION = "mission", _("Who does your mission statement say that you serve?")
    STAFF = "staff", _("Who do your employees and colleagues think that you serve?")
    OUTSIDERS = "outsiders", _("Who do people outside the council think you serve?")
    AFFECTED = "affected", _("Which individuals and groups do you directly affect through regular interactions?")
    BEHAVIOURS = "behaviours", _("What behaviours are you able to affect or drive?")
    INFLUENCERS = "influencers", _("Which individuals and groups influence the way you provide the service?")
    BENEFICIARIES = "beneficiaries", _("Who does not directly consume your service, but benefits from it?")


class CustomerListWorksheet(models.Model):
    """A team's answers to Simons' questions for one service, kept so the customer list can be revisited."""

    service = models.OneToOneField(Service, on_delete=models.CASCADE, related_name="worksheet")
    answers = models.JSONField(default=dict, blank=True, help_text=_("{question: answer}."))
    completed_at = models.DateTimeField(null=True, blank=True)
    updated_by_label = models.CharField(max_length=150, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Customer list worksheet for {self.service.code}"

    def answer(self, question: str) -> str:
        return str((self.answers or {}).get(question, ""))


class RightsAndResponsibilities(models.Model):
    """What a person may expect and what is expected of them when the council deals with them in a capacity,
    generally or for one service. Staff read it as "Dealing with them as a ratepayer: they may …; they must …"."""

    capacity = models.CharField(max_length=20, choices=Capacity.choices)
    service = models.ForeignKey(
        Service,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="rights_and_responsibilities",
        help_text=_("Empty for the text that applies to the capacity whatever the service."),
    )
    may = models.JSONField(default=list, blank=True, help_text=_("What they may do or expect, one item each."))
    must = models.JSONField(default=list, blank=True, help_text=_("What they must do, one item each."))
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "capacities_rightsandresponsibilities"  # the table it has had since it was made in capacities
        verbose_name = _("rights and responsibilities")
        verbose_name_plural = _("rights and responsibilities")
        ordering = ["capacity", "service__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["capacity"], condition=Q(service__isnull=True), name="rights_one_general_text_per_capacity"
            ),
            models.UniqueConstraint(
                fields=["capacity", "service"],
                condition=Q(service__isnull=False),
                name="rights_one_text_per_capacity_and_service",
            ),
            models.CheckConstraint(condition=Q(capacity__in=Capacity.values), name="rights_known_capacity"),
        ]

    def __str__(self) -> str:
        return f"{self.capacity} {self.service.code if self.service else '(general)'}"
