"""Forms for the guided customer list: one of Simons' questions per step, then the groups' segments."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tellus.capacities.models import Capacity
from tellus.common.numbers import NumberField

from .models import CustomerGroup

SIMONS_HINTS: dict[str, str | Promise] = {
    "services": _("List what the team does, by function (what it is) and by touchpoint (where people meet it)."),
    "value": _("What does a good interaction give the person, in numbers (time saved, money) or in words?"),
    "mission": _("Quote or paraphrase the mission. Name each group it says you serve, one per line below."),
    "staff": _("Ask colleagues. Name the groups they mention, one per line below."),
    "outsiders": _("Think of residents, partners and councillors. Name the groups they would say."),
    "affected": _("Who do your regular interactions affect without them consuming the service? Neighbours, say."),
    "behaviours": _("Recycling, paying on time, registering a dog: what do people do differently because of you?"),
    "influencers": _("Regulators, councillors, partners, other council teams: who shapes how you provide it?"),
    "beneficiaries": _("Who gains without using it? Ratepayers, future residents, another team."),
}

GROUP_KIND_HINTS: dict[str, str | Promise] = {
    CustomerGroup.Kind.DIRECT_CUSTOMER: _("They will be added as direct customers: people who consume the service."),
    CustomerGroup.Kind.STAKEHOLDER: _("They will be added as stakeholders: people who affect or are affected by it."),
    CustomerGroup.Kind.BENEFICIARY: _("They will be added as beneficiaries: people who benefit indirectly."),
}


class WorksheetStepForm(forms.Form):
    answer = forms.CharField(
        label=_("Your answer"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    groups = forms.CharField(
        label=_("Groups this names, one per line"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_('For a team inside the council, start the line with "internal:", like "internal: parks team".'),
    )

    def __init__(self, *args: Any, names_groups: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not names_groups:
            del self.fields["groups"]

    def group_names(self) -> list[str]:
        text = self.cleaned_data.get("groups", "")
        return [line.strip() for line in text.splitlines() if line.strip()]


class GroupSegmentForm(forms.Form):
    group_id = NumberField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("Kind of group"), choices=CustomerGroup.Kind.choices)
    segment_capacity = forms.ChoiceField(label=_("People in the records: capacity"), required=False)
    segment_ward = forms.ChoiceField(label=_("Ward"), required=False)
    segment_service = forms.ChoiceField(label=_("Used this service in the last 12 months"), required=False)
    remove = forms.BooleanField(label=_("Take this group off the list"), required=False)

    def __init__(self, *args: Any, wards: list[str], services: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: dict[str, list[tuple[str, Any]]] = {
            "segment_capacity": [("", _("No segment: a named group only"))]
            + [(value, str(label).capitalize()) for value, label in Capacity.choices],
            "segment_ward": [("", _("Any ward")), *((w, w) for w in wards)],
            "segment_service": [("", _("Any or none")), *services],
        }
        for name, options in choices.items():
            cast(forms.ChoiceField, self.fields[name]).choices = options


GroupSegmentFormSet = forms.formset_factory(GroupSegmentForm, extra=0)
