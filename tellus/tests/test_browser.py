"""Pages outside the console run under the Content-Security-Policy without breaking it: Swagger UI (served locally,
beside Tellus's own API docs page) and Django admin. The console's `page` fixture fails a test on any violation."""

from __future__ import annotations

import pytest

from tellus.privacy.tests.helpers import with_two_factor
from tellus.testing.browser import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_optional_swagger_ui_renders_under_the_policy(page, live_server) -> None:  # type: ignore[no-untyped-def]
    page.set_default_timeout(30_000)  # Swagger UI's bundle is large
    response = page.goto(f"{live_server.url}/api/v1/swagger/", wait_until="domcontentloaded")
    assert response is not None and "script-src 'self'" in response.headers["content-security-policy"]
    page.get_by_text("/api/v1/services/{code}").first.wait_for()


def test_django_admin_signs_in_and_lists_staff_under_the_policy(page, live_server, django_user_model) -> None:  # type: ignore[no-untyped-def]
    from django_otp.oath import totp

    root = with_two_factor(django_user_model.objects.create_superuser(username="root", password=PASSWORD))
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Username").fill("root")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/two-factor/verify/**")  # a superuser signs in with two factors, in admin too
    device = root.otp_device
    page.get_by_label("Code").fill(f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}")
    page.get_by_role("button", name="Continue").click()
    page.goto(f"{live_server.url}/admin/")
    page.get_by_role("heading", name="Site administration").wait_for()
    page.goto(f"{live_server.url}/admin/privacy/user/")
    page.locator("#result_list").wait_for()
