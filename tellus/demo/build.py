"""Building the demo town into the database, through the same import path a council uses.

The generator (`tellus.demo.town`) makes the town and its extracts without touching the database; this module
writes the extracts to var/demo/extracts/, keeps the ground truth beside them (never in the database), creates
the six source systems, loads the gazetteer and every extract, and adds one staff user per role.
"""

from __future__ import annotations

import os
import secrets
import string
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import OutputWrapper
from django.db import connection, transaction
from django.utils import timezone

from tellus.capacities.services import capacities_refresh
from tellus.catalogue.services import DEMO_CATALOGUE_PATH, catalogue_load
from tellus.common.batch import fewer_garbage_collections, planner_statistics_refresh, sqlite_disposable_writes
from tellus.demo.feedback import demo_feedback_load
from tellus.demo.inclusion import demo_inclusion_load, hardship_of
from tellus.demo.ledger import demo_ledger_load
from tellus.demo.once import demo_once_history
from tellus.demo.worklist import demo_worklist
from tellus.demo.year.load import demo_year_load
from tellus.linkage.resolution import resolve
from tellus.open311.demo import demo_requests_create
from tellus.people.importing import import_extract, import_properties, load_mapping
from tellus.people.models import Person, Property, SourceRecord, SourceSystem
from tellus.people.services import source_system_create
from tellus.portal.demo import demo_residents_create
from tellus.privacy import roles
from tellus.privacy.models import USER_OBJECT_TYPE, AuditAction, Purpose
from tellus.privacy.services import Actor, audit_event_record

from .models import DemoBuild
from .town import TRUTH_COLUMNS, csv_text, extracts_render, town_generate
from .town.council import LOOK_ALIKE_COLUMNS, look_alike_rows

# Bump when the generator's output changes, so `tellus demo` rebuilds an older demo instead of reusing it.
GENERATOR_VERSION = 5  # 2: verified callers' dates of birth, surnames spread, new homes (decisions 0010-0012); 3: 0013
# 4: app and web reports are Open311 requests; 5: a financial year of give and take (ledger)
MAPPINGS_DIR = Path(__file__).resolve().parent / "mappings"
ACTOR_LABEL = "tellus demo"
# Apps whose tables hold the demo town; their tables are emptied on a rebuild (staff users other than the demo's
# stay).
TELLUS_APP_LABELS = {"people", "privacy", "linkage", "capacities", "catalogue", "demand", "open311", "insight", "demo"}


@dataclass(frozen=True)
class DemoSystem:
    """How one of the demo's source systems is registered."""

    name: str
    title: str
    kind: SourceSystem.Kind
    owning_team: str
    address_is_residence: bool
    description: str


DEMO_SYSTEMS = (
    DemoSystem(
        "rates",
        "Rates",
        SourceSystem.Kind.RATES,
        "Revenues",
        False,
        "Rates accounts: the liable owner of each property, who may live elsewhere or be a company.",
    ),
    DemoSystem(
        "electoral",
        "Electoral register",
        SourceSystem.Kind.ELECTORAL_ROLL,
        "Electoral services",
        True,
        "Adults registered to vote, canvassed yearly.",
    ),
    DemoSystem(
        "library",
        "Library borrowers",
        SourceSystem.Kind.LIBRARY,
        "Libraries",
        True,
        "Library members of every age; details as given when they joined.",
    ),
    DemoSystem(
        "animals",
        "Animal registration",
        SourceSystem.Kind.ANIMAL_REGISTRATION,
        "Animal services",
        True,
        "One registration per animal, with the owner's details.",
    ),
    DemoSystem(
        "crm",
        "Contact centre CRM",
        SourceSystem.Kind.CRM,
        "Customer contact centre",
        False,
        "Everyone who has contacted the council; addresses are often missing or about the problem reported.",
    ),
    DemoSystem(
        "housing",
        "Housing and community care",
        SourceSystem.Kind.HOUSING,
        "Housing and adult social care",
        True,
        "Housing trust tenants, people receiving care, and homeless people.",
    ),
)

