"""Inclusion: what a person needs from the council to be served as well as anyone else, the adjustments that
follows from it, and how to reach someone who may have no address. Representatives themselves live in `people`
(Tell us once shares them); this app records everything around them."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# How audit entries name these rows (AuditEvent.object_type).
SUPPORT_NEED_OBJECT_TYPE = "inclusion.supportneed"
ADJUSTMENT_OBJECT_TYPE = "inclusion.adjustment"
ROUTE_OBJECT_TYPE = "inclusion.correspondenceroute"
LOCAL_CONNECTION_OBJECT_TYPE = "inclusion.localconnection"
JOINED_UP_OBJECT_TYPE = "inclusion.joinedupsupport"


class Driver(models.TextChoices):
    """The four drivers of vulnerability in the FCA's guidance FG21/1."""

    HEALTH = "health", _("Health")
    LIFE_EVENTS = "life_events", _("Life events")
    RESILIENCE = "resilience", _("Resilience")
    CAPABILITY = "capability", _("Capability")


class SpecificNeed(models.TextChoices):
    # Health
    VISUAL_IMPAIRMENT = "visual_impairment", _("Visual impairment")
    HEARING_IMPAIRMENT = "hearing_impairment", _("Hearing impairment")
    PHYSICAL_DISABILITY = "physical_disability", _("Physical disability")
    MENTAL_HEALTH = "mental_health", _("Mental health condition")
    DEMENTIA = "dementia", _("Dementia or cognitive impairment")
    LONG_TERM_ILLNESS = "long_term_illness", _("Long-term or serious illness")
    # Life events
    BEREAVEMENT = "bereavement", _("Bereavement")
    CARING = "caring", _("Caring responsibilities")
    CARE_LEAVER = "care_leaver", _("Care leaver")
    PRISON_LEAVER = "prison_leaver", _("Prison leaver")
    DOMESTIC_ABUSE = "domestic_abuse", _("Domestic abuse")
    NO_FIXED_ADDRESS = "no_fixed_address", _("No fixed address")
    # Resilience
    LOW_INCOME = "low_income", _("Low or unstable income")
    PROBLEM_DEBT = "problem_debt", _("Problem debt")
    LOW_EMOTIONAL_RESILIENCE = "low_emotional_resilience", _("Low emotional resilience")
    # Capability
    LOW_LITERACY = "low_literacy", _("Low literacy")
    NO_DIGITAL_ACCESS = "no_digital_access", _("No digital access or skills")
    NOT_FLUENT_IN_ENGLISH = "not_fluent_in_english", _("Not fluent in English")
    LEARNING_DISABILITY = "learning_disability", _("Learning disability or difficulty")


DRIVER_OF: dict[str, Driver] = {
    **dict.fromkeys(
        [
            SpecificNeed.VISUAL_IMPAIRMENT,
            SpecificNeed.HEARING_IMPAIRMENT,
            SpecificNeed.PHYSICAL_DISABILITY,
            SpecificNeed.MENTAL_HEALTH,
            SpecificNeed.DEMENTIA,
            SpecificNeed.LONG_TERM_ILLNESS,
        ],
        Driver.HEALTH,
    ),
    **dict.fromkeys(
        [
            SpecificNeed.BEREAVEMENT,
            SpecificNeed.CARING,
            SpecificNeed.CARE_LEAVER,
            SpecificNeed.PRISON_LEAVER,
            SpecificNeed.DOMESTIC_ABUSE,
            SpecificNeed.NO_FIXED_ADDRESS,
        ],
        Driver.LIFE_EVENTS,
    ),
    **dict.fromkeys(
        [SpecificNeed.LOW_INCOME, SpecificNeed.PROBLEM_DEBT, SpecificNeed.LOW_EMOTIONAL_RESILIENCE], Driver.RESILIENCE
    ),
    **dict.fromkeys(
        [
            SpecificNeed.LOW_LITERACY,
            SpecificNeed.NO_DIGITAL_ACCESS,
            SpecificNeed.NOT_FLUENT_IN_ENGLISH,
            SpecificNeed.LEARNING_DISABILITY,
        ],
        Driver.CAPABILITY,
    ),
}


