"""CSV for people who open it in a spreadsheet: every CSV Tellus writes for staff goes through here.

A cell starting with `=`, `+`, `-` or `@` (or a tab or carriage return, which some spreadsheets skip before
reading one of those) is run as a formula when the file is opened: a name typed as `=HYPERLINK(...)` in a
source system would become a link, or worse (OWASP, "CSV Injection"). Such a cell is written with a leading
apostrophe, which spreadsheets show as text and do not display. Numbers (an int, a float, or text that is just
a number such as "-3.5") are left as they are, so figures stay figures.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")


def spreadsheet_safe(cell: Any) -> Any:
    """The cell as a spreadsheet will only ever read it as data."""
    if isinstance(cell, bool) or not isinstance(cell, str):
        return cell
    if cell.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


class SafeWriter:
    """csv.writer with every cell passed through spreadsheet_safe."""

    def __init__(self, handle: Any, **options: Any) -> None:
        self._writer = csv.writer(handle, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([spreadsheet_safe(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(handle: Any, **options: Any) -> SafeWriter:
    return SafeWriter(handle, **options)
