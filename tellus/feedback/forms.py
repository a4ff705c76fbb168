"""Forms for the survey and the staff's feedback pages. The services check everything again; these give the
person the message beside the field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tellus.catalogue.models import Service
from tellus.common.numbers import IdModelChoiceField
from tellus.demand.models import Channel

from .complaints import NOTE_LENGTH, WORDS_LENGTH
from .models import COMMENT_LENGTH, FeedbackKind, Theme
from .questions import survey

AGREEMENT = [
    ("5", _("Strongly agree")),
    ("4", _("Agree")),
    ("3", _("Neither agree nor disagree")),
    ("2", _("Disagree")),
    ("1", _("Strongly disagree")),
]


class SurveyCodeForm(forms.Form):
    """The code printed on a survey letter, as the person types it."""

    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("For example, KM7QP-3XRD9. Capital or small letters both work."),
        error_messages={"required": _("Type the code from your letter."),
                        "max_length": _("The code is ten letters and numbers. Check it against your letter.")},
    )  # fmt: skip

    def clean_code(self) -> str:
        from .surveys import CODE_ALPHABET, CODE_LENGTH, normalise_token

        code = normalise_token(self.cleaned_data["code"])
        if len(code) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
            raise forms.ValidationError(_("The code is ten letters and numbers. Check it against your letter."))
        return code


class SurveyForm(forms.Form):
    """The A-11 questions (each optional) and a comment, worded as the council's questions.toml says."""

    comment = forms.CharField(
        label=_("Is there anything else you want to tell us?"),
        required=False,
        max_length=COMMENT_LENGTH,
        strip=True,
        error_messages={"max_length": _("Keep your comment to %(limit_value)d characters or fewer.")},
    )
    wants_updates = forms.BooleanField(
        label=_("Tell me what the council changes because of comments like mine"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for question in survey().questions:
            self.fields[question.key] = forms.ChoiceField(
                label=question.text,
                choices=AGREEMENT,
                required=False,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": _("Choose one of the five answers.")},
            )
        # Questions first, then the comment, as the page shows them.
        order = [q.key for q in survey().questions] + ["comment", "wants_updates"]
        self.order_fields(order)

    def question_fields(self) -> list[forms.BoundField]:
        return [self[q.key] for q in survey().questions]

    def answers(self) -> dict[str, str]:
        return {q.key: self.cleaned_data.get(q.key, "") for q in survey().questions}


class FeedbackForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What is it?"), choices=FeedbackKind.choices, widget=forms.RadioSelect,
        error_messages={"required": _("Choose complaint, compliment or comment.")},
    )  # fmt: skip
    channel = forms.ChoiceField(label=_("How did it reach us?"), choices=Channel.choices, initial=Channel.PHONE)
    service = IdModelChoiceField(
        label=_("Service"), queryset=Service.objects.order_by("group", "name"), required=False,
        empty_label=_("Not about one service"),
    )  # fmt: skip
    person = forms.CharField(
        label=_("Person number (optional)"), required=False, max_length=20,
        help_text=_("The number on the person's page, if they gave their name."),
    )  # fmt: skip
    need = forms.CharField(label=_("Need number (optional)"), required=False, max_length=20)
    words = forms.CharField(
        label=_("In their words"), max_length=WORDS_LENGTH,
        error_messages={"required": _("Write what the person said."),
                        "max_length": _("Keep it to %(limit_value)d characters or fewer.")},
    )  # fmt: skip
    wants_updates = forms.BooleanField(label=_("They want to hear what we change because of it"), required=False)


class AcknowledgeForm(forms.Form):
    pass


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=NOTE_LENGTH, required=False)


class RespondForm(forms.Form):
    response = forms.CharField(
        label=_("The response sent to the person"), max_length=NOTE_LENGTH,
        error_messages={"required": _("Write the response sent to the person.")},
    )  # fmt: skip


class LearningForm(forms.Form):
    learning = forms.CharField(
        label=_("What we learnt or will change"), max_length=NOTE_LENGTH,
        error_messages={"required": _("Write what the council learnt, or will change, from this complaint.")},
    )  # fmt: skip


class ExtendForm(forms.Form):
    days = forms.IntegerField(
        label=_("Working days to extend by"), min_value=1, max_value=10,
        error_messages={"required": _("Say how many working days."), "invalid": _("Write a whole number of days."),
                        "min_value": _("Extend by 1 to 10 working days."),
                        "max_value": _("Extend by 1 to 10 working days.")},
    )  # fmt: skip
    reason = forms.CharField(
        label=_("Why more time is needed"), max_length=500,
        error_messages={"required": _("Say why the response needs more time.")},
    )  # fmt: skip

    def clean_days(self) -> int:
        raw = str(self.data.get(self.add_prefix("days"), "")).strip()
        if not (raw.isascii() and raw.isdigit()):  # int() would read "٣" as 3
            raise forms.ValidationError(_("Write a whole number of days with the digits 0 to 9."))
        return int(self.cleaned_data["days"])


class EscalateForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the person wants stage 2"), max_length=NOTE_LENGTH,
        error_messages={"required": _("Say why the person asked for stage 2.")},
    )  # fmt: skip


def _live_themes() -> Any:
    return Theme.objects.filter(merged_into__isnull=True).order_by("label")


class RenameForm(forms.Form):
    label = forms.CharField(
        label=_("New name"), max_length=120, error_messages={"required": _("Give the theme a name.")}
    )


class MergeForm(forms.Form):
    into = IdModelChoiceField(
        label=_("Merge into"), queryset=Theme.objects.none(), empty_label=_("Choose a theme"),
        error_messages={"required": _("Choose the theme to merge into."), "invalid_choice": _("Choose a theme.")},
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = _live_themes()  # type: ignore[attr-defined]


class ChangeForm(forms.Form):
    theme = IdModelChoiceField(
        label=_("Theme"), queryset=Theme.objects.none(), empty_label=_("Choose a theme"),
        error_messages={"required": _("Choose the theme the change answers."), "invalid_choice": _("Choose a theme.")},
    )  # fmt: skip
    service = IdModelChoiceField(
        label=_("Service changed"), queryset=Service.objects.order_by("group", "name"), required=False,
        empty_label=_("Not one service"),
    )  # fmt: skip
    you_said = forms.CharField(
        label=_("You said"), max_length=300, error_messages={"required": _("Say, in a line, what people told us.")}
    )
    we_did = forms.CharField(
        label=_("We did"), max_length=3000, error_messages={"required": _("Say what the council changed.")}
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = _live_themes()  # type: ignore[attr-defined]
