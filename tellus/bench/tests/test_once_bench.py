"""`tellus bench once` at a small scale, through the same code path as the full run: real `tellus worker`
processes, real receivers in a process of their own, signed acknowledgements. Nothing may be lost or duplicated."""

from __future__ import annotations

from typing import Any

import pytest

from tellus.bench.once import bench_once
from tellus.once.models import Acknowledgement, Delivery
from tellus.once.tests.test_reliability import shared_database  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def test_small_bench_delivers_every_change_once_and_is_acknowledged(
    shared_database: str,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATABASE_URL", shared_database)
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "tellus.settings.test")
    monkeypatch.setenv("TELLUS_ONCE_ALLOW_HTTP", "true")
    lines: list[str] = []
    result: dict[str, Any] = bench_once(events=20, subscribers=2, workers=1, rate=0, in_flight=4, say=lines.append)
    assert result["deliveries"] == 40
    assert result["lost"] == 0
    assert result["duplicated"] == 0
    assert result["refused_acknowledgements"] == 0
    assert Delivery.objects.filter(status=Delivery.Status.ACTIONED).count() == 40
    assert Acknowledgement.objects.count() == 40
    assert result["p50_s"] <= result["p95_s"] <= result["max_s"]
    assert result["throughput_per_s"] > 0 and result["baseline_per_s"] > 0
    assert any(line.startswith("Target p95 < 2 s") for line in lines)
    assert any("Lost: 0. Duplicated: 0" in line for line in lines)
