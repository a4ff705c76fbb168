"""How Open311 statuses and Tellus need statuses map to each other.

GeoReport v2 knows only open and closed. mySociety's servicerequestupdates extension, which FixMyStreet
speaks, adds finer statuses; updates Tellus sends use them, and updates clients post may use any of them."""

from __future__ import annotations

from tellus.demand.models import NeedStatus


def request_status(need_status: str) -> str:
    """GeoReport v2 status of a request whose need has this status."""
    return "open" if need_status in (NeedStatus.OPEN, NeedStatus.IN_PROGRESS) else "closed"


# Extended status (as clients post it, upper case) -> the need status it means.
INCOMING: dict[str, NeedStatus] = {
    "OPEN": NeedStatus.OPEN,
    "REOPEN": NeedStatus.OPEN,  # FixMyStreet marks a reopened report so (mark_reopen)
    "FOR_TRIAGE": NeedStatus.OPEN,
    "IN_PROGRESS": NeedStatus.IN_PROGRESS,
    "ACTION_SCHEDULED": NeedStatus.IN_PROGRESS,
    "INVESTIGATING": NeedStatus.IN_PROGRESS,
    "FIXED": NeedStatus.MET,
    "CLOSED": NeedStatus.MET,
    "DUPLICATE": NeedStatus.CLOSED_OTHER,
    "NOT_COUNCILS_RESPONSIBILITY": NeedStatus.CLOSED_OTHER,
    "NO_FURTHER_ACTION": NeedStatus.CLOSED_OTHER,
    "UNABLE_TO_FIX": NeedStatus.CLOSED_OTHER,
    "WONT_FIX": NeedStatus.CLOSED_OTHER,
    "INTERNAL_REFERRAL": NeedStatus.CLOSED_OTHER,
    "CANCELLED": NeedStatus.CLOSED_OTHER,
}

# Need status -> extended status in the updates Tellus publishes (lower case, as FixMyStreet reads them).
OUTGOING: dict[str, str] = {
    NeedStatus.OPEN: "open",
    NeedStatus.IN_PROGRESS: "in_progress",
    NeedStatus.MET: "fixed",
    NeedStatus.CLOSED_OTHER: "no_further_action",
}
