"""`tellus bench console`: a contact centre's morning. Twenty staff sessions at once, each doing what an officer does
for a caller (search in the one box, open the person, log the contact), through the real views with the Django test
client, against the database DATABASE_URL names (the demo town on PostgreSQL).

Officers pause between steps, as on a call: they read the results, confirm who the caller is, listen and type. By
default the pause is drawn at random around `--pause` seconds (exponentially, so some come quickly one after
another), far shorter than a real call (a council contact centre's calls last minutes); `--pause 0` sends every step
the moment the last one answered, which measures how many requests a second one server process can take rather than
what twenty officers would see. Sessions start at random moments within the first pause, not all at once.

A server answers from one Python process unless told otherwise, and Python runs one thread of a process at a time:
`--processes N` runs the sessions in N processes (sessions shared out between them), as `tellus serve --processes N`
serves from N processes sharing one port (decision 90). The processes are forked once the matcher's model is loaded.

Each step is timed beside its bare query, run by the same session in the same round: the single indexed query the
step cannot do without (the records matching the caller's detail; the person and their records; one contact row
written). The ratio says what the page adds on top of the database. Every session works inside its own transaction
and rolls it back, so nothing the bench does is kept (not even its audit entries).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import random
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import update_last_login
from django.contrib.auth.signals import user_logged_in
from django.core.signals import request_finished, request_started
from django.db import DatabaseError, close_old_connections, connection, connections, transaction
from django.test import Client
from django.urls import reverse

from tellus.catalogue.models import Service
from tellus.common.text import normalise_name
from tellus.people.models import Person, SourceRecord
from tellus.privacy.models import Purpose, User
from tellus.privacy.purposes import PURPOSE_SESSION_KEY

TARGET_SEARCH_P95_MS = 500.0
STEPS = ("search", "open person", "log contact")


class _RollBack(Exception):
    pass


@dataclass
class _Times:
    page: dict[str, list[float]] = field(default_factory=lambda: {step: [] for step in STEPS})
    bare: dict[str, list[float]] = field(default_factory=lambda: {step: [] for step in STEPS})
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, step: str, seconds: float) -> None:
        with self.lock:
            getattr(self, kind)[step].append(seconds * 1000)


def _queries(count: int, seed: int) -> list[tuple[str, int]]:
    """What callers say, drawn from the town: a name (half of them misspelt by a letter), a postcode, a phone
    number, a date of birth with a surname, an email; with the person they mean."""
    rng = random.Random(seed)  # noqa: S311 - a repeatable sample, not a secret
    records = list(
        SourceRecord.objects.filter(is_organisation=False, person__isnull=False, person__merged_into__isnull=True)
        .exclude(last_name="")
        .order_by("pk")
        .values_list("first_name", "last_name", "postcode", "phone", "email", "date_of_birth", "person_id")
    )
    if not records:
        raise RuntimeError("there are no linked people: run `tellus demo --no-serve` first")
    out = []
    for _n in range(count):
        first, last, postcode, phone, email, born, person = rng.choice(records)
        kind = rng.choice(["name", "name", "misspelt", "postcode", "phone", "born", "email"])
        if kind == "misspelt" and len(last) > 3:
            at = rng.randrange(1, len(last))
            last = last[:at] + rng.choice("aeiouy") + last[at + 1 :]
        if kind == "postcode" and postcode:
            out.append((postcode, person))
        elif kind == "phone" and phone:
            out.append((phone, person))
        elif kind == "email" and email:
            out.append((email, person))
        elif kind == "born" and born:
            out.append((f"{last} {born:%d/%m/%Y}", person))
        else:
            out.append((f"{first.split(' ')[0]} {last}", person))
    return out


def _timed(call: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    result = call()
    return result, time.perf_counter() - started


def _session(
    user: User, work: list[tuple[str, int]], service_id: int, times: _Times, pause: float = 0.0, seed: int = 0
) -> None:
    client = Client(HTTP_HOST="localhost")
    rng = random.Random(seed)  # noqa: S311 - pauses, not secrets

    def think() -> None:
        if pause > 0:
            time.sleep(rng.expovariate(1 / pause))

    try:
        if pause > 0:
            time.sleep(rng.uniform(0, pause))
        with transaction.atomic():
            client.force_login(user)
            session = client.session
            session[PURPOSE_SESSION_KEY] = Purpose.ENQUIRY.value
            session.save()
            for query, person_id in work:
                _one_caller(client, query, person_id, service_id, times, think)
            raise _RollBack
    except _RollBack:
        pass
    except Exception as error:  # a failing session is reported, never hidden
        times.errors.append(f"{type(error).__name__}: {error}")
    finally:
        connection.close()


def _one_caller(
    client: Client, query: str, person_id: int, service_id: int, times: _Times, think: Callable[[], None]
) -> None:
    response, seconds = _timed(lambda: client.get(reverse("console:search"), {"q": query}))
    if response.status_code != 200:
        raise RuntimeError(f"search {query!r} answered {response.status_code}")
    times.add("page", "search", seconds)
    words = query.split()
    _, seconds = _timed(
        lambda: list(
            SourceRecord.objects.filter(last_name_normalised=normalise_name(words[-1])).values_list(
                "person_id", flat=True
            )[:50]
        )
    )
    times.add("bare", "search", seconds)
    think()

    response, seconds = _timed(lambda: client.get(reverse("console:person", args=[person_id])))
    if response.status_code != 200:
        raise RuntimeError(f"person {person_id} answered {response.status_code}")
    times.add("page", "open person", seconds)
    _, seconds = _timed(lambda: list(Person.objects.get(pk=person_id).source_records.all()))
    times.add("bare", "open person", seconds)
    think()

    form = {
        "words": "I'm ringing about my bin, it wasn't collected on Tuesday.",
        "channel": "phone",
        "service": str(service_id),
        "demand_type": "value",
        "resolved_at_first_point": "no",
    }
    url = reverse("demand:contact_new") + f"?person={person_id}"
    response, seconds = _timed(lambda: client.post(url, form))
    if response.status_code != 302:
        raise RuntimeError(f"logging a contact for {person_id} answered {response.status_code}")
    times.add("page", "log contact", seconds)
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute("SAVEPOINT bench_bare")
        cursor.execute("INSERT INTO bench_bare_contact (person_id, words) VALUES (%s, %s)", [person_id, form["words"]])
        cursor.execute("ROLLBACK TO SAVEPOINT bench_bare")
        times.add("bare", "log contact", time.perf_counter() - started)
    think()


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _sessions_run(
    officer: User, slices: list[tuple[list[tuple[str, int]], int]], service_id: int, pause: float
) -> _Times:
    """Each slice of callers handled by a session of its own, all at once, as threads of this process."""
    times = _Times()
    threads = [
        threading.Thread(target=_session, args=(officer, work, service_id, times, pause, seed), daemon=True)
        for work, seed in slices
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return times


def _sessions_run_in_processes(
    officer: User, slices: list[tuple[list[tuple[str, int]], int]], service_id: int, pause: float, processes: int
) -> _Times:
    """The sessions shared out between forked processes, each running its share as threads; their times gathered."""
    connections.close_all()  # a forked process opens connections of its own, never shares the parent's
    context = multiprocessing.get_context("fork")
    results = context.SimpleQueue()  # writes under a lock: the processes' results never interleave
    shares = [slices[n::processes] for n in range(processes)]

    def work(share: list[tuple[list[tuple[str, int]], int]]) -> None:
        try:
            done = _sessions_run(officer, share, service_id, pause)
            results.put({"page": done.page, "bare": done.bare, "errors": done.errors})
        except BaseException as error:
            results.put({"page": {}, "bare": {}, "errors": [f"{type(error).__name__}: {error}"]})
        finally:
            connections.close_all()

    children = [context.Process(target=work, args=(share,), daemon=True) for share in shares if share]
    for child in children:
        child.start()
    times = _Times()
    for _ in children:
        part = results.get()
        for kind in ("page", "bare"):
            for step, values in part[kind].items():
                getattr(times, kind)[step].extend(values)
        times.errors.extend(part["errors"])
    for child in children:
        child.join()
        if child.exitcode:
            times.errors.append(f"a bench process ended with exit code {child.exitcode}")
    return times


def bench_console(
    *,
    sessions: int,
    callers: int,
    seed: int,
    say: Callable[[str], None],
    pause: float = 0.0,
    processes: int = 1,
) -> dict[str, Any]:
    if sessions < 1 or callers < 1:
        raise ValueError("--sessions and --callers must each be at least 1")
    if pause < 0:
        raise ValueError("--pause cannot be negative")
    if not 1 <= processes <= 64:
        raise ValueError(f"--processes must be between 1 and 64, not {processes}")
    if processes > 1 and connection.vendor == "sqlite" and "mode=memory" in str(connection.settings_dict["NAME"]):
        raise RuntimeError("several processes cannot share an in-memory SQLite database; use one process")
    officer = User.objects.filter(groups__name="Front-line officer", is_active=True).order_by("pk").first()
    if officer is None:
        raise RuntimeError("no front-line officer: run `tellus demo --no-serve` first")
    service = Service.objects.order_by("pk").first()
    if service is None:
        raise RuntimeError("no services in the catalogue: run `tellus demo --no-serve` first")
    work = _queries(sessions * callers, seed)
    # Each session is one transaction, rolled back at the end; Django would close a connection that is inside a
    # transaction at the start of each request, as it does between a server's requests (the test runner does this too).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    # Signing in writes the user's last_login; twenty sessions of one bench user would queue on that row's lock
    # for as long as each session's transaction lasts, which no real contact centre does.
    user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
    try:
        with connection.cursor() as cursor:  # the bare write's table: one row like a contact's, kept by no one
            cursor.execute("CREATE TABLE IF NOT EXISTS bench_bare_contact (person_id integer, words text)")
        # One warm-up caller, alone: the matcher's model and the surname list load once per process.
        _session(officer, work[:1], service.pk, _Times())
        paced = f"pausing about {pause:g} s between steps" if pause > 0 else "with no pause between steps"
        served = f"{processes} processes" if processes > 1 else "one process"
        on = connection.vendor
        say(f"{sessions} staff sessions at once, {callers} callers each, {paced}, served by {served}, on {on}…")
        slices = [(work[n * callers : (n + 1) * callers], seed * 1000 + n) for n in range(sessions)]
        started = time.perf_counter()
        if processes == 1:
            times = _sessions_run(officer, slices, service.pk, pause)
        else:
            times = _sessions_run_in_processes(officer, slices, service.pk, pause, processes)
        wall = time.perf_counter() - started
    finally:  # nothing left behind, and Django as it was for whatever this process does next
        connections.close_all()
        with contextlib.suppress(DatabaseError), connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_bare_contact")
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
        user_logged_in.connect(update_last_login, dispatch_uid="update_last_login")
    result: dict[str, Any] = {
        "sessions": sessions,
        "callers_per_session": callers,
        "database": connection.vendor,
        "pause_seconds": pause,
        "processes": processes,
        "wall_seconds": round(wall, 1),
        "requests_per_second": round(sum(len(v) for v in times.page.values()) / wall, 2) if wall else None,
        "errors": times.errors[:5],
    }
    say(f"{'step':<12} {'n':>5} {'p50 ms':>9} {'p95 ms':>9}   {'bare p50':>9} {'bare p95':>9}   {'p95 ratio':>9}")
    for step in STEPS:
        page, bare = times.page[step], times.bare[step]
        p50, p95 = _percentile(page, 0.5), _percentile(page, 0.95)
        b50, b95 = _percentile(bare, 0.5), _percentile(bare, 0.95)
        ratio = p95 / b95 if b95 else float("nan")
        key = step.replace(" ", "_")
        result[key] = {
            "n": len(page),
            "p50_ms": round(p50, 1),
            "p95_ms": round(p95, 1),
            "bare_p50_ms": round(b50, 2),
            "bare_p95_ms": round(b95, 2),
            "p95_ratio": round(ratio, 1),
            "mean_ms": round(statistics.fmean(page), 1) if page else None,
        }
        say(f"{step:<12} {len(page):>5} {p50:>9.0f} {p95:>9.0f}   {b50:>9.1f} {b95:>9.1f}   {ratio:>8.0f}x")
    say(f"{result['requests_per_second']} requests a second over {wall:.0f} s.")
    search_p95 = result["search"]["p95_ms"]
    verdict = "met" if search_p95 < TARGET_SEARCH_P95_MS else "NOT met"
    say(f"Search p95 {search_p95:.0f} ms; target under {TARGET_SEARCH_P95_MS:.0f} ms: {verdict}.")
    if times.errors:
        say(f"{len(times.errors)} session(s) failed; first: {times.errors[0]}")
    result["target_met"] = search_p95 < TARGET_SEARCH_P95_MS
    return result
