"""The listening pages in a real browser, checked by axe-core (WCAG 2.2 AA) at 1280 and 390 pixels wide: the
resident's survey with JavaScript turned off, the public "You said, we did", and the staff pages for complaints,
themes and the listening dashboard."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail

from tellus.feedback import complaints as loop
from tellus.feedback.changes import change_publish
from tellus.feedback.models import SurveyResponse, Theme
from tellus.feedback.themes import themes_refresh
from tellus.testing.browser import assert_no_axe_violations, sign_in

from .factories import OFFICER, met_need

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTHS = (1280, 390)


def _both_widths(page: Any, where: str) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert_no_axe_violations(page, f"{where} at {width} px")


@pytest.fixture
def survey_link(settings: Any, live_server: Any) -> str:
    settings.TELLUS_PUBLIC_URL = live_server.url
    met_need()  # on_commit runs: these tests commit for real
    return re.search(r"http\S+/feedback/survey/[^/\s]+/", mail.outbox[-1].body).group(0)


def test_a_resident_answers_the_survey_with_javascript_off_using_the_keyboard(page, survey_link):
    page.context.close()  # a fresh context with JavaScript turned off
    browser = page.context.browser
    context = browser.new_context(locale="en-GB", java_script_enabled=False)
    no_js = context.new_page()
    no_js.goto(survey_link)
    assert no_js.get_by_role("heading", level=1, name="Tell us how we did").is_visible()
    no_js.get_by_role("group", name="I was treated fairly.").get_by_label("Strongly agree").check()
    no_js.get_by_label("Is there anything else you want to tell us?").fill("Quick and kind.")
    no_js.keyboard.press("Tab")
    no_js.keyboard.press("Space")  # the "tell me what changes" box, reached by keyboard
    with no_js.expect_navigation():
        no_js.get_by_role("button", name="Send").click()
    assert "Thank you" in no_js.content()
    saved = SurveyResponse.objects.get()
    assert (saved.equity, saved.comment, saved.wants_updates) == (5, "Quick and kind.", True)
    context.close()


def test_the_survey_its_errors_and_its_used_link_have_no_accessibility_violations(page, survey_link):
    page.goto(survey_link)
    _both_widths(page, "the survey")
    page.get_by_label("Is there anything else you want to tell us?").fill("x" * 2001)
    with page.expect_navigation():
        page.get_by_role("button", name="Send").click()
    assert "There is a problem" in page.content()
    _both_widths(page, "the survey with an error")
    page.get_by_label("Is there anything else you want to tell us?").fill("Fine")
    with page.expect_navigation():
        page.get_by_role("button", name="Send").click()
    _both_widths(page, "the thank-you page")
    page.goto(survey_link)
    assert "already been answered" in page.content()
    _both_widths(page, "a used link")


def test_complaints_themes_the_dashboard_and_the_public_page_have_no_violations(
    page, live_server, caseworker, django_user_model
):
    from django.contrib.auth.models import Group

    from tellus.privacy import roles
    from tellus.testing.browser import PASSWORD

    need = met_need()
    complaint = loop.feedback_record(
        actor=OFFICER, purpose="casework", kind="complaint", channel="phone", words="The bin was missed", need=need
    )
    for words in ("Missed bin collection", "The bin collection was missed", "Phone wait on hold", "On hold"):
        loop.feedback_record(actor=OFFICER, purpose="casework", kind="comment", channel="web", words=words)
    themes_refresh(actor=OFFICER, count=2, include_contacts=False)
    change_publish(theme=Theme.objects.first(), you_said="Bins missed", we_did="A second crew", actor=OFFICER)
    page.set_default_timeout(60_000)

    sign_in(page, live_server.url, "caseworker", purpose="Casework")
    page.goto(f"{live_server.url}/feedback/complaints/")
    _both_widths(page, "the complaints list")
    with page.expect_navigation():
        page.get_by_role("link", name=f"Complaint {complaint.pk}").click()
    _both_widths(page, "a complaint")
    with page.expect_navigation():
        page.get_by_role("button", name="Acknowledge").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Extend").click()
    assert "There is a problem" in page.content()
    _both_widths(page, "a complaint with an error")
    page.goto(f"{live_server.url}/feedback/new/")
    _both_widths(page, "recording feedback")

    manager = django_user_model.objects.create_user(username="manager", password=PASSWORD)
    manager.groups.add(Group.objects.get(name=roles.SERVICE_MANAGER))
    page.context.clear_cookies()
    sign_in(page, live_server.url, "manager", purpose="Managing a service")
    for path in ("/feedback/themes/", "/insight/listening/"):
        page.goto(f"{live_server.url}{path}")
        _both_widths(page, path)
    page.goto(f"{live_server.url}/feedback/you-said-we-did/")
    assert "A second crew" in page.content()
    _both_widths(page, "You said, we did")
