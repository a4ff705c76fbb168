"""Equity: does the council serve some groups worse than everyone else? Plain functions over DataFrames, no ORM
(`equity_data.py` feeds them).

Inputs:
- `people`: one row per person: person_id plus one column per dimension (`groups_of` below says which): the
  person's age band, ward, language, whether they have no fixed address, and a boolean column per needs driver.
- `contacts`: one row per person and capacity with their contacts in the period: person_id, capacity, contacts,
  failure, first_contacts, resolved_first.
- `needs`: one row per need met in the period: person_id, capacity (of its first contact), end_to_end_seconds.
- `feedback` (from Listening, `feedback.equity_selectors`; None leaves its measures out): one row per person and
  capacity with the surveys offered in the period: person_id, capacity, surveys, responses, rated (answered the
  satisfaction question), satisfied (agreed or strongly agreed).

Each group is compared with everyone else. Shares (failure demand, repeat contact, first-point resolution,
satisfaction, response rate) carry a 95% confidence interval for the difference that treats each person as a
cluster: one person's many contacts are not independent evidence. End-to-end medians and 90th percentiles carry
an interval from the order statistics around the quantile (distribution-free). A group is "underserved" on a
measure when the difference is at least `MATERIAL` of everyone else's figure and its interval lies wholly on the
worse side of no difference, at a level that keeps the chance of any false flag in the whole table at 5%
(Bonferroni over every comparison shown): with dozens of groups and several measures, a plain 95% interval would
flag a group or two by chance alone. Groups of fewer than
`MIN_PEOPLE` people are suppressed, with a second group in the same dimension when one alone would be (secondary
suppression), so no suppressed figure can be worked out from the others; so is any one figure of a shown group
that fewer than `MIN_PEOPLE` people stand behind (a satisfaction share from five people's answers), with the next
smallest group's figure of that measure beside it.

A group is "unheard" when it has many contacts but little feedback, precisely: (1) its people made at least as
many contacts each in the period as everyone else's did, and (2) its survey response rate is worse than everyone
else's by the same rule as a flag (at least `MATERIAL` lower and clear at the family-wise level). Little feedback
is judged against the surveys offered, not the contacts made, so a group is not called unheard merely because it
is underserved (more chasing means more contacts per survey); see decision 0085."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd

Z95 = 1.959964
MIN_PEOPLE = 10
MATERIAL = 0.10  # a difference of at least a tenth of everyone else's figure
DAY = 86400
DRIVERS = ("health", "life_events", "resilience", "capability")
DRIVER_LABELS = {
    "health": "Health",
    "life_events": "Life events",
    "resilience": "Resilience",
    "capability": "Capability",
}
DIMENSIONS = {
    "driver": "Needs driver",
    "no_fixed_address": "No fixed address",
    "age_band": "Age band",
    "ward": "Ward",
    "language": "Language",
    "capacity": "Capacity",
}
AGE_BANDS: tuple[tuple[int, int, str], ...] = (
    (0, 18, "Under 18"), (18, 25, "18 to 24"), (25, 35, "25 to 34"), (35, 45, "35 to 44"),
    (45, 55, "45 to 54"), (55, 65, "55 to 64"), (65, 75, "65 to 74"), (75, 200, "75 and over"),
)  # fmt: skip
PEOPLE_COLUMNS = ["person_id", "age_band", "ward", "language", "no_fixed_address", *DRIVERS]
CONTACT_COLUMNS = ["person_id", "capacity", "contacts", "failure", "first_contacts", "resolved_first"]
NEED_COLUMNS = ["person_id", "capacity", "end_to_end_seconds"]
FEEDBACK_COLUMNS = ["person_id", "capacity", "surveys", "responses", "rated", "satisfied"]


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    lower_is_better: bool
    unit: str  # "share" (0-1) or "days"


MEASURES = (
    Measure("e2e_median", "Median end-to-end time", True, "days"),
    Measure("e2e_p90", "90th percentile end-to-end time", True, "days"),
    Measure("failure_share", "Failure demand share", True, "share"),
    Measure("repeat_rate", "Repeat-contact rate", True, "share"),
    Measure("first_point", "First-point resolution", False, "share"),
)
FEEDBACK_MEASURES = (
    Measure("satisfaction", "Satisfaction", False, "share"),
    Measure("response_rate", "Survey response rate", False, "share"),
)


@dataclass(frozen=True)
class Comparison:
    """One measure for a group against everyone else: both figures, the difference (group minus everyone else)
    with its 95% interval, and whether the group is significantly and materially worse."""

    measure: Measure
    group: float | None
    rest: float | None
    difference: float | None = None
    low: float | None = None
    high: float | None = None
    worse: bool = False
    group_n: int = 0
    rest_n: int = 0
    se: float | None = None
    group_people: int = 0  # the people behind the group's figure (and everyone else's)
    rest_people: int = 0
    suppressed: str = ""  # "" or why this figure is hidden though the group is shown


@dataclass
class GroupResult:
    dimension: str
    key: str
    label: str
    people: int
    contacts: int
    suppressed: str = ""  # "" or why: "fewer than 10 people", "to protect a smaller group"
    comparisons: dict[str, Comparison] = field(default_factory=dict)
    contacts_per_person: float | None = None
    rest_contacts_per_person: float | None = None

    @property
    def underserved(self) -> list[Comparison]:
        return [c for c in self.comparisons.values() if c.worse and c.measure.key not in ("response_rate",)]

    @property
    def in_touch_as_often(self) -> bool:
        """Many contacts: at least as many contacts per person in the period as everyone else."""
        if self.contacts_per_person is None or self.rest_contacts_per_person is None:
            return False
        return self.contacts_per_person >= self.rest_contacts_per_person

    @property
    def unheard(self) -> bool:
        """Many contacts but little feedback: in touch at least as often as everyone else, and significantly and
        materially less likely to answer a survey (decision 0085)."""
        response = self.comparisons.get("response_rate")
        return response is not None and response.worse and self.in_touch_as_often

    @property
    def flags(self) -> list[str]:
        if self.suppressed:
            return []
        return (["underserved"] if self.underserved else []) + (["unheard"] if self.unheard else [])


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "none"


def age_band(age: float | None) -> str:
    if age is None or (isinstance(age, float) and math.isnan(age)):
        return "Not known"
    return next((label for low, high, label in AGE_BANDS if low <= age < high), "Not known")


def groups_of(people: pd.DataFrame, contacts: pd.DataFrame) -> Iterator[tuple[str, str, str, pd.Series | str]]:
    """(dimension, key, label, membership) for every group: membership is a boolean Series over `people`, or, for
    a capacity, the capacity's code (capacity belongs to the contact, not the person)."""
    for driver in DRIVERS:
        yield "driver", driver, DRIVER_LABELS[driver], people[driver].astype(bool)
    yield "no_fixed_address", "yes", "No fixed address", people["no_fixed_address"].astype(bool)
    for column in ("age_band", "ward", "language"):
        values = sorted(value for value in people[column].dropna().unique() if value)
        for value in values:
            yield column, slug(str(value)), str(value), people[column] == value
    for capacity in sorted(value for value in contacts["capacity"].dropna().unique() if value):
        yield "capacity", slug(capacity), str(capacity).capitalize(), str(capacity)


