"""Loading extracts from a council's source systems into source records, and the property gazetteer.

A council sends a CSV file and a column mapping (TOML). Good rows are committed in chunks; bad rows go to a
rejects file with their row number and the reason, and nothing about a bad row is written. Loading the same
file twice changes nothing; a changed row updates its record and keeps the earlier state as a version.
"""

from .csvfiles import ExtractError
from .extract import ImportSummary, import_extract, split_full_name
from .gazetteer import GAZETTEER_COLUMNS, PropertyImportSummary, import_properties
from .mapping import ColumnMapping, MappingError, load_mapping, mapping_from_dict

__all__ = [
    "GAZETTEER_COLUMNS",
    "ColumnMapping",
    "ExtractError",
    "ImportSummary",
    "MappingError",
    "PropertyImportSummary",
    "import_extract",
    "import_properties",
    "load_mapping",
    "mapping_from_dict",
    "split_full_name",
]
