"""Staff roles and what each may do. This table is the permission matrix; docs/permissions.md is made from it.

A role is a Django group. `sync_roles` makes the groups match this table after every migration, so a council
never edits role permissions by hand in one place and forgets another.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from .models import Purpose


@dataclass(frozen=True)
class Capability:
    """One thing a role may do, in words a council uses, and the Django permissions behind it."""

    key: str
    description: str
    permissions: tuple[str, ...]


CAPABILITIES: tuple[Capability, ...] = (
    Capability(
        "find_people",
        "Search for people and open a person's page (audited)",
        ("people.view_person", "people.view_sourcerecord"),
    ),
    Capability("view_audit", "See every audit entry about a person", ("privacy.view_auditevent",)),
    Capability(
        "review_links",
        "Work the linkage review queue: confirm, reject or mark pairs not sure (audited)",
        ("linkage.view_candidatepair", "linkage.change_candidatepair"),
    ),
    Capability(
        "merge_people",
        "Merge two people, undo a merge, split a record off a person (audited)",
        ("linkage.add_personmerge", "linkage.change_personmerge", "linkage.add_recordsplit"),
    ),
    Capability(
        "manage_sources",
        "Manage source systems and the property gazetteer in admin",
        (
            "people.view_sourcesystem",
            "people.add_sourcesystem",
            "people.change_sourcesystem",
            "people.view_property",
            "people.add_property",
            "people.change_property",
        ),
    ),
    Capability("view_imports", "See the history of extract imports", ("people.view_importrun",)),
    Capability(
        "see_capacities",
        "See in which capacities the council deals with a person, with the evidence (audited)",
        ("capacities.view_personcapacity",),
    ),
    Capability(
        "read_catalogue",
        "Read the service catalogue, customer lists, community considerations and rights texts",
        (
            "catalogue.view_service",
            "catalogue.view_serviceattribute",
            "catalogue.view_customergroup",
            "catalogue.view_communityconsideration",
            "catalogue.view_customerlistworksheet",
            "catalogue.view_rightsandresponsibilities",
        ),
    ),
    Capability(
        "build_customer_lists",
        "Build a service's customer list with Simons' questions: add, change and remove groups and segments",
        (
            "catalogue.change_customerlistworksheet",
            "catalogue.add_customergroup",
            "catalogue.change_customergroup",
            "catalogue.delete_customergroup",
        ),
    ),
    Capability(
        "log_contacts",
        "Log contacts in the person's words, and open, change and hand off their needs (audited)",
        ("demand.view_contact", "demand.add_contact", "demand.view_need", "demand.add_need", "demand.change_need"),
    ),
    Capability(
        "read_demand", "Read people's contacts and needs (audited)", ("demand.view_contact", "demand.view_need")
    ),
    Capability(
        "analyse_demand",
        "See demand analysis: value and failure demand, end-to-end time, capability charts (aggregates only)",
        ("insight.view_demand_analysis",),
    ),
    Capability(
        "read_statements",
        "Read a person's or household's give-and-take statement (audited)",
        ("ledger.view_statement",),
    ),
    Capability(
        "analyse_give_and_take",
        "See give-and-take distributions by ward, capacity, age band and needs driver (aggregates only)",
        ("ledger.view_distribution",),
    ),
    Capability(
        "see_consents",
        "See what a person has consented to, and when they withdrew (audited)",
        ("rights.view_consentrecord",),
    ),
    Capability(
        "handle_corrections",
        "Work residents' correction requests: correct the record or refuse, with a reply (audited)",
        ("rights.view_correctionrequest", "rights.change_correctionrequest"),
    ),
    Capability(
        "record_feedback",
        "Record complaints, compliments and comments in the person's words (audited)",
        ("feedback.add_feedback",),
    ),
    Capability(
        "handle_complaints",
        "Work complaints through their closed loop: acknowledge, investigate, extend, respond, learn (audited)",
        ("feedback.view_feedback", "feedback.change_feedback"),
    ),
    Capability(
        "keep_themes",
        'Rename, merge and split themes, and publish "You said, we did" changes',
        ("feedback.view_theme", "feedback.change_theme", "feedback.add_change"),
    ),
    Capability(
        "analyse_listening",
        "See the listening dashboard: scores, confidence intervals, response rates, theme trends (aggregates only)",
        ("feedback.view_listening_analysis",),
    ),
    Capability(
        "read_comments",
        "Read the survey comments behind a score (audited)",
        ("feedback.view_listening_analysis", "feedback.read_comments"),
    ),
    Capability(
        "tell_us_once",
        "Report a change of circumstances on someone's behalf and see what each service was told (audited)",
        ("once.add_changereport", "once.view_changereport", "once.view_delivery"),
    ),
    Capability(
        "retry_deliveries",
        "See Tell us once deliveries that failed (the dead-letter list) and send them again (audited)",
        ("once.view_delivery", "once.change_delivery"),
    ),
    Capability(
        "manage_subscribers",
        "Manage the services and partners Tell us once tells: addresses, secrets, kinds of change, fields (audited)",
        ("once.view_subscriber", "once.add_subscriber", "once.change_subscriber"),
    ),
    Capability(
        "see_adjustments",
        "See the adjustments to make for a person (large print, an interpreter), not the needs behind them (audited)",
        ("inclusion.view_adjustment",),
    ),
    Capability(
        "read_needs",
        "See a person's needs behind their adjustments, for casework or a privacy review, giving a reason (audited)",
        ("inclusion.view_supportneed",),
    ),
    Capability(
        "record_needs",
        "Record, review and end needs and adjustments (audited)",
        (
            "inclusion.add_supportneed",
            "inclusion.change_supportneed",
            "inclusion.add_adjustment",
            "inclusion.change_adjustment",
        ),
    ),
    Capability(
        "see_contact_routes",
        "See a person's representatives, where their letters go and their declaration of local connection (audited)",
        ("people.view_representative", "inclusion.view_correspondenceroute", "inclusion.view_localconnection"),
    ),
    Capability(
        "manage_contact_routes",
        "Record representatives, how to reach someone, no fixed address and local connection (audited)",
        (
            "people.add_representative",
            "people.change_representative",
            "inclusion.add_correspondenceroute",
            "inclusion.add_localconnection",
        ),
    ),
    Capability(
        "coordinate_support",
        "See people in touch with three or more services in 90 days, to join up their support (casework; audited)",
        ("inclusion.view_joined_up_support",),
    ),
    Capability(
        "analyse_equity",
        "See the equity dashboard: outcomes by group against everyone else (aggregates only, small groups hidden)",
        ("inclusion.view_equity",),
    ),
    Capability(
        "manage_staff",
        "Add staff accounts, assign roles and teams, switch accounts off and reset two-factor in the console",
        ("privacy.view_user", "privacy.add_user", "privacy.change_user", "auth.view_group"),
    ),
    Capability(
        "manage_api_clients",
        "Manage Open311 clients in the console: create a key (shown once), set its rate limit, revoke it",
        ("open311.view_apiclient", "open311.add_apiclient", "open311.change_apiclient"),
    ),
    Capability(
        "approve_roles",
        "Approve or refuse another's request to give the privacy officer or administrator role (never their own)",
        ("privacy.view_rolegrant", "privacy.change_rolegrant"),
    ),
)

FRONT_LINE_OFFICER = "Front-line officer"
CASEWORKER = "Caseworker"
SERVICE_MANAGER = "Service manager"
ANALYST = "Analyst"
PRIVACY_OFFICER = "Privacy officer"
ADMINISTRATOR = "Administrator"
COUNTER_FRAUD = "Counter-fraud investigator"

# Role -> capability keys. Analysts work on aggregates and never open an individual's record.
ROLES: dict[str, tuple[str, ...]] = {
    FRONT_LINE_OFFICER: (
        "find_people",
        "see_capacities",
        "read_catalogue",
        "log_contacts",
        "see_consents",
        "record_feedback",
        "read_statements",
        "tell_us_once",
        "see_adjustments",
        "see_contact_routes",
    ),
    CASEWORKER: (
        "find_people",
        "review_links",
        "merge_people",
        "see_capacities",
        "read_catalogue",
        "log_contacts",
        "see_consents",
        "handle_corrections",
        "record_feedback",
        "handle_complaints",
        "read_statements",
        "tell_us_once",
        "retry_deliveries",
        "see_adjustments",
        "read_needs",
        "record_needs",
        "see_contact_routes",
        "manage_contact_routes",
        "coordinate_support",
    ),
    SERVICE_MANAGER: (
        "find_people",
        "view_imports",
        "see_capacities",
        "read_catalogue",
        "build_customer_lists",
        "read_demand",
        "analyse_demand",
        "handle_complaints",
        "keep_themes",
        "analyse_listening",
        "read_comments",
        "read_statements",
        "analyse_give_and_take",
        "see_adjustments",
        "analyse_equity",
    ),
    ANALYST: (
        "view_imports",
        "read_catalogue",
        "analyse_demand",
        "analyse_listening",
        "analyse_give_and_take",
        "analyse_equity",
    ),
    PRIVACY_OFFICER: (
        "find_people",
        "view_audit",
        "view_imports",
        "see_capacities",
        "read_catalogue",
        "see_consents",
        "handle_corrections",
        "approve_roles",
        "see_adjustments",
        "read_needs",
        "see_contact_routes",
    ),
    ADMINISTRATOR: (
        "manage_sources",
        "view_imports",
        "manage_staff",
        "approve_roles",
        "manage_api_clients",
        "retry_deliveries",
        "manage_subscribers",
    ),
    # Looks made for fraud or crime are withheld from the person (an exemption), so this role is granted only with
    # a second person's approval and signs in with two factors (privacy/staff.py, privacy/two_factor.py).
    COUNTER_FRAUD: (
        "find_people",
        "see_capacities",
        "read_catalogue",
        "read_demand",
        "read_statements",
        "see_consents",
        "see_adjustments",
    ),
}

# Role -> the purposes its members may state for looking at or changing personal data. A member of staff with
# several roles may state any purpose of any of them. Loading an extract is a command's purpose, never a person's.
ROLE_PURPOSES: dict[str, tuple[Purpose, ...]] = {
    FRONT_LINE_OFFICER: (Purpose.ENQUIRY,),
    CASEWORKER: (Purpose.ENQUIRY, Purpose.CASEWORK),
    SERVICE_MANAGER: (Purpose.SERVICE_MANAGEMENT,),
    ANALYST: (Purpose.ANALYSIS,),
    PRIVACY_OFFICER: (Purpose.PRIVACY_REVIEW,),
    ADMINISTRATOR: (Purpose.ADMINISTRATION,),
    COUNTER_FRAUD: (Purpose.FRAUD_INVESTIGATION, Purpose.CRIME_PREVENTION),
}

ROLE_STAFF_ADMIN = {ADMINISTRATOR}  # roles whose members may sign in to Django admin


def capability(key: str) -> Capability:
    return next(cap for cap in CAPABILITIES if cap.key == key)


def role_permissions(role: str) -> set[str]:
    return {perm for key in ROLES[role] for perm in capability(key).permissions}


def _permission_objects(codes: set[str]) -> list[Permission]:
    found = []
    for code in sorted(codes):
        app_label, codename = code.split(".", 1)
        found.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return found


@transaction.atomic
def sync_roles() -> None:
    for role in ROLES:
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set(_permission_objects(role_permissions(role)))


def sync_roles_after_migrate(*, app_config: Any, **kwargs: Any) -> None:
    # Permissions are created app by app as post_migrate is sent; only after the last app are they all there.
    from django.apps import apps

    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if app_config is with_models[-1]:
        sync_roles()


def role_purposes(role: str) -> tuple[Purpose, ...]:
    return ROLE_PURPOSES[role]


def permission_matrix_markdown() -> str:
    """The matrix as two Markdown tables, roles across: what each role can do, then the purposes it may state."""
    roles = list(ROLES)
    header = "|---|" + "---|" * len(roles)
    lines = ["| What they can do | " + " | ".join(roles) + " |", header]
    for cap in CAPABILITIES:
        marks = ["yes" if cap.key in ROLES[role] else "" for role in roles]
        lines.append(f"| {cap.description} | " + " | ".join(marks) + " |")
    lines += ["", "| Purposes they may state | " + " | ".join(roles) + " |", header]
    for purpose in Purpose:
        marks = ["yes" if purpose in ROLE_PURPOSES[role] else "" for role in roles]
        lines.append(f"| {purpose.label} (`{purpose.value}`) | " + " | ".join(marks) + " |")
    return "\n".join(lines) + "\n"