Estimate = tuple[float | None, float, int, int]  # (figure, variance, what was counted, the people behind it)


def _clustered_share(rows: pd.DataFrame, numerator: str, denominator: str) -> Estimate:
    """A share over many people's rows, with a variance that treats each person as a cluster (the ratio
    estimator's linearised variance). Returns (share, variance, denominator total, people)."""
    per_person = rows.groupby("person_id")[[numerator, denominator]].sum()
    per_person = per_person[per_person[denominator] > 0]
    total = float(per_person[denominator].sum())
    if total == 0:
        return None, math.nan, 0, 0
    share = float(per_person[numerator].sum()) / total
    k = len(per_person)
    if k < 2:
        return share, math.nan, int(total), k
    residual = per_person[numerator] - share * per_person[denominator]
    variance = k / (k - 1) * float((residual**2).sum()) / total**2
    return share, variance, int(total), k


def _quantile_with_se(values: np.ndarray, p: float) -> tuple[float | None, float]:
    """The p-quantile and a standard error from the order statistics that bracket it at 95% (binomial ranks)."""
    n = len(values)
    if n == 0:
        return None, math.nan
    ordered = np.sort(values)
    estimate = float(np.quantile(ordered, p))
    spread = Z95 * math.sqrt(n * p * (1 - p))
    low = min(max(math.floor(n * p - spread), 0), n - 1)
    high = min(max(math.ceil(n * p + spread), 0), n - 1)
    return estimate, float(ordered[high] - ordered[low]) / (2 * Z95)


def _compare(measure: Measure, group: Estimate, rest: Estimate) -> Comparison:
    g, g_var, g_n, g_people = group
    r, r_var, r_n, r_people = rest
    if g is None or r is None or math.isnan(g_var) or math.isnan(r_var):
        return Comparison(measure, g, r, group_n=g_n, rest_n=r_n, group_people=g_people, rest_people=r_people)
    difference = g - r
    se = math.sqrt(g_var + r_var)
    low, high = difference - Z95 * se, difference + Z95 * se
    return Comparison(measure, g, r, difference, low, high, False, g_n, r_n, se, g_people, r_people)


