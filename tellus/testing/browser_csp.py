"""Browser tests run under Tellus's Content-Security-Policy and fail on any violation of it.

Chromium reports each violation as a console error ("Refused to apply inline style because it violates the
following Content Security Policy directive…"); an init script also reports every `securitypolicyviolation`
event the same way, so nothing the page blocks goes unseen. The browser fixture calls these two functions."""

from __future__ import annotations

from typing import Any

import pytest

REPORT_VIOLATIONS = """
document.addEventListener('securitypolicyviolation', (event) => {
  console.error(`Content Security Policy violation: ${event.violatedDirective} blocked ${event.blockedURI || 'inline'}`
    + ` at ${event.sourceFile || event.documentURI}:${event.lineNumber}`);
});
"""


def watch_for_csp_violations(context: Any) -> list[str]:
    """Start collecting CSP violations on every page of a Playwright browser context; returns the live list."""
    violations: list[str] = []
    context.add_init_script(REPORT_VIOLATIONS)

    def on_console(message: Any) -> None:
        if "Content Security Policy" in message.text:
            violations.append(f"{message.location.get('url', '')}: {message.text}")

    context.on("console", on_console)
    return violations


def fail_on_csp_violations(violations: list[str]) -> None:
    if violations:
        pytest.fail("The page broke its Content-Security-Policy:\n" + "\n".join(dict.fromkeys(violations)))
