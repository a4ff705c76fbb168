"""The council-editable rule that shares out services received together (apportionment.toml), read and checked."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings

DEFAULT_RULES_PATH = Path(__file__).resolve().parent / "apportionment.toml"
BASES = ("household", "resident")


class RulesError(ValueError):
    """The apportionment file is malformed; the message says where."""


@dataclass(frozen=True)
class SharedService:
    service_code: str
    annual_cost: Decimal
    basis: str
    explanation: str


@dataclass(frozen=True)
class LedgerRules:
    currency_symbol: str
    suppress_below: int
    shared: tuple[SharedService, ...]
    path: str

    @property
    def shared_codes(self) -> set[str]:
        return {s.service_code for s in self.shared}


def rules_path() -> Path:
    configured = getattr(settings, "TELLUS_LEDGER_RULES", "")
    return Path(configured) if configured else DEFAULT_RULES_PATH


def rules_load(path: Path | None = None) -> LedgerRules:
    path = path or rules_path()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise RulesError(f"cannot read the apportionment rules {path}: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(f"{path} is not valid TOML: {exc}") from exc
    return rules_from_dict(data, origin=str(path))


def _decimal(value: Any, where: str) -> Decimal:
    if not isinstance(value, str):
        raise RulesError(f'{where}: write annual_cost as a string, e.g. "412000.00", so that it is exact')
    try:
        amount = Decimal(value)
    except InvalidOperation as exc:
        raise RulesError(f"{where}: annual_cost {value!r} is not a number") from exc
    if not amount.is_finite() or amount < 0:
        raise RulesError(f"{where}: annual_cost must be zero or more")
    return amount.quantize(Decimal("0.01"))


def rules_from_dict(data: dict[str, Any], *, origin: str = "rules") -> LedgerRules:
    shared = []
    seen: set[str] = set()
    for index, item in enumerate(data.get("shared", []), start=1):
        where = f"{origin}: [[shared]] number {index}"
        if not isinstance(item, dict):
            raise RulesError(f"{where} must be a table")
        code = item.get("service")
        if not isinstance(code, str) or not code:
            raise RulesError(f"{where}: name the service by its catalogue code")
        if code in seen:
            raise RulesError(f"{where}: {code} is shared twice")
        seen.add(code)
        basis = item.get("basis", "household")
        if basis not in BASES:
            raise RulesError(f"{where}: basis must be one of {', '.join(BASES)}, not {basis!r}")
        shared.append(
            SharedService(
                service_code=code,
                annual_cost=_decimal(item.get("annual_cost"), where),
                basis=basis,
                explanation=str(item.get("explanation", "")),
            )
        )
    suppress = data.get("suppress_below", 10)
    if not isinstance(suppress, int) or suppress < 1:
        raise RulesError(f"{origin}: suppress_below must be a whole number of households, 1 or more")
    return LedgerRules(
        currency_symbol=str(data.get("currency_symbol", "£")),
        suppress_below=suppress,
        shared=tuple(shared),
        path=origin,
    )