def _judged(comparison: Comparison, z: float) -> Comparison:
    """Worse: materially, and with the whole interval at `z` on the worse side of no difference."""
    if comparison.difference is None or comparison.se is None or comparison.rest is None:
        return comparison
    bad = comparison.difference if comparison.measure.lower_is_better else -comparison.difference
    significant = bad - z * comparison.se > 0
    material = comparison.rest != 0 and bad / abs(comparison.rest) >= MATERIAL
    return replace(comparison, worse=bool(significant and material))


def family_z(comparisons: int) -> float:
    """The z that keeps the chance of any false flag across all `comparisons` at 5% (Bonferroni, two-sided)."""
    return float(NormalDist().inv_cdf(1 - 0.05 / (2 * max(comparisons, 1))))


def _e2e(needs: pd.DataFrame, mask: np.ndarray, measure: Measure, p: float) -> Comparison:
    days = needs["end_to_end_seconds"].to_numpy(dtype=float) / DAY
    people = needs["person_id"].to_numpy()
    g, g_se = _quantile_with_se(days[mask], p)
    r, r_se = _quantile_with_se(days[~mask], p)
    return _compare(
        measure,
        (g, g_se**2, int(mask.sum()), len(set(people[mask]))),
        (r, r_se**2, int((~mask).sum()), len(set(people[~mask]))),
    )


def _shares(rows: pd.DataFrame, mask: np.ndarray) -> dict[str, Comparison]:
    group, rest = rows[mask], rows[~mask]
    out = {}
    for key, numerator, denominator in (
        ("failure_share", "failure", "contacts"),
        ("repeat_rate", "repeats", "contacts"),
        ("first_point", "resolved_first", "first_contacts"),
    ):
        measure = next(m for m in MEASURES if m.key == key)
        out[key] = _compare(
            measure, _clustered_share(group, numerator, denominator), _clustered_share(rest, numerator, denominator)
        )
    return out


def _feedback(feedback: pd.DataFrame, mask: np.ndarray) -> dict[str, Comparison]:
    """Satisfaction (agreed, of those who answered the question) and response rate (answered, of surveys offered),
    each person a cluster."""
    group, rest = feedback[mask], feedback[~mask]
    out = {}
    for measure, numerator, denominator in (
        (FEEDBACK_MEASURES[0], "satisfied", "rated"),
        (FEEDBACK_MEASURES[1], "responses", "surveys"),
    ):
        out[measure.key] = _compare(
            measure, _clustered_share(group, numerator, denominator), _clustered_share(rest, numerator, denominator)
        )
    return out


def equity_table(
    people: pd.DataFrame, contacts: pd.DataFrame, needs: pd.DataFrame, feedback: pd.DataFrame | None = None
) -> list[GroupResult]:
    """Every group against everyone else, suppressed where too small. People with no contacts in the period
    count in no group."""
    contacts = contacts.assign(repeats=contacts["contacts"] - contacts["first_contacts"])
    with_contacts = set(contacts["person_id"].unique())
    people = people[people["person_id"].isin(with_contacts)].reset_index(drop=True)
    contact_people = contacts["person_id"].to_numpy()
    need_people = needs["person_id"].to_numpy()
    if feedback is not None:  # the same people as the contacts: everyone else is everyone else in touch
        feedback = feedback[feedback["person_id"].isin(with_contacts)].reset_index(drop=True)
    results = []
    for dimension, key, label, membership in groups_of(people, contacts):
        if isinstance(membership, str):
            contact_mask = (contacts["capacity"] == membership).to_numpy()
            need_mask = (needs["capacity"] == membership).to_numpy()
            members = set(contacts.loc[contact_mask, "person_id"])
            rest_people = contacts.loc[~contact_mask, "person_id"].nunique()
        else:
            members = set(people.loc[membership.to_numpy(), "person_id"])
            contact_mask = np.isin(contact_people, list(members))
            need_mask = np.isin(need_people, list(members))
            rest_people = len(with_contacts) - len(members)
        result = GroupResult(
            dimension=dimension, key=key, label=label, people=len(members),
            contacts=int(contacts.loc[contact_mask, "contacts"].sum()),
        )  # fmt: skip
        result.comparisons["e2e_median"] = _e2e(needs, need_mask, MEASURES[0], 0.5)
        result.comparisons["e2e_p90"] = _e2e(needs, need_mask, MEASURES[1], 0.9)
        result.comparisons.update(_shares(contacts, contact_mask))
        result.contacts_per_person = result.contacts / len(members) if members else None
        rest_contacts = int(contacts["contacts"].sum()) - result.contacts
        result.rest_contacts_per_person = rest_contacts / rest_people if rest_people else None
        if feedback is not None:
            feedback_mask = (
                (feedback["capacity"] == membership).to_numpy()
                if isinstance(membership, str)
                else feedback["person_id"].isin(members).to_numpy()
            )
            result.comparisons.update(_feedback(feedback, feedback_mask))
        results.append(result)
    suppress(results)
    suppress_figures(results)
    shown = [c for r in results if not r.suppressed for c in r.comparisons.values() if c.se is not None]
    z = family_z(len(shown))
    for result in results:
        result.comparisons = {key: _judged(c, z) for key, c in result.comparisons.items()}
    return results


