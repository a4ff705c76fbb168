"""Every CSV Tellus writes for staff is safe to open in a spreadsheet: formulas are written as text."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from tellus.common.spreadsheets import spreadsheet_safe, writer
from tellus.insight.figures import Table
from tellus.people.importing.csvfiles import Reject, RejectsWriter

FORMULAS = ["=1+2", "+SUM(A1)", "-2+3+cmd|' /C calc'!A0", "@SUM(1)", "\t=1", "\r=1", '=HYPERLINK("http://x","y")']


@pytest.mark.parametrize("cell", FORMULAS)
def test_a_cell_a_spreadsheet_would_run_is_written_as_text(cell: str) -> None:
    assert spreadsheet_safe(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["Mill Lane", "", "3", "-3", "-3.5", "+44", 12, -7, 2.5, None, True, "a=b"])
def test_plain_text_and_numbers_are_left_alone(cell: object) -> None:
    assert spreadsheet_safe(cell) == cell


def test_the_writer_neutralises_every_cell_and_quotes_as_csv_does() -> None:
    out = io.StringIO()
    writer(out).writerows([["name", "count"], ['=HYPERLINK("x")', -4]])
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [["name", "count"], ['\'=HYPERLINK("x")', "-4"]]


def test_a_demand_table_download_keeps_negative_figures_and_neutralises_labels() -> None:
    table = Table(caption="t", headers=("Service", "Change"), rows=[("=cmd()", -3.25), ("@bins", 4)])
    rows = list(csv.reader(io.StringIO(table.csv())))
    assert rows[1:] == [["'=cmd()", "-3.2"], ["'@bins", "4"]]


def test_the_rejects_file_neutralises_what_came_from_the_extract(tmp_path: Path) -> None:
    rejects = RejectsWriter(tmp_path / "x.rejects.csv", ["name", "dob"], "utf-8")
    rejects.write(Reject(row_number=2, reason="unparseable date", values=["=cmd|'/C calc'!A0", "-1"]))
    rejects.close()
    rows = list(csv.reader((tmp_path / "x.rejects.csv").open(encoding="utf-8")))
    assert rows[1] == ["2", "unparseable date", "'=cmd|'/C calc'!A0", "-1"]