# Username -> role. One demo login per role, all with the build's password.
DEMO_USERS = (
    ("officer", roles.FRONT_LINE_OFFICER),
    ("caseworker", roles.CASEWORKER),
    ("manager", roles.SERVICE_MANAGER),
    ("analyst", roles.ANALYST),
    ("privacy", roles.PRIVACY_OFFICER),
    ("admin", roles.ADMINISTRATOR),
    ("fraud", roles.COUNTER_FRAUD),
)
# Username -> the team the demo login works in (residents see it beside each look at their record).
DEMO_TEAMS = {
    "officer": "Customer contact centre",  # the front office that holds needs not yet handed on (demo year)
    "caseworker": "Housing and adult social care",
    "manager": "Customer services",
    "analyst": "Performance and insight",
    "privacy": "Information governance",
    "admin": "Digital services",
    "fraud": "Counter-fraud",
}


def demo_dir() -> Path:
    return Path(settings.VAR_DIR) / "demo"


def credentials_path() -> Path:
    return demo_dir() / "credentials.txt"


class Reporter:
    """Progress for people watching the build: each stage with its time, and a live count during imports."""

    def __init__(self, out: TextIO | OutputWrapper | None = None) -> None:
        self.out = out or sys.stdout
        self.live = bool(getattr(self.out, "isatty", lambda: False)())

    def write(self, text: str) -> None:
        if isinstance(self.out, OutputWrapper):
            self.out.write(text, ending="")  # a command's stdout would otherwise end every piece with a newline
        else:
            self.out.write(text)
        self.out.flush()

    def say(self, text: str) -> None:
        self.write(text + "\n")

    @contextmanager
    def stage(self, label: str) -> Iterator[list[str]]:
        """Prints `label… done in 1.2 s`; the caller may append a result ("6,012 created") to the yielded list."""
        self.write(f"{label}…")
        started = time.perf_counter()
        results: list[str] = []
        yield results
        line = f"{' ' + '; '.join(results) + ',' if results else ''} done in {time.perf_counter() - started:.1f} s"
        # On a terminal the live counter is overwritten; in a log the result follows the label on one line.
        self.say(f"\r{label}…{line}\x1b[K" if self.live else line)

    def counter(self, label: str) -> Callable[[int, int], None]:
        last = [0.0]

        def progress(done: int, total: int) -> None:
            now = time.perf_counter()
            if self.live and (now - last[0] > 0.2 or done == total):
                last[0] = now
                self.write(f"\r{label}… {done:,}/{total:,}")

        return progress


def write_files(*, people: int, seed: int, reporter: Reporter) -> dict[str, Path]:
    """Generate the town and write the gazetteer, the six extracts and the ground truth under var/demo/."""
    with reporter.stage(f"Generating {people:,} people"):
        town = town_generate(people=people, seed=seed)
    with reporter.stage("Writing extracts") as results:
        rendered = extracts_render(town)
        extracts_dir = demo_dir() / "extracts"
        extracts_dir.mkdir(parents=True, exist_ok=True)
        paths = {"gazetteer": extracts_dir / "gazetteer.csv"}
        paths["gazetteer"].write_bytes(csv_text(rendered.gazetteer.columns, rendered.gazetteer.rows).encode("utf-8"))
        for name, extract in rendered.extracts.items():
            paths[name] = extracts_dir / f"{name}.csv"
            paths[name].write_bytes(csv_text(extract.columns, extract.rows).encode("utf-8"))
        truth = demo_dir() / "ground_truth.csv"
        truth.write_bytes(csv_text(TRUTH_COLUMNS, (row.as_dict() for row in rendered.truth)).encode("utf-8"))
        # Twins, and sons named after their fathers: pairs `tellus linkage-eval --dataset demo` checks are never joined.
        alike = csv_text(LOOK_ALIKE_COLUMNS, look_alike_rows(town))
        (demo_dir() / "look_alikes.csv").write_bytes(alike.encode("utf-8"))
        results.append(
            f"{sum(len(e.rows) for e in rendered.extracts.values()):,} rows in {len(rendered.extracts)} files"
        )
    return paths


