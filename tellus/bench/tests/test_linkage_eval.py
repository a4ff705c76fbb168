"""`tellus linkage-eval --dataset demo`: scored against the demo's ground truth, and says whether any twins or
fathers and sons named alike ended up as one person."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_linkage_eval_on_the_demo_town_counts_twins_and_fathers_and_sons_joined(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings.VAR_DIR = tmp_path
    call_command("demo", "--people", "300", "--no-serve", "--import-only", stdout=io.StringIO())
    demo = tmp_path / "demo"
    truth = {row["true_id"] for row in csv.DictReader((demo / "ground_truth.csv").open(encoding="utf-8"))}
    alike = list(csv.DictReader((demo / "look_alikes.csv").open(encoding="utf-8")))
    assert {row["kind"] for row in alike} <= {"twins", "father_and_son"}
    assert any(row["kind"] == "twins" for row in alike)
    assert all(row["true_id_a"] in truth and row["true_id_b"] in truth for row in alike)
    out = io.StringIO()

    call_command("linkage_eval", "--dataset", "demo", "--json", stdout=out)

    result = json.loads(out.getvalue())
    assert result["twins"] == sum(row["kind"] == "twins" for row in alike)
    assert result["father_and_son"] == sum(row["kind"] == "father_and_son" for row in alike)
    assert 0 <= result["joined_twins"] <= result["twins"]
    assert result["f1"] > 0.5
