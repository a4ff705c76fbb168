"""`tellus bench listening`: each listening-dashboard panel's time at 1,000,000 survey responses, beside its raw
aggregate query in the same run.

A separate database under var/bench/listening-<responses>/ is built once (services from the demo catalogue, then
needs, invitations and responses written with plain multi-row inserts, answers drawn from a seeded generator) and
reused. A panel's time is everything the page does for it: the aggregate query through the selector, the pandas
analytics (intervals, suppression), and the table and SVG chart; the baseline is the same aggregate SQL executed
alone on a cursor and fetched. The whole page, fetched through Django's test client, is measured too."""

from __future__ import annotations

import datetime as dt
import json
import math
import random
import time
from pathlib import Path
from typing import Any

from django.conf import settings

from .insight import RUNS, Say, _median_ms, _raw, _run_child

SEED = 1
ROUTES, ROUTE_WEIGHTS = ("email", "sms", "letter"), (0.7, 0.2, 0.1)


def bench_dir(responses: int) -> Path:
    return Path(settings.VAR_DIR) / "bench" / f"listening-{responses}"


def bench_listening(*, responses: int, say: Say) -> dict[str, Any]:
    if responses < 1:
        raise ValueError("The listening benchmark needs at least one response.")
    folder = bench_dir(responses)
    folder.mkdir(parents=True, exist_ok=True)
    from .insight import bench_environment

    env = bench_environment(responses)
    env.update({"TELLUS_VAR_DIR": str(folder), "DATABASE_URL": f"sqlite:///{folder / 'tellus.sqlite3'}"})
    say(f"Listening benchmark database: {folder / 'tellus.sqlite3'} (built once, then reused).")
    _run_child(["migrate", "--verbosity", "0"], env, say)
    result_file = folder / "result.json"
    result_file.unlink(missing_ok=True)
    code = (
        f"from tellus.bench.listening import bench_child; bench_child(responses={responses}, out={str(result_file)!r})"
    )
    _run_child(["shell", "-c", code], env, say)
    result: dict[str, Any] = json.loads(result_file.read_text())
    say(f"Listening panels at {result['responses']:,} responses ({result['invitations']:,} offered), median of {RUNS}:")
    for name, figures in result["panels"].items():
        say(
            f"  {name:<22} panel {figures['server_ms']:8.1f} ms   raw query {figures['query_ms']:8.1f} ms   "
            f"({figures['ratio']:.2f}x)"
        )
    worst = max(f["ratio"] for f in result["panels"].values())
    say(f"Slowest panel against its query: {worst:.2f}x (the target is under 2x).")
    return result


# --- In the child process, with the benchmark database ----------------------------------------------------------


def bench_child(*, responses: int, out: str) -> None:
    from tellus.feedback.models import SurveyInvitation, SurveyResponse

    have = SurveyResponse.objects.count()
    if have < responses:
        if have:
            raise RuntimeError(f"The benchmark database holds {have:,} responses, not {responses:,}; delete it.")
        dataset_build(responses=responses, say=print)
    panels = panels_measure()
    result = {
        "responses": SurveyResponse.objects.count(),
        "invitations": SurveyInvitation.objects.count(),
        "panels": panels,
    }
    Path(out).write_text(json.dumps(result))


