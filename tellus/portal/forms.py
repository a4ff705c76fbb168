from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


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
