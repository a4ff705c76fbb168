"""The synthetic municipality: a town of people, households and properties, and the extracts six council systems
would send about it. Plain functions and data, no database: `tellus.demo.build` loads the result."""

from __future__ import annotations

from .extracts import GAZETTEER_COLUMNS, TRUTH_COLUMNS, Extract, Rendered, TruthRow, csv_text
from .generate import MIN_PEOPLE, town_generate
from .model import REFERENCE_DATE, Town
from .sources import extracts_render

__all__ = [
    "GAZETTEER_COLUMNS",
    "MIN_PEOPLE",
    "REFERENCE_DATE",
    "TRUTH_COLUMNS",
    "Extract",
    "Rendered",
    "Town",
    "TruthRow",
    "csv_text",
    "extracts_render",
    "town_generate",
]
