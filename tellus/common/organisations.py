"""Telling organisations from people by their name, for extracts with no column that says which is which.

The rules live in a TOML file a council can edit (organisation_rules.toml beside this module is the default; see
its header and docs/importing.md). Plain functions, no Django.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DEFAULT_RULES_PATH = Path(__file__).with_name("organisation_rules.toml")
_SPACES = re.compile(r"\s+")
# "Estate of the late Mary Brown", "Executors of John Smith deceased": the person the estate belongs to.
_ESTATE_OF = re.compile(
    r"^(?:the\s+)?(?:estate|exors?|executors?|executrix|administrators?|personal\s+representatives?)\s+(?:of|for)\s+"
    r"(?:the\s+)?(?:late\s+)?(?P<name>.+?)(?:\s*[,(]?\s*(?:deceased|decd)\.?\s*\)?)?$",
    re.IGNORECASE,
)


class OrganisationRulesError(ValueError):
    """The rules file is missing, not TOML, or holds a pattern that is not a regular expression."""


@dataclass(frozen=True)
class OrganisationRules:
    rules: tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]
    people: tuple[re.Pattern[str], ...] = ()

    def kind(self, name: str) -> str | None:
        """The kind of organisation the name is ("company", "trust", "estate", ...) or None for a person."""
        text = _SPACES.sub(" ", name or "").strip()
        if not text:
            return None
        if any(pattern.search(text) for pattern in self.people):
            return None
        for kind, patterns in self.rules:
            if any(pattern.search(text) for pattern in patterns):
                return kind
        return None


def _compile(pattern: object, origin: str) -> re.Pattern[str]:
    if not isinstance(pattern, str) or not pattern:
        raise OrganisationRulesError(f"{origin}: every pattern must be a non-empty string")
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise OrganisationRulesError(f"{origin}: {pattern!r} is not a regular expression: {exc}") from exc


@lru_cache(maxsize=8)
def load_rules(path: Path | str | None = None) -> OrganisationRules:
    """The rules in a TOML file (the default file when path is None), checked and compiled."""
    source = Path(path) if path else DEFAULT_RULES_PATH
    try:
        data = tomllib.loads(source.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise OrganisationRulesError(f"organisation rules file not found: {source}") from exc
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise OrganisationRulesError(f"cannot read organisation rules {source}: {exc}") from exc
    raw_rules = data.get("rule", [])
    if not isinstance(raw_rules, list) or not raw_rules:
        raise OrganisationRulesError(f"{source}: at least one [[rule]] with a kind and patterns is required")
    rules = []
    for index, rule in enumerate(raw_rules, start=1):
        origin = f"{source} rule {index}"
        if not isinstance(rule, dict) or not isinstance(rule.get("kind"), str) or not rule["kind"]:
            raise OrganisationRulesError(f'{origin}: needs a kind, such as kind = "company"')
        patterns = rule.get("patterns")
        if not isinstance(patterns, list) or not patterns:
            raise OrganisationRulesError(f"{origin}: needs a list of patterns")
        rules.append((rule["kind"], tuple(_compile(pattern, origin) for pattern in patterns)))
    people = data.get("people", {}).get("patterns", []) if isinstance(data.get("people", {}), dict) else None
    if not isinstance(people, list):
        raise OrganisationRulesError(f"{source}: [people] patterns must be a list")
    return OrganisationRules(
        rules=tuple(rules), people=tuple(_compile(pattern, f"{source} [people]") for pattern in people)
    )


def estate_of(name: str) -> str | None:
    """The deceased person's name in an estate's name ("Estate of the late Mary Brown" -> "Mary Brown")."""
    match = _ESTATE_OF.match(_SPACES.sub(" ", name or "").strip())
    if not match:
        return None
    person = match.group("name").strip(" ,.")
    return person or None
