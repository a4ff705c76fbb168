"""The resident's surveys in a real browser: answered in the portal with JavaScript off, and every page of it (and
the page where a letter's code is typed) checked by axe-core (WCAG 2.2 AA) at 1280 and 390 pixels wide."""

from __future__ import annotations

from typing import Any

import pytest

from tellus.feedback.models import SurveyInvitation, SurveyLetter, SurveyResponse
from tellus.feedback.tests.factories import met_need
from tellus.people.tests.factories import PersonFactory, SourceRecordFactory
from tellus.portal.tests.factories import RESIDENT_PASSWORD
from tellus.testing.browser import assert_no_axe_violations, new_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTHS = (1280, 390)


def _both_widths(page: Any, where: str) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert_no_axe_violations(page, f"{where} at {width} px")


def _press(page: Any, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


def _sign_in(page: Any, base: str) -> None:
    page.goto(f"{base}/my/sign-in/password/")
    page.get_by_label("Email address or account reference").fill("alice@example.org")
    page.get_by_label("Password", exact=True).fill(RESIDENT_PASSWORD)
    _press(page, "Sign in")


def _answer(page: Any, base: str, invitation: SurveyInvitation, check: Any) -> None:
    page.goto(f"{base}/my/surveys/")
    check("the surveys waiting")
    with page.expect_navigation():
        page.get_by_role("link", name=f"Your request to {invitation.service.name}").click()
    check("a survey in the portal")
    _press(page, "Send")
    assert "Answer at least one question" in page.locator("main").inner_text()
    check("a survey in the portal with an error")
    page.get_by_label("Strongly agree").first.check()
    _press(page, "Send")
    assert "Thank you" in page.locator("main").inner_text()
    check("the thank-you page")


def test_a_resident_answers_a_survey_in_the_portal_without_javascript(
    page_without_javascript: Any, live_server: Any, resident: Any
) -> None:
    invitation = SurveyInvitation.objects.get(need=met_need(person=resident.person))
    _sign_in(page_without_javascript, live_server.url)

    _answer(page_without_javascript, live_server.url, invitation, lambda where: None)

    assert SurveyResponse.objects.get(invitation=invitation).satisfaction == 5


def test_the_portal_survey_pages_and_the_letter_code_page_pass_axe(browser: Any, live_server: Any, resident: Any):
    invitation = SurveyInvitation.objects.get(need=met_need(person=resident.person))
    page = new_page(browser)
    _sign_in(page, live_server.url)
    _answer(page, live_server.url, invitation, lambda where: _both_widths(page, where))

    person = PersonFactory()
    SourceRecordFactory(person=person, email="", phone="")
    met_need(person=person)
    code = SurveyLetter.objects.get().code
    page.goto(f"{live_server.url}/feedback/survey/")
    _both_widths(page, "the page for a letter's code")
    page.get_by_label("Code").fill("nonsense")
    _press(page, "Continue")
    _both_widths(page, "the page for a letter's code with an error")
    page.get_by_label("Code").fill(f"{code[:5].lower()}-{code[5:]}")
    _press(page, "Continue")
    assert "Tell us how we did" in page.locator("h1").inner_text()
