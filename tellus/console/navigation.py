"""What each member of staff may open: the console's navigation and where each role starts.

One table, read by the header (every page) and by the start page, so that the navigation never offers a page the
role would be refused, and never hides one it may use. A test signs in as each role and follows every link."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tellus.demand.worklist_selectors import my_open_needs_count


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str | Promise
    url_name: str
    perms: tuple[str, ...]
    also: Callable[[Any], bool] | None = None  # a further condition on the user, beyond permissions
    counter: Callable[[Any], int] | None = None  # a number shown beside the link (how many wait for this user)

    def allowed(self, user: Any) -> bool:
        return user.has_perms(self.perms) and (self.also is None or self.also(user))

    @property
    def url(self) -> str:
        return reverse(self.url_name)


def _has_a_role(user: Any) -> bool:
    return bool(user.is_superuser or user.get_all_permissions())  # cached by the permission checks already made


NAVIGATION: tuple[NavItem, ...] = (
    NavItem("search", _("Find a person"), "console:search", ("people.view_person",)),
    NavItem("contact", _("Log a contact"), "demand:contact_new", ("demand.add_contact",)),
    NavItem("worklist", _("Needs worklist"), "demand:worklist", ("demand.view_need",), counter=my_open_needs_count),
    NavItem(
        "review", _("Review queue"), "console:review", ("linkage.view_candidatepair", "linkage.change_candidatepair")
    ),
    NavItem(
        "corrections",
        _("Correction requests"),
        "rights:corrections",
        ("rights.view_correctionrequest", "rights.change_correctionrequest"),
    ),
    NavItem("services", _("Services"), "catalogue:list", ("catalogue.view_service",)),
    NavItem("analysis", _("Demand analysis"), "insight:demand", ("insight.view_demand_analysis",)),
    NavItem("feedback_new", _("Record feedback"), "feedback:new", ("feedback.add_feedback",)),
    NavItem(
        "complaints", _("Complaints"), "feedback:complaints", ("feedback.view_feedback", "feedback.change_feedback")
    ),
    NavItem("themes", _("Themes"), "feedback:themes", ("feedback.change_theme", "feedback.add_change")),
    NavItem("listening", _("Listening"), "insight:listening", ("feedback.view_listening_analysis",)),
    NavItem("joined_up", _("Joined-up support"), "inclusion:joined_up", ("inclusion.view_joined_up_support",)),
    NavItem("equity", _("Equity"), "insight:equity", ("inclusion.view_equity",)),
    NavItem("give_and_take", _("Give and take"), "ledger:distribution", ("ledger.view_distribution",)),
    NavItem(
        "failed_deliveries",
        _("Failed deliveries"),
        "console:once_dead_letters",
        ("once.view_delivery", "once.change_delivery"),
    ),
    NavItem("subscribers", _("Tell us once partners"), "console:once_subscribers", ("once.view_subscriber",)),
    NavItem("audit", _("Audit log"), "console:audit", ("privacy.view_auditevent",)),
    NavItem("staff_audit", _("Staff audit log"), "console:staff_audit", ("privacy.view_auditevent",)),
    NavItem(
        "requests", _("Role requests"), "console:staff_requests", ("privacy.view_rolegrant", "privacy.change_rolegrant")
    ),
    NavItem("administration", _("Staff and settings"), "console:administration", ("privacy.change_user",)),
    NavItem(
        "staff_accounts",
        _("Staff accounts"),
        "console:staff_accounts",
        ("privacy.view_user", "privacy.add_user", "privacy.change_user"),
    ),
    NavItem("api", _("API documentation"), "api_docs", (), also=_has_a_role),
)

# Where each role starts, first match wins: the privacy officer at the audit search, front-line staff at the
# search box, the analyst at demand analysis, the administrator at staff and settings.
HOME_ORDER = ("audit", "search", "analysis", "administration", "services")


def navigation_for(user: Any) -> list[NavItem]:
    if not getattr(user, "is_authenticated", False):
        return []
    return [item for item in NAVIGATION if item.allowed(user)]


@dataclass(frozen=True)
class NavLink:
    """A navigation item as the header shows it, with its count worked out for this user."""

    key: str
    label: str | Promise
    url: str
    count: int | None


def navigation_links(user: Any) -> list[NavLink]:
    return [
        NavLink(item.key, item.label, item.url, item.counter(user) if item.counter is not None else None)
        for item in navigation_for(user)
    ]


def home_for(user: Any) -> str | None:
    """The URL of this member of staff's start page, or None when no role gives them any page."""
    allowed = {item.key: item for item in navigation_for(user)}
    for key in HOME_ORDER:
        if key in allowed:
            return allowed[key].url
    return None
