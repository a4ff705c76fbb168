"""The evidence kept with a pair: the JSON text written in bulk is exactly the evidence list, serialised."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from tellus.linkage import engine
from tellus.linkage.evidence import evidence_json, evidence_lists
from tellus.linkage.tests.engine_fixtures import febrl1_model, febrl1_prepared


def test_evidence_written_in_bulk_is_the_evidence_list_as_json() -> None:
    model = febrl1_model()
    scored = engine.predict_pairs(febrl1_prepared(), model, threshold_probability=0.01)
    assert len(scored) > 10
    scored.loc[scored.index[0], f"weight_{model.comparison_names[0]}"] = -np.inf  # a weight with no Bayes factor

    texts = evidence_json(scored, model)

    assert [json.loads(text) for text in texts] == evidence_lists(scored, model)
    assert texts == [json.dumps(items) for items in evidence_lists(scored, model)]


def test_no_pairs_give_no_evidence() -> None:
    assert evidence_json(pd.DataFrame(columns=["unique_id_l"]), febrl1_model()) == []
