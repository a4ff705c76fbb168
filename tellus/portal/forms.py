from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tellus.people.models import SourceRecord
from tellus.rights.models import CorrectionRequest


class EmailForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        error_messages={
            "required": _("Enter your email address"),
            "invalid": _("Enter an email address in the correct format, like name@example.com"),
        },
    )


class PasswordSignInForm(forms.Form):
    identifier = forms.CharField(
        label=_("Email address or account reference"),
        max_length=254,
        error_messages={"required": _("Enter your email address or account reference")},
    )
    password = forms.CharField(
        label=_("Password"), max_length=200, strip=False, error_messages={"required": _("Enter your password")}
    )


class InvitationForm(forms.Form):
    code = forms.CharField(
        label=_("Invitation code"),
        max_length=20,
        help_text=_("The 12 letters and numbers on the paper we gave you, for example ABCD-EFGH-JKMN."),
        error_messages={"required": _("Enter your invitation code")},
    )
    email = forms.EmailField(
        label=_("Email address (optional)"),
        required=False,
        max_length=254,
        help_text=_("Leave this empty if you do not have one. We will only use it to send you sign-in links."),
        error_messages={"invalid": _("Enter an email address in the correct format, like name@example.com")},
    )
    password = forms.CharField(
        label=_("Choose a password"),
        required=False,
        max_length=200,
        strip=False,
        help_text=_("At least 12 characters. You need one if you leave the email address empty."),
    )


class PasswordForm(forms.Form):
    password = forms.CharField(
        label=_("New password"),
        max_length=200,
        strip=False,
        help_text=_("At least 12 characters. Three random words work well."),
        error_messages={"required": _("Enter a password")},
    )


class CorrectionForm(forms.Form):
    record = forms.TypedChoiceField(
        label=_("Which record"), coerce=int, error_messages={"required": _("Choose which record is wrong")}
    )
    field = forms.ChoiceField(
        label=_("Which detail"),
        choices=[("", _("Choose a detail")), *CorrectionRequest.Field.choices],
        error_messages={
            "required": _("Choose which detail is wrong"),
            "invalid_choice": _("Choose which detail is wrong"),
        },
    )
    words = forms.CharField(
        label=_("What is wrong, and what should it say?"),
        help_text=_("In your own words. The team that keeps this record reads it."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Tell us what is wrong and what it should say")},
    )

    def __init__(self, *args: Any, records: list[SourceRecord], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        record_field = self.fields["record"]
        assert isinstance(record_field, forms.TypedChoiceField)
        record_field.choices = [("", _("Choose a record"))] + [
            (r.pk, f"{r.source_system.title} ({r.source_key})") for r in records
        ]
        record_field.error_messages["invalid_choice"] = _("Choose which record is wrong")
