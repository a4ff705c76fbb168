from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from tellus.ledger.models import Contribution, FinancialYear

from .conftest import contributions_csv


def test_ledger_import_loads_a_good_file(tmp_path, town, contributions_mapping, capsys):
    call_command(
        "ledger",
        "import",
        str(contributions_csv(tmp_path, town)),
        "--mapping",
        str(contributions_mapping),
        "--year",
        "2025/26",
    )

    assert "5 lines imported into 2025/26" in capsys.readouterr().out
    assert Contribution.objects.count() == 5


def test_ledger_import_exits_2_and_writes_nothing_when_a_row_is_bad(tmp_path, town, contributions_mapping):
    path = contributions_csv(tmp_path, town, extra="T9,01/09/2025,-3.00,FEE,Refund,,R0001,,\n")

    with pytest.raises(
        CommandError, match=r"1 of 6 row\(s\) refused \(1 negative amount\); nothing was imported"
    ) as exc:
        call_command("ledger", "import", str(path), "--mapping", str(contributions_mapping), "--year", "2025/26")

    assert exc.value.returncode == 2 and Contribution.objects.count() == 0
    assert (tmp_path / "payments.rejects.csv").exists()


def test_ledger_import_into_a_year_that_does_not_exist_says_so(tmp_path, town, contributions_mapping):
    with pytest.raises(CommandError, match="there is no financial year '2030/31'"):
        call_command("ledger", "import", "x.csv", "--mapping", str(contributions_mapping), "--year", "2030/31")


def test_a_year_is_added_and_one_ending_before_it_starts_is_refused(db, capsys):
    call_command("ledger", "year", "add", "2024/25", "--starts", "2024-07-01", "--ends", "2025-06-30")
    assert FinancialYear.objects.get(label="2024/25").ends_on.isoformat() == "2025-06-30"

    with pytest.raises(CommandError):
        call_command("ledger", "year", "add", "2023/24", "--starts", "2024-07-01", "--ends", "2023-06-30")
