"""The evidence kept with a pair or shown for a match: each comparison, the level found and what it counted."""

from __future__ import annotations

import json
import math
from typing import Any

import pandas as pd

from . import engine

# Splink saves custom comparisons without their descriptions, so the titles staff read live here.
COMPARISON_TITLES = {
    "first_name": "First name",
    "last_name": "Last name",
    "dob": "Date of birth",
    "postcode": "Postcode",
    "street_address": "House number and street",
    "town": "Town",
    "email": "Email address",
    "phone": "Phone number",
}


def comparison_title(name: str) -> str:
    return COMPARISON_TITLES.get(name, name.replace("_", " ").capitalize())


def evidence_lists(scored: pd.DataFrame, model: engine.TrainedModel) -> list[list[dict[str, Any]]]:
    """One evidence list per row of scored pairs (columns gamma_, label_, weight_, bf_ per comparison).

    Column-wise rather than row by row: tens of thousands of pairs take well under a second."""
    columns = {
        name: scored[name].tolist() for name in scored.columns if name.startswith(("gamma_", "label_", "weight_"))
    }
    return evidence_rows(columns, list(range(len(scored))), model)


def evidence_rows(scored: dict[str, Any], rows: list[int], model: engine.TrainedModel) -> list[list[dict[str, Any]]]:
    """evidence_lists for some rows of scored columns held as arrays (score_prepared_query's), in the order given."""
    names = [name for name in model.comparison_names if f"weight_{name}" in scored]
    out: list[list[dict[str, Any]]] = [[] for _ in rows]
    for name in names:
        labels, gammas, weights = scored[f"label_{name}"], scored[f"gamma_{name}"], scored[f"weight_{name}"]
        title = comparison_title(name)
        for items, row in zip(out, rows, strict=True):
            weight = float(weights[row])
            items.append(
                {
                    "code": name,
                    "comparison": title,
                    "level": labels[row],
                    "gamma": int(gammas[row]),
                    "weight": round(weight, 4),
                    "bayes_factor": 2.0**weight if math.isfinite(weight) and abs(weight) < 1000 else None,
                }
            )
    return out


def is_missing(item: dict[str, Any]) -> bool:
    return str(item.get("level", "")).lower().startswith("missing") or item.get("gamma") == -1


def _number(value: float) -> str:
    """A float as json.dumps writes it (so the text equals json.dumps of evidence_lists' dicts): its repr when
    finite, which is what the json module writes, at a fifth of the cost of calling it."""
    return repr(value) if math.isfinite(value) else json.dumps(value)


def evidence_json(scored: pd.DataFrame, model: engine.TrainedModel) -> list[str]:
    """The JSON text of evidence_lists(scored, model), one string per row, built without the dicts.

    A batch run stores evidence for hundreds of thousands of pairs; a level's code, title, label and gamma are the
    same for every pair at that level, so only the weight and Bayes factor are written per pair. Saves the memory
    and time of millions of small dicts; the text is identical to json.dumps of evidence_lists."""
    names = [name for name in model.comparison_names if f"weight_{name}" in scored.columns]
    parts: list[list[str]] = []
    for name in names:
        gammas = scored[f"gamma_{name}"].astype(int).tolist()
        labels = scored[f"label_{name}"].tolist()
        heads: dict[tuple[int, Any], str] = {}
        # Without a term-frequency adjustment a level always weighs the same, and with one a name's weight repeats
        # with the name: most items are the same text, made once.
        items: dict[tuple[int, Any, float], str] = {}
        texts = []
        for key in zip(gammas, labels, scored[f"weight_{name}"].astype(float).tolist(), strict=True):
            text = items.get(key)
            if text is None:
                gamma, label, weight = key
                head = heads.get((gamma, label))
                if head is None:
                    fixed = {"code": name, "comparison": comparison_title(name), "level": label, "gamma": gamma}
                    head = json.dumps(fixed)[:-1]
                    heads[(gamma, label)] = head
                factor = _number(2.0**weight) if math.isfinite(weight) and abs(weight) < 1000 else "null"
                text = f'{head}, "weight": {_number(round(weight, 4))}, "bayes_factor": {factor}}}'
                items[key] = text
            texts.append(text)
        parts.append(texts)
    if not parts:
        return ["[]"] * len(scored)
    return ["[" + ", ".join(items) + "]" for items in zip(*parts, strict=True)]
