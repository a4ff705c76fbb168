"""Listening: post-transaction surveys, complaints, compliments and comments, the themes in what people wrote, and
the changes the council made because of them ("You said, we did")."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tellus.capacities.models import Capacity
from tellus.demand.models import Channel

# The A-11 section 280 drivers, in the order the survey asks them. Wording lives in questions.toml.
QUESTION_KEYS = ("satisfaction", "trust", "effectiveness", "ease", "efficiency", "equity", "employee")
SCALE = (1, 2, 3, 4, 5)
COMMENT_LENGTH = 2000
NO_FIXED_ADDRESS = "No fixed address"

INVITATION_OBJECT_TYPE = "feedback.surveyinvitation"
RESPONSE_OBJECT_TYPE = "feedback.surveyresponse"
FEEDBACK_OBJECT_TYPE = "feedback.feedback"
THEME_OBJECT_TYPE = "feedback.theme"
CHANGE_OBJECT_TYPE = "feedback.change"


class Route(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("Text message")
    LETTER = "letter", _("Printed on a letter")


class SurveyInvitation(models.Model):
    """The offer of a survey, made once when a need is met, by a single-use link. Who it was offered to is kept as
    groups (service, channel, ward, capacity) so response rates by group are real: the council sees who is not
    answering as well as what those who answer say."""

    need = models.OneToOneField("demand.Need", on_delete=models.PROTECT, related_name="survey_invitation")
    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey("catalogue.Service", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=10, choices=Channel.choices, blank=True)
    ward = models.CharField(max_length=100, blank=True)
    capacity = models.CharField(max_length=20, choices=Capacity.choices, blank=True)
    route = models.CharField(max_length=10, choices=Route.choices)
    token_digest = models.CharField(max_length=64, unique=True, help_text=_("SHA-256 of the link's token."))
    offered_at = models.DateTimeField(default=timezone.now)
    opened_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-offered_at", "-id"]
        indexes = [models.Index(fields=["offered_at"], name="invitation_offered_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(route__in=Route.values), name="invitation_known_route"),
            models.CheckConstraint(
                condition=Q(responded_at__isnull=True) | Q(opened_at__isnull=False),
                name="invitation_responded_only_once_opened",
            ),
        ]

    def __str__(self) -> str:
        return f"Survey invitation {self.pk} for need {self.need_id}"


class SurveyLetter(models.Model):
    """A survey to go out on paper in the next print run, for someone with neither email nor a mobile number (or
    whose correspondence goes by post). Its short code is the link's token, so it must be kept until the letter is
    printed; printing wipes the code, the recipient and the address, and keeps only when it was printed."""

    invitation = models.OneToOneField(SurveyInvitation, on_delete=models.CASCADE, related_name="letter")
    code = models.CharField(max_length=20, blank=True, help_text=_("Kept only until the letter is printed."))
    recipient = models.CharField(max_length=300, blank=True)
    address = models.TextField(blank=True, help_text=_("Empty: no address; the letter is handed over in person."))
    formats = models.CharField(
        max_length=100,
        blank=True,
        help_text=_("How the letter must be made (the person's adjustments): large_print, easy_read, braille, audio."),
    )
    printed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["printed_at"], name="surveyletter_printed_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(printed_at__isnull=True, code__gt="") | Q(printed_at__isnull=False, code=""),
                name="surveyletter_code_until_printed",
            )
        ]

    def __str__(self) -> str:
        return f"Survey letter {self.pk}"


class SurveyResponse(models.Model):
    """One person's answers to the survey about one met need: each A-11 driver on a five-point agreement scale
    (1 strongly disagree to 5 strongly agree, empty when not answered), and what they wrote. The invitation's
    groups are copied here so the dashboard aggregates one table."""

    invitation = models.OneToOneField(SurveyInvitation, on_delete=models.PROTECT, related_name="response")
    satisfaction = models.PositiveSmallIntegerField(null=True, blank=True)
    trust = models.PositiveSmallIntegerField(null=True, blank=True)
    effectiveness = models.PositiveSmallIntegerField(null=True, blank=True)
    ease = models.PositiveSmallIntegerField(null=True, blank=True)
    efficiency = models.PositiveSmallIntegerField(null=True, blank=True)
    equity = models.PositiveSmallIntegerField(null=True, blank=True)
    employee = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True)
    wants_updates = models.BooleanField(default=False, help_text=_("Agreed to be told what changed because of it."))
    responded_at = models.DateTimeField(default=timezone.now)
    service = models.ForeignKey("catalogue.Service", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=10, blank=True)
    ward = models.CharField(max_length=100, blank=True)
    capacity = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["-responded_at", "-id"]
        indexes = [models.Index(fields=["responded_at"], name="response_responded_idx")]
        permissions = [
            ("view_listening_analysis", "Can see the listening dashboard (aggregates only)"),
            ("read_comments", "Can read the comments behind a score (audited)"),
        ]
        constraints = [
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{key}__isnull": True}) | Q(**{f"{key}__gte": 1, f"{key}__lte": 5}),
                    name=f"response_{key}_on_scale",
                )
                for key in QUESTION_KEYS
            ),
        ]

    def __str__(self) -> str:
        return f"Survey response {self.pk}"


class FeedbackKind(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint")
    COMPLIMENT = "compliment", _("Compliment")
    COMMENT = "comment", _("Comment")


class ComplaintStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    INVESTIGATING = "investigating", _("Being investigated")
    RESPONDED = "responded", _("Responded to")
    LEARNING_RECORDED = "learning_recorded", _("Learning recorded")


OPEN_COMPLAINT_STATUSES = (ComplaintStatus.RECEIVED, ComplaintStatus.ACKNOWLEDGED, ComplaintStatus.INVESTIGATING)


class Feedback(models.Model):
    """A complaint, compliment or comment from any channel, in the person's words, linked to them, the need and
    the service where known. A complaint runs the closed loop: received, acknowledged, investigated, responded to,
    learning recorded, with due dates from the complaint clock; it may be extended once and escalated to stage 2."""

    kind = models.CharField(max_length=10, choices=FeedbackKind.choices)
    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    need = models.ForeignKey("demand.Need", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey("catalogue.Service", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    words = models.TextField()
    wants_updates = models.BooleanField(default=False)
    received_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=20, choices=ComplaintStatus.choices, blank=True)
    stage = models.PositiveSmallIntegerField(default=1)
    acknowledge_due = models.DateField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    respond_due = models.DateField(null=True, blank=True)
    extension_days = models.PositiveSmallIntegerField(default=0)
    extension_reason = models.CharField(max_length=500, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    response = models.TextField(blank=True)
    learning = models.TextField(blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    recorded_by_label = models.CharField(max_length=150)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["kind", "status", "respond_due"], name="feedback_kind_status_due_idx"),
            models.Index(fields=["received_at"], name="feedback_received_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=FeedbackKind.values), name="feedback_known_kind"),
            models.CheckConstraint(
                condition=(Q(kind="complaint") & Q(status__in=ComplaintStatus.values))
                | (~Q(kind="complaint") & Q(status="")),
                name="feedback_status_iff_complaint",
            ),
            models.CheckConstraint(condition=Q(stage__in=[1, 2]), name="feedback_stage_one_or_two"),
            models.CheckConstraint(condition=~Q(words=""), name="feedback_has_words"),
            models.CheckConstraint(
                condition=Q(extension_days=0, extension_reason="")
                | (Q(extension_days__gte=1) & ~Q(extension_reason="")),
                name="feedback_extension_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"

    @property
    def is_complaint(self) -> bool:
        return self.kind == FeedbackKind.COMPLAINT


class ComplaintEvent(models.Model):
    """One step in a complaint's closed loop, with who took it and when: its trail, beside the audit log."""

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="events")
    step = models.CharField(max_length=30)
    occurred_at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)
    actor_label = models.CharField(max_length=150)

    class Meta:
        ordering = ["occurred_at", "id"]

    def __str__(self) -> str:
        return f"{self.step} on {self.feedback_id}"