def _insert(table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    from django.db import connection

    names = ", ".join(columns)
    marks = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608


def dataset_build(*, responses: int, say: Say, chunk: int = 100_000) -> None:
    """Needs met over a year, a survey offered for each (a response rate of about 80%, so the offered table is the
    larger), and the answers. No audit entries and no people: a measurement database."""
    from django.db import connection, transaction
    from django.utils import timezone

    from tellus.capacities.models import Capacity
    from tellus.catalogue.models import Service
    from tellus.catalogue.services import catalogue_load
    from tellus.common.batch import big_sqlite_cache, fewer_garbage_collections
    from tellus.demand.models import Channel
    from tellus.feedback.models import QUESTION_KEYS
    from tellus.privacy.services import Actor

    rng = random.Random(SEED)  # noqa: S311 - made-up answers, not secrets
    started = time.perf_counter()
    catalogue_load(
        path=Path(settings.BASE_DIR) / "tellus" / "catalogue" / "demo_catalogue.toml", actor=Actor.system("b")
    )
    services = list(Service.objects.values_list("pk", flat=True))
    channels, capacities = list(Channel.values), list(Capacity.values)
    wards = [f"Ward {n}" for n in range(1, 25)] + ["No fixed address"]
    start = timezone.now() - dt.timedelta(days=365)
    adapt: Any = connection.ops.adapt_datetimefield_value
    if connection.vendor == "sqlite":  # the same text Django writes (naive UTC, ISO with a space), without its checks
        start = start.astimezone(dt.UTC).replace(tzinfo=None)

        def adapt(value: dt.datetime) -> str:
            return value.isoformat(" ")

    offered_total = math.ceil(responses / 0.8)
    made = answered = 0
    while made < offered_total:
        size = min(chunk, offered_total - made)
        needs, invitations, answers = [], [], []
        for i in range(size):
            pk = made + i + 1
            opened = start + dt.timedelta(seconds=rng.randrange(345 * 86400))  # met by now
            met = opened + dt.timedelta(hours=rng.randrange(1, 400))
            service, channel = rng.choice(services), rng.choice(channels)
            ward, capacity = rng.choice(wards), rng.choice(capacities)
            seconds = int((met - opened).total_seconds())
            needs.append(
                (
                    pk,
                    service,
                    "bench need",
                    "met",
                    adapt(opened),
                    adapt(met),
                    seconds,
                    "",
                    "",
                    adapt(opened),
                    adapt(opened),
                )
            )
            responded = (answered < responses and rng.random() < 0.8) or offered_total - pk < responses - answered
            at = adapt(met + dt.timedelta(hours=2)) if responded else None
            route = rng.choices(ROUTES, ROUTE_WEIGHTS)[0]
            invitations.append((pk, pk, service, channel, ward, capacity, route, f"{pk:064x}", adapt(met), at, at))
            if responded:
                answered += 1
                scores = [rng.choice((None, 1, 2, 3, 4, 4, 5, 5)) for _ in QUESTION_KEYS]
                comment = "bench comment" if rng.random() < 0.3 else ""
                answers.append((answered, pk, *scores, comment, False, at, service, channel, ward, capacity))
        with transaction.atomic(), big_sqlite_cache(), fewer_garbage_collections():
            _insert(
                "demand_need",
                ["id", "service_id", "summary", "status", "opened_at", "met_at", "end_to_end_seconds", "holder_team",
                 "closed_reason", "created_at", "updated_at"],
                needs,
            )  # fmt: skip
            _insert(
                "feedback_surveyinvitation",
                ["id", "need_id", "service_id", "channel", "ward", "capacity", "route", "token_digest", "offered_at",
                 "opened_at", "responded_at"],
                invitations,
            )  # fmt: skip
            _insert(
                "feedback_surveyresponse",
                ["id", "invitation_id", *QUESTION_KEYS, "comment", "wants_updates", "responded_at", "service_id",
                 "channel", "ward", "capacity"],
                answers,
            )  # fmt: skip
        made += size
        say(f"  {made:,} surveys offered, {answered:,} answered ({time.perf_counter() - started:.0f} s)")


def panels_measure() -> dict[str, dict[str, float]]:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client
    from django.urls import reverse

    from tellus.insight import listening_selectors as data
    from tellus.insight import listening_views, selectors
    from tellus.privacy import roles

    everything = selectors.DemandFilters()
    services = selectors.service_names()
    figures: dict[str, dict[str, float]] = {}
    for group in data.GROUPS:
        for kind, panel, queryset in (
            ("scores", listening_views.scores_panel, data.scores_queryset(group, everything)),
            ("response rate", listening_views.rates_panel, data.rates_queryset(group, everything)),
        ):

            def build(panel: Any = panel, group: str = group) -> object:
                return panel(group, everything, services)

            server = _median_ms(build)
            query = _median_ms(_raw([queryset]))
            figures[f"{kind} by {group}"] = {"server_ms": server, "query_ms": query, "ratio": server / query}
            print(f"  measured {kind} by {group}: panel {server:.0f} ms, raw query {query:.0f} ms", flush=True)

    def by_route() -> object:
        return listening_views.rates_panel("route", everything, services)

    server, query = _median_ms(by_route), _median_ms(_raw([data.rates_queryset("route", everything)]))
    figures["response rate by route"] = {"server_ms": server, "query_ms": query, "ratio": server / query}
    print(f"  measured response rate by route: panel {server:.0f} ms, raw query {query:.0f} ms", flush=True)

    roles.sync_roles()
    user, _ = get_user_model().objects.get_or_create(username="bench-analyst")
    user.groups.add(Group.objects.get(name=roles.ANALYST))
    client = Client(SERVER_NAME="localhost")
    client.force_login(user)
    url = reverse("insight:listening")

    def fetch() -> object:
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        return response

    every_query = [data.scores_queryset(g, everything) for g in data.GROUPS]
    every_query += [data.rates_queryset(g, everything) for g in data.RATE_GROUPS]
    every_query.append(data.theme_weeks_queryset(everything))
    server, query = _median_ms(fetch), _median_ms(_raw(every_query))
    figures["whole page"] = {"server_ms": server, "query_ms": query, "ratio": server / query}
    return figures
