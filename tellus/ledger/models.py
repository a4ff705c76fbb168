"""What each household contributes to the council and what it receives from it, line by line, for a financial year.

Every amount is an exact decimal (DecimalField, never a float), and every line names where it came from: the import
file and row, the source record that identified the payer, or the need that was met."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tellus.catalogue.models import Service
from tellus.demand.models import Need
from tellus.people.models import Household, Person, Property, SourceRecord

# The object types audit entries name ledger rows and statements by.
LEDGER_IMPORT_OBJECT_TYPE = "ledger.ledgerimport"
STATEMENT_OBJECT_TYPE = "ledger.statement"
FINANCIAL_YEAR_OBJECT_TYPE = "ledger.financialyear"


class FinancialYear(models.Model):
    """The council's financial year, the period every statement and every line belongs to (1 July to 30 June for a
    council whose year starts in July)."""

    label = models.CharField(max_length=20, unique=True, help_text=_("As people say it, e.g. 2025/26."))
    starts_on = models.DateField()
    ends_on = models.DateField(help_text=_("The last day of the year, inclusive."))

    class Meta:
        ordering = ["-starts_on"]
        permissions = [
            ("view_statement", "Can read a person's or household's give-and-take statement"),
            ("view_distribution", "Can see give-and-take distributions (aggregates only)"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gt=F("starts_on")), name="financial_year_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.label

    def contains(self, day: object) -> bool:
        return self.starts_on <= day <= self.ends_on  # type: ignore[operator]

    @property
    def slug(self) -> str:
        return self.label.replace("/", "-")


class LedgerImport(models.Model):
    """One file of contributions or of services used, loaded whole with `tellus ledger import`, or the needs met in a
    year taken from demand. A file with any bad row is refused whole and leaves no lines behind."""

    class Kind(models.TextChoices):
        CONTRIBUTIONS = "contributions", _("Contributions")
        USE = "use", _("Services used")
        NEEDS = "needs", _("Needs met (from demand)")

    year = models.ForeignKey(FinancialYear, on_delete=models.PROTECT, related_name="imports")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    file_name = models.CharField(max_length=500)
    file_sha256 = models.CharField(max_length=64, blank=True)
    mapping = models.TextField(blank=True, help_text=_("The column mapping the file was read with."))
    rows_read = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    actor_label = models.CharField(max_length=150)
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-imported_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["contributions", "use", "needs"]), name="ledger_import_known_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.file_name}"


class ContributionKind(models.TextChoices):
    GENERAL_RATES = "general_rates", _("General rates")
    SERVICE_CHARGE = "service_charge", _("Service charge")
    FEE = "fee", _("Fee at the point of use")
    FINE = "fine", _("Fine or penalty")


class Contribution(models.Model):
    """Money paid to the council: the general rates on a property, a waste or other service charge, a fee at the
    point of use, a fine. Paid by a person, a household or an organisation, on a date, from one row of an import."""

    year = models.ForeignKey(FinancialYear, on_delete=models.PROTECT, related_name="contributions")
    kind = models.CharField(max_length=20, choices=ContributionKind.choices)
    description = models.CharField(max_length=200)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    paid_on = models.DateField()
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    property = models.ForeignKey(
        Property, null=True, blank=True, on_delete=models.PROTECT, related_name="+", help_text=_("The rated property.")
    )
    payer_person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    payer_household = models.ForeignKey(Household, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    payer_organisation = models.ForeignKey(
        SourceRecord,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("An organisation's own record: organisations never become people."),
    )
    payer_record = models.ForeignKey(
        SourceRecord,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The account record the import named the payer by, when it named one."),
    )
    import_run = models.ForeignKey(LedgerImport, on_delete=models.PROTECT, related_name="contributions")
    row_number = models.PositiveIntegerField()
    source_reference = models.CharField(max_length=200, help_text=_("The line's own reference in the file."))

    class Meta:
        ordering = ["paid_on", "id"]
        indexes = [
            models.Index(fields=["year", "payer_person"]),
            models.Index(fields=["year", "payer_household"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["year", "source_reference"], name="contribution_unique_reference"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="contribution_amount_positive"),
            models.CheckConstraint(
                condition=Q(kind__in=["general_rates", "service_charge", "fee", "fine"]),
                name="contribution_known_kind",
            ),
            models.CheckConstraint(
                condition=(
                    Q(payer_person__isnull=False, payer_household__isnull=True, payer_organisation__isnull=True)
                    | Q(payer_person__isnull=True, payer_household__isnull=False, payer_organisation__isnull=True)
                    | Q(payer_person__isnull=True, payer_household__isnull=True, payer_organisation__isnull=False)
                ),
                name="contribution_exactly_one_payer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.description} {self.amount} on {self.paid_on}"


class ServiceUse(models.Model):
    """A service received directly: a need met, library loans, pool visits, bin collections, hours of care. The
    amount is the quantity times the service's unit cost from the catalogue, copied when the line was recorded so
    that a later change of cost does not rewrite a past year."""

    year = models.ForeignKey(FinancialYear, on_delete=models.PROTECT, related_name="uses")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    used_on = models.DateField()
    quantity = models.DecimalField(max_digits=10, decimal_places=2)
    unit_cost = models.DecimalField(max_digits=12, decimal_places=2)
    amount = models.DecimalField(max_digits=14, decimal_places=2, help_text=_("quantity × unit_cost, to the penny."))  # noqa: RUF001
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(Household, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    need = models.ForeignKey(Need, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    user_record = models.ForeignKey(
        SourceRecord,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The account record the import named the user by, when it named one."),
    )
    import_run = models.ForeignKey(LedgerImport, on_delete=models.PROTECT, related_name="uses")
    row_number = models.PositiveIntegerField(default=0)
    source_reference = models.CharField(max_length=200)

    class Meta:
        ordering = ["used_on", "id"]
        indexes = [
            models.Index(fields=["year", "person"]),
            models.Index(fields=["year", "household"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["year", "source_reference"], name="service_use_unique_reference"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="service_use_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_cost__gte=0), name="service_use_unit_cost_not_negative"),
            models.CheckConstraint(
                condition=Q(person__isnull=False, household__isnull=True)
                | Q(person__isnull=True, household__isnull=False),
                name="service_use_exactly_one_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service} × {self.quantity} on {self.used_on}"  # noqa: RUF001
