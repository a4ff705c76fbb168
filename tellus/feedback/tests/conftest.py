from __future__ import annotations

from collections.abc import Iterator

import pytest

from tellus.common import sms


@pytest.fixture(autouse=True)
def sms_outbox() -> Iterator[list[sms.TextMessage]]:
    """Text messages sent in a test, emptied before each one (the test settings keep them in memory)."""
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()