def load_files(paths: dict[str, Path], *, reporter: Reporter, actor: Actor) -> int:
    """Register the six systems and load every file through the public import; returns source records made."""
    label = f"Loading the gazetteer ({_rows(paths['gazetteer']):,} properties)"
    with reporter.stage(label) as results:
        summary = import_properties(path=paths["gazetteer"], actor=actor, progress=reporter.counter(label))
        results.append(f"{summary.created:,} created")
    created = 0
    for spec in DEMO_SYSTEMS:
        system = source_system_create(
            name=spec.name,
            title=spec.title,
            kind=spec.kind,
            owning_team=spec.owning_team,
            address_is_residence=spec.address_is_residence,
            description=spec.description,
            actor=actor,
        )
        label = f"Importing {spec.name} ({_rows(paths[spec.name]):,} rows)"
        with reporter.stage(label) as results:
            result = import_extract(
                source_system=system,
                path=paths[spec.name],
                mapping=load_mapping(MAPPINGS_DIR / f"{spec.name}.toml"),
                actor=actor,
                progress=reporter.counter(label),
            )
            results.append(f"{result.created:,} created, {result.rejected:,} rejected")
        created += result.created
    return created


def _rows(path: Path) -> int:
    with open(path, "rb") as handle:
        return max(sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b"")) - 1, 0)


def demo_password() -> str:
    """Made fresh for each build and never stored in the database."""
    alphabet = string.ascii_lowercase + string.digits
    return "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(4))


@transaction.atomic
def demo_users_create(*, password: str, actor: Actor) -> list[tuple[str, str]]:
    roles.sync_roles()
    user_model = get_user_model()
    made = []
    hashed = make_password(password)  # hashing is slow on purpose; the logins share one password, so hash it once
    for username, role in DEMO_USERS:
        user = user_model(
            username=username,
            password=hashed,
            is_staff=role in roles.ROLE_STAFF_ADMIN,
            team=DEMO_TEAMS.get(username, ""),
        )
        user.full_clean()
        user.save()
        user.groups.add(Group.objects.get(name=role))
        audit_event_record(
            actor=actor,
            purpose=Purpose.ADMINISTRATION,
            action=AuditAction.CREATE,
            object_type=USER_OBJECT_TYPE,
            object_id=user.pk,
            changes={"username": [None, username], "role": [None, role], "team": [None, user.team]},
        )
        made.append((username, role))
    return made


def credentials_write(password: str, residents: list[str] | None = None) -> None:
    """Kept so that `tellus demo` can show the logins again when it serves an existing demo."""
    path = credentials_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [f"password={password}", *(f"user={username}" for username, _ in DEMO_USERS)]
    lines += [f"resident={resident}" for resident in residents or []]
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    path.chmod(0o600)


def credentials_read() -> str | None:
    try:
        for line in credentials_path().read_text(encoding="utf-8").splitlines():
            if line.startswith("password="):
                return line.removeprefix("password=")
    except OSError:
        return None
    return None


def credentials_residents() -> list[str]:
    """The demo residents' sign-in names and who they are, as `credentials_write` kept them."""
    try:
        lines = credentials_path().read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    return [line.removeprefix("resident=") for line in lines if line.startswith("resident=")]


def demo_link_and_describe(*, reporter: Reporter, actor: Actor, seed: int) -> None:
    """Resolve records into people, load the service catalogue, derive capacities, add a year of contacts, and make
    its app and web reports Open311 requests."""
    with reporter.stage("Linking records into people with Splink (tellus resolve)") as results:
        run = resolve(actor=Actor.system("tellus resolve"), say=lambda message: None)
        results.append(
            f"{run.stats['people_created']:,} people, {run.auto_linked:,} pairs linked, "
            f"{run.sent_to_review:,} for review, {run.stats['households']:,} households"
        )
    with reporter.stage("Loading the service catalogue") as results:
        summary = catalogue_load(path=DEMO_CATALOGUE_PATH, actor=actor)
        results.append("; ".join(summary.lines()))
    with reporter.stage("Deriving capacities (tellus capacities refresh)") as results:
        refreshed = capacities_refresh(actor=actor, full=True)
        results.append("; ".join(refreshed.lines()))
    with reporter.stage("Recording a year of contacts and needs") as results:
        contacts = demo_year_load(
            seed=seed,
            actor=actor,
            progress=reporter.counter("Recording a year of contacts"),
            hardship=lambda people: hardship_of(people, seed),  # worse outcomes for the least heard (inclusion)
        )
        results.append(f"{contacts:,} contacts")
    with reporter.stage("Recording needs, adjustments and ways to reach people (inclusion)") as results:
        made = demo_inclusion_load(seed=seed, actor=actor)
        results.append(", ".join(f"{count:,} {what}" for what, count in made.items()))
    with reporter.stage("Sending the app and web reports through Open311") as results:
        results.append(demo_requests_create(seed=seed, actor=actor).line())
    with reporter.stage("Listening: surveys, complaints, compliments and themes") as results:
        listened = demo_feedback_load(seed=seed, actor=actor, known_themes_dir=demo_dir())
        results.append(listened.line())
        if listened.survey_link_path:
            results.append(f"an unanswered survey link to try: {listened.survey_link_path}")
    with reporter.stage("Importing a financial year of give and take (tellus ledger import)") as results:
        results.extend(demo_ledger_load(seed=seed, actor=actor))
    with reporter.stage("Telling services of a year of changes (Tell us once)") as results:
        told = demo_once_history(seed=seed)
        results.append(
            f"{told['changes']:,} changes, {told['deliveries']:,} deliveries, "
            f"{told['outage_retries']:,} retries while a partner was down for a day"
        )