class Theme(models.Model):
    """A theme in what people wrote, found by topic modelling and then kept by staff: renamed, merged into another
    (kept, pointing at it, so history still reads), or split in two."""

    label = models.CharField(max_length=120)
    keywords = models.JSONField(default=list, help_text=_("The words that weigh most in the theme."))
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    named_by_staff = models.BooleanField(default=False)

    class Meta:
        ordering = ["label", "id"]

    def __str__(self) -> str:
        return self.label


class TextSource(models.TextChoices):
    SURVEY = "survey", _("Survey comment")
    FEEDBACK = "feedback", _("Complaint, compliment or comment")
    CONTACT = "contact", _("Contact, in the person's words")


class ThemeTag(models.Model):
    """That one piece of free text carries a theme."""

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="tags")
    source = models.CharField(max_length=10, choices=TextSource.choices)
    source_id = models.PositiveBigIntegerField()
    occurred_at = models.DateTimeField()
    weight = models.FloatField(default=1.0)

    class Meta:
        indexes = [
            models.Index(fields=["theme", "occurred_at"], name="themetag_theme_time_idx"),
            models.Index(fields=["source", "source_id"], name="themetag_source_idx"),
        ]
        constraints = [models.UniqueConstraint(fields=["theme", "source", "source_id"], name="themetag_unique")]

    def __str__(self) -> str:
        return f"{self.source} {self.source_id}: theme {self.theme_id}"


class Change(models.Model):
    """Something the council changed because of what people told it: one line of "You said, we did", linked to the
    theme it answers and the service it changed."""

    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="changes")
    service = models.ForeignKey("catalogue.Service", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    you_said = models.CharField(max_length=300)
    we_did = models.TextField()
    published_at = models.DateTimeField(default=timezone.now)
    created_by_label = models.CharField(max_length=150)

    class Meta:
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.you_said


class ChangeNotice(models.Model):
    """That someone whose words fed a theme, and who agreed to be told, was told of a change made about it."""

    change = models.ForeignKey(Change, on_delete=models.CASCADE, related_name="notices")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    route = models.CharField(max_length=10, choices=Route.choices)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["change", "person"], name="changenotice_once_per_person")]

    def __str__(self) -> str:
        return f"notice of change {self.change_id} to person {self.person_id}"


class ChangeLetter(models.Model):
    """A "you said, we did" notice to go out on paper in the next print run, for someone the survey would reach
    by letter. Printing wipes the recipient, the address and the formats, and keeps when it was printed."""

    notice = models.OneToOneField(ChangeNotice, on_delete=models.CASCADE, related_name="letter")
    recipient = models.CharField(max_length=300, blank=True)
    address = models.TextField(blank=True, help_text=_("Empty: no address; the letter is handed over in person."))
    formats = models.CharField(max_length=100, blank=True)
    printed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["printed_at"], name="changeletter_printed_idx")]

    def __str__(self) -> str:
        return f"Change letter {self.pk}"