def suppress(results: list[GroupResult]) -> None:
    """Primary suppression of groups under MIN_PEOPLE; then, in each dimension where exactly one group is
    suppressed, the next smallest too, so it cannot be worked out from the total and the rest."""
    for result in results:
        if result.people < MIN_PEOPLE:
            result.suppressed = f"fewer than {MIN_PEOPLE} people"
    for dimension in DIMENSIONS:
        in_dimension = [r for r in results if r.dimension == dimension]
        hidden = [r for r in in_dimension if r.suppressed]
        shown = sorted((r for r in in_dimension if not r.suppressed), key=lambda r: (r.people, r.key))
        if len(hidden) == 1 and shown:
            shown[0].suppressed = "to protect a smaller group"


def _hidden(comparison: Comparison, why: str) -> Comparison:
    """The comparison with every figure taken out (everyone else's too: with the whole's figure, theirs would give
    the group's away)."""
    return replace(
        comparison, group=None, rest=None, difference=None, low=None, high=None, se=None, worse=False, group_n=0,
        rest_n=0, group_people=0, rest_people=0, suppressed=why,
    )  # fmt: skip


def suppress_figures(results: list[GroupResult]) -> None:
    """Within a group that is shown, a figure that fewer than MIN_PEOPLE people stand behind (on either side:
    few of the group answered a survey, or few of everyone else) is hidden too; and in each dimension where that
    leaves exactly one figure of a measure hidden, the next smallest group's figure of it as well."""
    for result in results:
        if result.suppressed:
            continue
        for key, c in result.comparisons.items():
            if c.group is not None and min(c.group_people, c.rest_people) < MIN_PEOPLE:
                result.comparisons[key] = _hidden(c, f"fewer than {MIN_PEOPLE} people")
    for dimension in DIMENSIONS:
        shown = [r for r in results if r.dimension == dimension and not r.suppressed]
        for key in {key for r in shown for key in r.comparisons}:
            hidden = [r for r in shown if key in r.comparisons and r.comparisons[key].suppressed]
            candidates = sorted(
                (r for r in shown if key in r.comparisons and r.comparisons[key].group is not None),
                key=lambda r: (r.comparisons[key].group_people, r.key),
            )
            if len(hidden) == 1 and candidates:
                protector = candidates[0]
                protector.comparisons[key] = _hidden(protector.comparisons[key], "to protect a smaller group")


def flags(results: list[GroupResult]) -> list[dict[str, Any]]:
    """Each flag with the measures that raised it, for the dashboard and `tellus equity`."""
    found = []
    for result in results:
        for flag in result.flags:
            evidence = result.underserved if flag == "underserved" else [result.comparisons["response_rate"]]
            measures = [c.measure.key for c in evidence] + (["contacts_per_person"] if flag == "unheard" else [])
            found.append(
                {
                    "dimension": result.dimension,
                    "group": result.key,
                    "label": result.label,
                    "flag": flag,
                    "measures": measures,
                }
            )
    return found


def _number(value: float | None, unit: str) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return round(value, 2) if unit == "days" else round(value, 4)


def as_json(results: list[GroupResult]) -> dict[str, Any]:
    """The table and flags as plain data: suppressed groups carry their reason and no figures."""
    groups = []
    for result in results:
        row: dict[str, Any] = {
            "dimension": result.dimension,
            "group": result.key,
            "label": result.label,
            "suppressed": result.suppressed or None,
        }
        if not result.suppressed:
            row["people"] = result.people
            row["contacts"] = result.contacts
            row["contacts_per_person"] = {
                "group": _number(result.contacts_per_person, "days"),
                "everyone_else": _number(result.rest_contacts_per_person, "days"),
            }
            row["flags"] = result.flags
            row["measures"] = {
                key: {
                    "group": _number(c.group, c.measure.unit),
                    "everyone_else": _number(c.rest, c.measure.unit),
                    "difference": _number(c.difference, c.measure.unit),
                    "ci95": [_number(c.low, c.measure.unit), _number(c.high, c.measure.unit)],
                    "worse": c.worse,
                    "suppressed": c.suppressed or None,
                }
                for key, c in result.comparisons.items()
            }
        groups.append(row)
    return {"groups": groups, "flags": flags(results)}