def demo_build(*, people: int, seed: int, reporter: Reporter | None = None, link: bool = True) -> tuple[DemoBuild, str]:
    """Build the town into an empty database; returns the build and the demo users' password.

    With link=False the build stops after the imports, leaving records unlinked (for benchmarking resolve)."""
    with fewer_garbage_collections(), sqlite_disposable_writes():
        return _demo_build(people=people, seed=seed, reporter=reporter, link=link)


def _demo_build(*, people: int, seed: int, reporter: Reporter | None, link: bool) -> tuple[DemoBuild, str]:
    reporter = reporter or Reporter()
    actor = Actor.system(ACTOR_LABEL)
    started = time.perf_counter()
    build = DemoBuild.objects.create(
        people=people, seed=seed, generator_version=GENERATOR_VERSION, extracts_dir=str(demo_dir() / "extracts")
    )
    paths = write_files(people=people, seed=seed, reporter=reporter)
    records = load_files(paths, reporter=reporter, actor=actor)
    if link:
        demo_link_and_describe(reporter=reporter, actor=actor, seed=seed)
    password = demo_password()

    with reporter.stage("Creating demo staff logins and residents' accounts"):
        demo_users_create(password=password, actor=actor)
        residents = demo_residents_create(password=password) if link else []
        credentials_write(password, residents=[f"{r.sign_in_as} ({r.description})" for r in residents])
    if link:
        with reporter.stage("Filling the needs worklist (some assigned to the officer, some waiting)") as results:
            worked = demo_worklist(actor=actor)
            results.append(f"{worked['assigned']} assigned, {worked['waiting']} waiting on the resident")
    planner_statistics_refresh()  # a whole town written in bulk (PostgreSQL only)
    build.source_records = records
    build.completed_at = timezone.now()
    build.save(update_fields=["source_records", "completed_at"])
    reporter.say(f"Demo town built in {time.perf_counter() - started:.1f} s.")
    return build, password


def council_data_present() -> bool:
    """Whether the database holds people, records or properties: real data, unless a demo build put it there."""
    return any(model.objects.exists() for model in (Person, SourceRecord, SourceSystem, Property))


def demo_data_delete() -> None:
    """Empty every Tellus table of a demo database. Only ever called when a DemoBuild row says the data is the
    demo's. The audit log is append-only: on PostgreSQL only TRUNCATE (as the table's owner) can empty it."""
    models = [
        model
        for model in apps.get_models(include_auto_created=True)
        if (model.__module__.startswith("tellus.") or model._meta.app_label in TELLUS_APP_LABELS)
        and model._meta.managed
        and not model._meta.proxy
    ]
    # Staff accounts and their group memberships stay; only the demo's own logins are removed below.
    user_table = get_user_model()._meta.db_table
    tables = sorted({model._meta.db_table for model in models if not model._meta.db_table.startswith(user_table)})
    quoted = ", ".join(connection.ops.quote_name(table) for table in tables)
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            # Deferred foreign-key checks from earlier writes in this transaction would block TRUNCATE.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            # The audit log refuses TRUNCATE unless its owner deliberately allows it (privacy migration 0004).
            cursor.execute("SET LOCAL tellus.allow_audit_truncate = 'on'")
            cursor.execute(f"TRUNCATE {quoted} CASCADE")
    else:
        with connection.constraint_checks_disabled(), transaction.atomic(), connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")  # noqa: S608 (table names)
    with transaction.atomic():
        get_user_model().objects.filter(username__in=[username for username, _ in DEMO_USERS]).delete()
