"""Each resident journey in a real browser: walked with JavaScript switched off (resident pages must work without it),
every page checked by axe-core (WCAG 2.2 AA) at 1280 and 390 px wide in a browser with JavaScript on (axe runs in
the page) and for reflow (no sideways scrolling), and the main actions reached with the keyboard alone, with the
focus visible.

Every wait has a timeout (tellus.testing.browser), so a page that never answers fails the test instead of hanging it.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from typing import Any

import pytest
from django.core import mail

from tellus.capacities.models import Capacity, PersonCapacity
from tellus.demand.models import Channel
from tellus.demand.services import contact_log
from tellus.demand.tests.factories import ServiceFactory
from tellus.people.selectors import person_get_for_staff
from tellus.people.tests.factories import PersonFactory, SourceRecordFactory, SourceSystemFactory
from tellus.portal.models import ResidentAccount
from tellus.portal.services import invitation_issue
from tellus.portal.tests.conftest import link_from_last_email
from tellus.portal.tests.factories import RESIDENT_PASSWORD, ResidentAccountFactory
from tellus.privacy.models import AuditAction, AuditEvent
from tellus.privacy.services import Actor
from tellus.rights.models import ConsentRecord, CorrectionRequest
from tellus.rights.tests.conftest import seed_consent_purposes
from tellus.testing.browser import DESKTOP, MOBILE, assert_no_axe_violations, focused, new_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"desktop": DESKTOP, "mobile": MOBILE}
# The first consent purpose the rights app's migration 0003 adds.
SHARE_WITH_SERVICES = "Tell other council services when I tell one of them something has changed"
FOCUS_YELLOW = "rgb(255, 221, 0)"  # tellus.css --focus


@pytest.fixture
def looked_at(alice: Any, officer: Any) -> Any:
    """Alice, with a second record, a capacity, a contact and an open request, looked at by an officer in the
    Customer services team for casework, and once more for a fraud investigation (withheld from her)."""
    seed_consent_purposes()  # the browser tests empty the database, migrations' rows included
    officer.team = "Customer services"
    officer.save()
    rates = SourceSystemFactory(name="rates", title="Council tax", kind="rates", owning_team="Revenues")
    SourceRecordFactory(person=alice, source_system=rates, source_key="CT-7", address="1 Station Road, Tellham")
    PersonCapacity.objects.create(person=alice, capacity=Capacity.ELECTOR, valid_from=dt.date(2020, 1, 1), rule="r")
    contact_log(
        actor=Actor.system("test"),
        purpose="enquiry",
        channel=Channel.PHONE,
        words="My green bin was missed again on Tuesday",
        person=alice,
        service=ServiceFactory(name="Bins"),
        need_summary="Green bin collected",
        demand_type="failure",
        failure_cause="not_done",
    )
    person_get_for_staff(actor=Actor.for_user(officer), purpose="casework", person_id=alice.pk)
    AuditEvent.objects.create(
        actor=officer,
        actor_label=officer.username,
        action=AuditAction.VIEW,
        object_type="people.person",
        object_id=str(alice.pk),
        subject_person_id=alice.pk,
        purpose="fraud_investigation",
    )
    return alice


def go(page: Any, link_name: str) -> None:
    """Follow a link by its words, waiting for the next page."""
    with page.expect_navigation():
        page.get_by_role("link", name=link_name, exact=True).first.click()


def press(page: Any, button_name: str) -> None:
    """Press a button by its words, waiting for the next page."""
    with page.expect_navigation():
        page.get_by_role("button", name=button_name, exact=True).click()


def text(page: Any) -> str:
    return str(page.locator("main").inner_text())


def sign_in_with_password(page: Any, base_url: str, identifier: str = "alice@example.org") -> None:
    page.goto(f"{base_url}/my/sign-in/password/")
    page.get_by_label("Email address or account reference").fill(identifier)
    page.get_by_label("Password", exact=True).fill(RESIDENT_PASSWORD)
    press(page, "Sign in")
    assert page.url == f"{base_url}/my/"


# --- Without JavaScript: every journey works -----------------------------------------------------------------------


def test_the_page_without_javascript_really_runs_none(page_without_javascript):
    page_without_javascript.set_content("<title>before</title><script>document.title = 'ran'</script>")

    assert page_without_javascript.title() == "before"


def test_a_resident_signs_in_with_an_email_link_and_walks_every_journey_without_javascript(
    page_without_javascript, live_server, looked_at
):
    page = page_without_javascript
    page.goto(f"{live_server.url}/my/")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in with your email address").click()
    press(page, "Send me a link")
    assert "Enter your email address" in text(page)
    page.get_by_label("Email address").fill("alice@example.org")
    press(page, "Send me a link")
    assert page.url.endswith("/my/sign-in/check-your-email/")

    link = link_from_last_email()
    page.goto(link)
    assert "This link signs you in once." in text(page)
    press(page, "Sign in")
    assert "Hello, Alice Example" in text(page)
    assert ResidentAccount.objects.get(person=looked_at).tied_by == ResidentAccount.TiedBy.EMAIL_ON_RECORD

    # My record: each system in plain words, capacities, requests and contacts in her own words.
    go(page, "What the council holds about you")
    record = text(page)
    assert "The library knows you as Alice Example." in record
    assert "The rates team knows you as Alice Example." in record
    assert "The team that looks after it is Revenues." in record
    assert "Someone who is on the electoral roll" in record
    assert "Green bin collected" in record
    assert "My green bin was missed again on Tuesday" in record

    # Who has looked: the officer's team, role and purpose, never the name; the fraud look withheld and counted.
    go(page, "Who has looked")
    looked = text(page)
    row = page.get_by_role("row").filter(has_text="Casework")
    assert row.get_by_role("cell").all_inner_texts()[1:5] == [
        "A member of staff",
        "Customer services",
        "Front-line officer",
        "Viewed: your record",
    ]
    assert "1 look is withheld under the crime and taxation exemption" in looked
    assert "Fraud investigation" not in looked
    assert "officer" not in looked.replace("Front-line officer", "")

    # A copy of my data, downloaded at once.
    go(page, "Get a copy")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download a copy of my data").click()
    path = download.value.path()
    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as archive:
        data = json.loads(archive.read("your-data.json"))
        assert "Alice Example" in archive.read("summary.html").decode()
    assert {r["reference"] for r in data["source_records"]} == {"LIB-1", "CT-7"}
    assert list(data["withheld"].values()) == [1]

    # Give a consent, then withdraw it: one button each.
    go(page, "Consents")
    press(page, f"Give my consent to: {SHARE_WITH_SERVICES}")
    assert "You have given your consent." in text(page)
    press(page, f"Withdraw my consent to: {SHARE_WITH_SERVICES}")
    assert "You have withdrawn your consent." in text(page)
    consent = ConsentRecord.objects.get(person=looked_at)
    assert consent.given_at is not None and consent.withdrawn_at is not None

    # Flag a correction in her own words; it waits for the team that keeps the record.
    go(page, "Corrections")
    press(page, "Send")
    assert "Choose which record is wrong" in text(page)
    page.get_by_label("Which record").select_option(label="Tellham Libraries (LIB-1)")
    page.get_by_label("Which detail").select_option(label="Email address")
    page.get_by_label("What is wrong, and what should it say?").fill("My email is alice@example.com now.")
    press(page, "Send")
    assert "Waiting for the team" in text(page)
    request = CorrectionRequest.objects.get(person=looked_at)
    assert (request.owning_team, request.words) == ("Libraries", "My email is alice@example.com now.")

    press(page, "Sign out")
    assert "You have signed out." in text(page)

    # The link worked once: used again, it is refused.
    page.goto(link)
    assert "You cannot sign in with this link" in text(page)
    page.goto(f"{live_server.url}/my/record/")
    assert page.url.startswith(f"{live_server.url}/my/sign-in/?next=")


def test_a_resident_with_no_email_opens_an_account_with_an_invitation_code_without_javascript(
    page_without_javascript, live_server, officer
):
    nora = PersonFactory(display_name="Nora Nofixed")
    code = invitation_issue(actor=Actor.for_user(officer), purpose="enquiry", person_id=nora.pk).code
    page = page_without_javascript
    page.goto(f"{live_server.url}/my/")
    go(page, "Use an invitation code from a council office")

    page.get_by_label("Invitation code").fill(code)
    press(page, "Open my account")
    assert "There is a problem" in text(page)  # no email address, so a password is needed

    page.get_by_label("Invitation code").fill(code)
    page.get_by_label("Choose a password").fill("a long new passphrase")
    press(page, "Open my account")
    assert "Hello, Nora Nofixed" in text(page)
    reference = ResidentAccount.objects.get(person=nora).reference
    assert f"Your account reference is {reference}" in text(page)

    press(page, "Sign out")
    page.goto(f"{live_server.url}/my/sign-in/password/")
    page.get_by_label("Email address or account reference").fill(reference)
    page.get_by_label("Password", exact=True).fill("a long new passphrase")
    press(page, "Sign in")
    assert "Hello, Nora Nofixed" in text(page)


def test_a_resident_sets_a_password_and_signs_in_with_it_without_javascript(
    page_without_javascript, live_server, alice
):
    ResidentAccountFactory(person=alice, email="alice@example.org", reference="RALICE01", password="")
    page = page_without_javascript
    page.goto(f"{live_server.url}/my/sign-in/password/")
    page.get_by_label("Email address or account reference").fill("alice@example.org")
    page.get_by_label("Password", exact=True).fill("not the password at all")
    press(page, "Sign in")
    assert "There is a problem" in text(page)
    assert mail.outbox == []

    page.goto(f"{live_server.url}/my/sign-in/")
    page.get_by_label("Email address").fill("alice@example.org")
    press(page, "Send me a link")
    page.goto(link_from_last_email())
    press(page, "Sign in")
    go(page, "Set a password")
    page.get_by_label("New password").fill("short")
    press(page, "Save password")
    assert "There is a problem" in text(page)
    page.get_by_label("New password").fill("three random words here")
    press(page, "Save password")
    assert "Your password is set." in text(page)
    press(page, "Sign out")

    page.goto(f"{live_server.url}/my/sign-in/password/")
    page.get_by_label("Email address or account reference").fill("RALICE01")
    page.get_by_label("Password", exact=True).fill("three random words here")
    press(page, "Sign in")
    assert "Hello, Alice Example" in text(page)


# --- With JavaScript on: axe-core on every page, at both widths ----------------------------------------------------


@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_every_resident_page_passes_axe_at_desktop_and_mobile_width(browser, live_server, width, looked_at, officer):
    ResidentAccountFactory(person=looked_at, email="alice@example.org", reference="RALICE01")
    page = new_page(browser, viewport=WIDTHS[width])
    base = live_server.url

    def check(where: str) -> None:
        assert_no_axe_violations(page, f"{where} ({width}, {page.url})")
        # Reflow: the page never scrolls sideways (a wide table scrolls inside its own box).
        scroll_width, client_width = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert scroll_width <= client_width, f"{where} ({width}) is {scroll_width} px wide in {client_width} px"

    page.goto(f"{base}/my/")
    check("the start page")
    page.goto(f"{base}/my/sign-in/")
    check("the email sign-in page")
    press(page, "Send me a link")
    check("the email sign-in page with an error")
    page.get_by_label("Email address").fill("alice@example.org")
    press(page, "Send me a link")
    check("the check-your-email page")
    link = link_from_last_email()
    page.goto(link)
    check("the link's continue page")
    page.goto(re.sub(r"/link/[^/]+/", "/link/forged-token/", link))
    check("the refused-link page")
    page.goto(f"{base}/my/invitation/")
    check("the invitation page")
    press(page, "Open my account")
    check("the invitation page with errors")
    page.goto(f"{base}/my/sign-in/password/")
    press(page, "Sign in")
    check("the password sign-in page with errors")

    sign_in_with_password(page, base)
    check("the signed-in home page")
    for link_name, where in [
        ("What we hold", "the record page"),
        ("Who has looked", "the who-has-looked page"),
        ("Get a copy", "the copy page"),
    ]:
        go(page, link_name)
        check(where)

    go(page, "Consents")
    check("the consents page")
    press(page, f"Give my consent to: {SHARE_WITH_SERVICES}")
    check("the consents page after giving one")
    press(page, f"Withdraw my consent to: {SHARE_WITH_SERVICES}")
    check("the consents page after withdrawing one, with the history")

    go(page, "Corrections")
    check("the corrections page")
    press(page, "Send")
    check("the corrections page with errors")
    page.get_by_label("Which record").select_option(label="Council tax (CT-7)")
    page.get_by_label("Which detail").select_option(label="Address")
    page.get_by_label("What is wrong, and what should it say?").fill("I moved to 3 Mill Lane.")
    press(page, "Send")
    check("the corrections page with a request")

    page.goto(f"{base}/my/password/")
    check("the password page")
    page.get_by_label("New password").fill("short")
    press(page, "Save password")
    check("the password page with an error")

    press(page, "Sign out")
    check("the start page after signing out")

    for _attempt in range(6):  # the sixth failure in a row is refused before the password is even looked at
        page.goto(f"{base}/my/sign-in/password/")
        page.get_by_label("Email address or account reference").fill("RALICE01")
        page.get_by_label("Password", exact=True).fill("wrong password here")
        press(page, "Sign in")
    assert "Too many attempts" in text(page)
    check("the too-many-attempts page")


# --- The keyboard alone ----------------------------------------------------------------------------------------------


def tab_to(page: Any, matches: Any, limit: int = 40) -> dict[str, str]:
    """Press Tab until the focused element matches (a predicate on `focused`), and check its focus is visible."""
    seen = []
    for _press in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        if matches(now):
            assert_focus_visible(page, now)
            return now
        seen.append(now["text"] or now["name"] or now["tag"])
    raise AssertionError(f"Tab never reached it in {limit} presses; it went to {seen}")


def named(words: str) -> Any:
    return lambda f: f["text"] == words


def assert_focus_visible(page: Any, what: dict[str, str]) -> None:
    """The focused element shows the focus style: the GOV.UK yellow as its outline, background or shadow."""
    style = page.evaluate(
        """() => {
            const el = document.activeElement, s = getComputedStyle(el);
            return {visible: el.matches(':focus-visible'), outline: s.outlineStyle !== 'none' ? s.outlineColor : '',
                    background: s.backgroundColor, shadow: s.boxShadow};
        }"""
    )
    assert style["visible"], f"{what} has the focus but not :focus-visible"
    shown = [style["outline"], style["background"], style["shadow"]]
    assert any(FOCUS_YELLOW in part for part in shown), f"{what} has no visible focus style: {style}"


def test_the_skip_link_comes_first_and_takes_the_keyboard_to_the_main_content(page, live_server):
    page.goto(f"{live_server.url}/my/")

    skip = tab_to(page, named("Skip to main content"), limit=1)
    page.keyboard.press("Enter")

    assert skip["tag"] == "A"
    assert focused(page)["id"] == "main-content"
    assert tab_to(page, named("Sign in with your email address"), limit=1)["tag"] == "A"


def test_a_resident_signs_in_with_a_password_and_reaches_every_main_action_with_the_keyboard_alone(
    page, live_server, looked_at
):
    ResidentAccountFactory(person=looked_at, email="alice@example.org", reference="RALICE01")
    seed_consent_purposes()
    page.goto(f"{live_server.url}/my/")
    tab_to(page, named("Sign in with a password"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/my/sign-in/password/")
    tab_to(page, lambda f: f["name"] == "identifier")
    page.keyboard.type("alice@example.org")
    tab_to(page, lambda f: f["name"] == "password", limit=1)
    page.keyboard.type(RESIDENT_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Hello, Alice Example" in text(page)

    for action in [
        "What the council holds about you",
        "Who has looked at your record",
        "Get a copy of your data",
        "Tell us something is wrong",
        "Your consents",
        "Change your password",
    ]:
        page.goto(f"{live_server.url}/my/")
        tab_to(page, named(action))
    tab_to(page, named("Sign out"))

    page.goto(f"{live_server.url}/my/copy/")
    tab_to(page, named("Download a copy of my data"))

    page.goto(f"{live_server.url}/my/consents/")
    tab_to(page, named(f"Give my consent to: {SHARE_WITH_SERVICES}"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "You have given your consent." in text(page)
    tab_to(page, named(f"Withdraw my consent to: {SHARE_WITH_SERVICES}"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "You have withdrawn your consent." in text(page)

    page.goto(f"{live_server.url}/my/corrections/")
    tab_to(page, lambda f: f["name"] == "record")
    tab_to(page, lambda f: f["name"] == "field", limit=1)
    tab_to(page, lambda f: f["name"] == "words", limit=1)
    tab_to(page, named("Send"), limit=1)
