"""Imports run down the layering in docs/architecture.md: an app imports only apps on lower floors, never one above
it or beside it, and the table in the docs is the table here."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "tellus"

# Each app's floor. An app may import only apps on lower floors; apps on one floor never import each other. Apps
# that are coming have their floor already, so they arrive in their place.
FLOORS = {
    "common": 0,
    "privacy": 1,
    "people": 2,
    "linkage": 3,
    "capacities": 4,
    "catalogue": 5,
    "demand": 6,
    "open311": 7,
    "rights": 7,  # subject access and the other rights of data subjects
    "once": 7,
    "feedback": 7,  # Listening
    "inclusion": 7,  # Inclusion: needs, adjustments, routes
    "ledger": 7,  # Give and take
    "insight": 8,
    "console": 9,
    "portal": 9,  # the resident portal
    "demo": 10,
    "bench": 11,
}
# The project package's own modules (settings, urls, the API, the WSGI/ASGI entry points, the CLI) stand above every
# app: no app imports them.
PROJECT_MODULES = {"api", "api_docs", "urls", "wsgi", "asgi", "cli", "settings"}
# Test helpers shared by the apps' tests; never imported by the application itself.
TEST_ONLY = {"testing"}

# Imports that still run up, each waiting for named work elsewhere. The test fails when one is no longer there, so
# the entry is removed when that work lands.
PENDING: dict[tuple[str, str], str] = {}


def apps_on_disk() -> set[str]:
    return {path.parent.name for path in PACKAGE.glob("*/apps.py")}


def application_modules(app: str) -> Iterator[Path]:
    """An app's own code: not its tests or migrations (tests may set up data through any app)."""
    for path in sorted((PACKAGE / app).rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        if "tests" in parts or "migrations" in parts:
            continue
        yield path


def imported_modules(source: str, module: str) -> Iterator[tuple[int, str]]:
    """(line, absolute module) for every import in the source, at the top or inside a function."""
    package = module.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            yield node.lineno, name
            for alias in node.names:  # `from tellus import demand` imports the app itself
                yield node.lineno, f"{name}.{alias.name}"


def upward_imports(app: str, source: str, module: str) -> Iterator[tuple[int, str, str]]:
    """(line, imported module, the app or project module it belongs to) for each import this app may not make."""
    for line, name in imported_modules(source, module):
        parts = name.split(".")
        if parts[0] != "tellus" or len(parts) < 2 or parts[1] == app:
            continue
        target = parts[1]
        if target in PROJECT_MODULES or target in TEST_ONLY or (target in FLOORS and FLOORS[target] >= FLOORS[app]):
            yield line, name, target


def module_name(path: Path) -> str:
    relative = path.relative_to(ROOT).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
        parts.append("__init__")  # so that relative imports resolve from the package itself
    return ".".join(parts)


def all_upward_imports() -> dict[tuple[str, str], list[str]]:
    found: dict[tuple[str, str], list[str]] = {}
    for app in sorted(FLOORS.keys() & apps_on_disk()):
        for path in application_modules(app):
            for line, name, target in upward_imports(app, path.read_text(), module_name(path)):
                found.setdefault((app, target), []).append(f"{path.relative_to(ROOT)}:{line} imports {name}")
    return found


def test_every_app_has_a_floor():
    assert apps_on_disk() - FLOORS.keys() == set(), "add the new app to FLOORS here and to docs/architecture.md"


def test_no_app_imports_an_app_above_it_or_beside_it():
    found = all_upward_imports()
    unexpected = {pair: where for pair, where in found.items() if pair not in PENDING}
    assert unexpected == {}, "imports against the layering:\n" + "\n".join(
        line for where in unexpected.values() for line in where
    )


def test_every_pending_exception_is_still_needed():
    found = all_upward_imports()
    done = [f"{app} -> {target}: {why}" for (app, target), why in PENDING.items() if (app, target) not in found]
    assert done == [], "no longer needed; remove from PENDING:\n" + "\n".join(done)


def test_the_linkage_engine_imports_no_django_and_no_app():
    for path in sorted((PACKAGE / "linkage" / "engine").rglob("*.py")):
        for line, name in imported_modules(path.read_text(), module_name(path)):
            assert not name.startswith("django"), f"{path.relative_to(ROOT)}:{line} imports {name}"
            if name.startswith("tellus."):
                assert name.startswith(("tellus.common.", "tellus.linkage.engine")), f"{path}:{line} imports {name}"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from tellus.demand.models import Need\n", ["demand"]),
        ("def f():\n    from tellus.console import views\n", ["console"]),
        ("import tellus.urls\n", ["urls"]),
        ("from tellus import demand\n", ["demand"]),
        ("from tellus.privacy.services import Actor\n", []),
        ("from ..demand import models\n", ["demand"]),
        ("from .selectors import person_live\n", []),
    ],
)
def test_an_import_from_a_higher_floor_is_caught_wherever_it_is_written(source, expected):
    caught = [target for _, _, target in upward_imports("people", source, "tellus.people.services")]
    assert sorted(set(caught)) == expected


def test_the_architecture_doc_lists_every_app_on_its_floor():
    text = (ROOT / "docs" / "architecture.md").read_text()
    rows = re.findall(r"^\|\s*(\d+)\s*\|\s*`(\w+)`", text, flags=re.MULTILINE)
    documented = {app: int(floor) for floor, app in rows}
    assert documented == FLOORS