class SupportNeed(models.Model):
    """Something about a person's circumstances that means the council must serve them differently: a visual
    impairment, a bereavement, no fixed address, not being fluent in English. Sensitive: most staff never see it,
    only the adjustments it calls for."""

    class Permanence(models.TextChoices):
        TEMPORARY = "temporary", _("Temporary")
        PERMANENT = "permanent", _("Permanent")

    class Source(models.TextChoices):
        PERSON = "person", _("The person told us")
        REPRESENTATIVE = "representative", _("Their representative told us")
        AGENCY = "agency", _("Another agency told us (NHS, DWP, police, a charity)")
        DOCUMENT = "document", _("A document they gave us")
        STAFF = "staff", _("A member of staff noticed and checked with them")

    class LawfulBasis(models.TextChoices):
        EXPLICIT_CONSENT = "explicit_consent", _("Explicit consent")
        PUBLIC_TASK = "public_task", _("Public task, with substantial public interest (equality of treatment)")
        SAFEGUARDING = "safeguarding", _("Safeguarding of individuals at risk")
        VITAL_INTERESTS = "vital_interests", _("Vital interests")
        LEGAL_OBLIGATION = "legal_obligation", _("Legal obligation (Equality Act 2010 adjustments)")

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="support_needs")
    need = models.CharField(max_length=40, choices=SpecificNeed.choices)
    driver = models.CharField(max_length=20, choices=Driver.choices)
    detail = models.CharField(max_length=300, blank=True, help_text=_("In the person's words, if they want it kept."))
    language = models.CharField(max_length=60, blank=True, help_text=_("For someone not fluent in English."))
    permanence = models.CharField(max_length=10, choices=Permanence.choices)
    review_on = models.DateField(help_text=_("When to check with the person that this is still right."))
    source = models.CharField(max_length=20, choices=Source.choices)
    lawful_basis = models.CharField(max_length=20, choices=LawfulBasis.choices)
    consent_given_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by_label = models.CharField(max_length=150)
    recorded_at = models.DateTimeField(default=timezone.now)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["person_id", "driver", "need", "id"]
        indexes = [
            models.Index(fields=["person", "ended_at"], name="supportneed_person_idx"),
            models.Index(fields=["review_on"], condition=Q(ended_at__isnull=True), name="supportneed_review_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(need__in=SpecificNeed.values), name="supportneed_known_need"),
            models.CheckConstraint(condition=Q(driver__in=Driver.values), name="supportneed_known_driver"),
            models.CheckConstraint(
                condition=~Q(lawful_basis="explicit_consent") | Q(consent_given_on__isnull=False),
                name="supportneed_consent_has_date",
                violation_error_message=_("Say when the person gave their consent."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_need_display()} ({self.get_driver_display()})"

    def clean(self) -> None:
        if self.driver != DRIVER_OF.get(self.need):
            raise ValidationError({"driver": _("The driver must be the one this need falls under.")})
        if self.need == SpecificNeed.NOT_FLUENT_IN_ENGLISH and not self.language.strip():
            raise ValidationError({"language": _("Say which language the person is fluent in.")})

    def is_due_for_review(self, today: dt.date) -> bool:
        return self.ended_at is None and self.review_on <= today


class AdjustmentKind(models.TextChoices):
    LARGE_PRINT = "large_print", _("Large print")
    EASY_READ = "easy_read", _("Easy read")
    BRAILLE = "braille", _("Braille")
    AUDIO = "audio", _("Audio or read aloud")
    INTERPRETER = "interpreter", _("Interpreter")
    BSL = "bsl", _("British Sign Language interpreter")
    CALL_DO_NOT_WRITE = "call_do_not_write", _("Call, do not write")
    WRITE_DO_NOT_CALL = "write_do_not_call", _("Write, do not call")
    SPEAK_TO_ADVOCATE_FIRST = "speak_to_advocate_first", _("Speak to their advocate first")
    EXTRA_TIME = "extra_time", _("Allow extra time")
    FACE_TO_FACE = "face_to_face", _("Meet face to face")
    NO_POST_TO_HOME = "no_post_to_home", _("Do not send post to their home")
    PAPER_NOT_ONLINE = "paper_not_online", _("Offer paper or phone, not only online")


class RouteMethod(models.TextChoices):
    HOME = "home", _("Post to their home address")
    COLLECT = "collect", _("Collect from a council office")
    CARE_OF = "care_of", _("Post care of another address")
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")
    REPRESENTATIVE = "representative", _("Through their representative")


class Adjustment(models.Model):
    """What staff must do differently for someone, in words that do not give away why: large print, an interpreter,
    call rather than write, speak to their advocate first. Front-line staff see these; the need behind them only
    those whose role and purpose allow it."""

    Kind = AdjustmentKind

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="adjustments")
    support_need = models.ForeignKey(
        SupportNeed, null=True, blank=True, on_delete=models.PROTECT, related_name="adjustments"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    detail = models.CharField(max_length=100, blank=True, help_text=_("For example the language: Arabic."))
    recorded_by_label = models.CharField(max_length=150)
    recorded_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["person_id", "kind", "id"]
        indexes = [models.Index(fields=["person", "ended_at"], name="adjustment_person_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=AdjustmentKind.values), name="adjustment_known_kind")
        ]

    def __str__(self) -> str:
        return self.words()

    def words(self) -> str:
        label = str(self.get_kind_display())
        return f"{label}: {self.detail}" if self.detail else label


class CorrespondenceRoute(models.Model):
    """How the council reaches a person when their home address will not do, or they have none: collect from an
    office, care of someone, email, phone, or through a representative. One is current at a time; earlier ones are
    kept with the time they ended."""

    Method = RouteMethod

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="correspondence_routes")
    method = models.CharField(max_length=20, choices=Method.choices)
    office = models.CharField(max_length=200, blank=True, help_text=_("The office they collect letters from."))
    care_of_name = models.CharField(max_length=200, blank=True)
    care_of_address = models.CharField(max_length=500, blank=True)
    email = models.CharField(max_length=254, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    representative = models.ForeignKey(
        "people.Representative", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by_label = models.CharField(max_length=150)
    recorded_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["person_id", "-recorded_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(ended_at__isnull=True), name="route_one_current_per_person"
            ),
            models.CheckConstraint(condition=Q(method__in=RouteMethod.values), name="route_known_method"),
        ]

    def __str__(self) -> str:
        return str(self.get_method_display())

    def clean(self) -> None:
        required = {
            self.Method.COLLECT: ("office",),
            self.Method.CARE_OF: ("care_of_name", "care_of_address"),
            self.Method.EMAIL: ("email",),
            self.Method.PHONE: ("phone",),
            self.Method.REPRESENTATIVE: ("representative",),
        }.get(self.method, ())  # type: ignore[call-overload]
        missing = {
            name: _("Fill this in for this way of reaching them.") for name in required if not getattr(self, name)
        }
        if missing:
            raise ValidationError(missing)
        if self.representative is not None and self.representative.person_id != self.person_id:
            raise ValidationError({"representative": _("Choose one of this person's own representatives.")})


class LocalConnection(models.Model):
    """A declaration of local connection: someone with no address of their own says where in the area they spend
    most of their time, so they can register to vote (Representation of the People Act 1983, s. 7B). It lasts 12
    months unless renewed."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="local_connections")
    place = models.CharField(max_length=500, help_text=_("Where in the area they spend most of their time."))
    ward = models.CharField(max_length=100, blank=True)
    declared_on = models.DateField()
    expires_on = models.DateField()
    recorded_by_label = models.CharField(max_length=150)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["person_id", "-declared_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__gt=models.F("declared_on")), name="localconnection_expires_after_declared"
            )
        ]

    def __str__(self) -> str:
        return f"Local connection: {self.place}"

    def is_current_on(self, day: dt.date) -> bool:
        return self.declared_on <= day < self.expires_on


class JoinedUpSupport(models.Model):
    """The list of people in touch with many services at once, for a caseworker to coordinate their support. No
    table: a home for the permission to see it."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_joined_up_support", "Can see people in touch with three or more services")]

    def __str__(self) -> str:
        return "Joined-up support"


class EquityAnalysis(models.Model):
    """Outcomes by group against everyone else. No table: a home for the permission to see the equity dashboard
    (aggregates only, small groups suppressed)."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_equity", "Can see the equity dashboard (aggregates only)")]

    def __str__(self) -> str:
        return "Equity analysis"
