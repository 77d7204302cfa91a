"""The benchmark: the API and the admin at scale, against their floor.

    .venv/bin/python -m bench.run [--scale full|small]      (or `make bench`)

One process, on PostgreSQL:
1. Loads or reuses two data sets made by `generate_data` with the same seed:
   the full one and a small copy (1% of its sizes at full scale), each in
   its own database (bench.datasets).
2. Measures in-process, round by round, each request (bench.probes): the
   API's time (Django's test client, JSON bytes included) against its floor
   (the exact SQL the request ran, replayed with raw psycopg: every
   statement, authentication's included, as the API's time includes them),
   against a naive DRF implementation (bench.naive) and against the same
   request on the copy; the admin changelists the same way. Requests are
   made as a Deal-team user who is in no team (ethical walls make figures
   depend on the user); the list, filter and order requests also as a
   member of the team with the most confidential rounds ("<key> team") and
   as a superuser ("<key> superuser"), API time and query counts.
   depend on the user); the dashboard (B1) as the one who owns the most
   investors. The daily screen (B1 dashboard, B2 a 500-investor board, Q2/Q3
   the search box) is measured like the admin, without a naive twin.
   Rounds: 20 (3 at small scale), fewer (at least 5) if they would take
   longer than --budget-minutes (8).
3. Counts each request's queries. Lists and details must take as many
   queries beyond authentication (the token or session, the user, its
   permissions) whatever the page size, filters and table size, and at most
   3; admin changelists at most 8 beyond authentication; the daily screen
   within the limits of bench.probes.COUNT_GROUPS.
4. Serves the app with gunicorn and sends a fixed request rate
   (bench.http_load).
5. Prints one Markdown table, the machine, and every target's verdict;
   writes them to bench/data/latest.md and the slowest statement's plan of
   each request to bench/data/plans.txt.

The exit status is 1 if a query-count check fails, 2 if the benchmark could
not measure; never because of a time.
"""

import argparse
import datetime
import os
import platform
import sys
import time
from pathlib import Path

from bench import datasets, http_load, report

BASE_DIR = Path(__file__).resolve().parent.parent
OUTPUT = BASE_DIR / "bench" / "data"
SCALES = {
    "full": datasets.Sizes(100_000, 20_000, 1_000_000, 1_000_000),
    "small": datasets.Sizes(2_000, 500, 20_000, 20_000),
}
DEFAULTS = {
    # rounds, copy percent, HTTP rate and seconds, databases
    "full": {
        "rounds": 20,
        "copy_percent": 1,
        "http_rate": 150,
        "http_seconds": 25,
        "database": "crm_scale",
    },
    # CI: keeps the machinery working; 10% keeps the copy's pages full.
    "small": {
        "rounds": 3,
        "copy_percent": 10,
        "http_rate": 30,
        "http_seconds": 5,
        "database": "crm_bench_small",
    },
}
API_KEYS = ["L1", "D1", "S1", "S1 deep", "I1", "Q1"]
# Orders and filters over stored figures (bench.probes.FIGURE_PATHS).
FIGURE_KEYS = ["L2", "C1"]
ADMIN_KEYS = ["A1", "A2", "A3", "A4"]
# Keys of the list, filter and order probes measured per kind of user.
LIST_KEYS = ["L1", "L2", "C1"]
# The daily screen: dashboard, a round's board, the search box (admin, API).
SCREEN_KEYS = ["B1", "B2", "Q2", "Q3"]
SCREEN_P95_MS = {"B1": 300, "B2": 200, "Q2": 50, "Q3": 50}
HTTP_KEYS = ["L1", "D1", "S1", "S1 deep", "I1", "Q1"]


def main():
    args = parse_arguments()
    started = time.monotonic()
    full = datasets.Dataset(
        args.database, SCALES[args.scale], args.seed, args.server.rstrip("/")
    )
    copy = datasets.Dataset(
        args.copy_database or f"{args.database}_{args.copy_percent}pct",
        full.sizes.scaled(args.copy_percent),
        args.seed,
        full.server,
    )
    say(f"== data sets ({args.scale} scale)")
    datasets.ensure(full, log=say)
    datasets.ensure(copy, log=say)

    os.environ.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=full.url,
        BENCH_COPY_DATABASE=copy.database,
        DJANGO_LOG_LEVEL="WARNING",
        # As for gunicorn (bench.http_load): counted, never reached.
        API_RATE_LIMIT="1000000/minute",
    )
    os.environ.pop("DATABASE_REPLICA_URL", None)
    import django

    django.setup()
    from bench import probes

    try:
        code = measure(args, full, copy, probes)
    except probes.BenchError as error:
        say(f"The benchmark could not measure: {error}")
        code = 2
    say(f"(whole run: {(time.monotonic() - started) / 60:.1f} min)")
    sys.exit(code)


def measure(args, full_set, copy_set, probes):
    """Every phase after the data sets; the exit status."""
    full = probes.Target("full", "default", full_set)
    copy = probes.Target("copy", "copy", copy_set)
    for target in (full, copy):
        probes.prepare(target)
        values = probes.fill_paths(target)
        say(
            f"{target.dataset.database}: D1 investor {values['stakes_investor']}, "
            f"I1 investor {values['interactions_investor']}, "
            f"S1 deep page {values['deep_page']}"
        )
    if not probes.same_content_types(full, copy):
        raise probes.BenchError(
            f"{full_set.database} and {copy_set.database} number their content "
            "types differently; drop the copy's database and run again."
        )

    say("== queries and naive twins")
    statements, queries, notes = capture_all(full, probes)
    count_verdicts = check_counts(full, copy, probes)

    built = probes.build_probes(full, copy, statements)
    say("== warm-up")
    rounds = choose_rounds(args, built)
    say("== rounds")
    probes.run_rounds(built, rounds, seed=args.seed, log=say)
    by_variant = {}
    for probe in built:
        by_variant.setdefault(probe.key, {})[probe.variant] = probe

    say("== plans of the slowest statements (EXPLAIN ANALYZE, full data set)")
    dominant = explain_all(full, statements, probes)

    load = None
    if args.http_seconds > 0:
        say("== HTTP")
        load = http_load.run(
            full.dataset.url,
            full.token,
            [full.paths[key] for key in HTTP_KEYS],
            args.http_rate,
            args.http_seconds,
            log=say,
        )

    verdicts = targets(by_variant, load, full_set) + count_verdicts
    failed = [verdict for verdict in count_verdicts if not verdict.holds]
    lines = table(args, full, copy, by_variant, queries, rounds, load, probes)
    lines += ["", "Targets:", *(verdict.line() for verdict in verdicts)]
    lines += ["", "Slowest statement of each request (EXPLAIN ANALYZE, full data):"]
    lines += [f"- {key}: {node}" for key, node in dominant.items()]
    if notes:
        lines += ["", "Notes:", *(f"- {note}" for note in notes)]
    lines += [
        "",
        f"Query-count checks: {len(count_verdicts) - len(failed)} of "
        f"{len(count_verdicts)} hold" + (" (exit status 1)." if failed else "."),
    ]
    OUTPUT.mkdir(exist_ok=True)
    (OUTPUT / "latest.md").write_text("\n".join(lines) + "\n")
    print("\n" + "\n".join(lines), flush=True)
    say(f"(also in {OUTPUT / 'latest.md'}; plans in {OUTPUT / 'plans.txt'})")
    return 1 if failed else 0


def capture_all(full, probes):
    """Each measured request's statements and query counts on the full data set,
    and notes where its naive twin answers other rows or figures."""
    statements, queries, notes = {}, {}, []
    for key in measured_keys(probes):
        statements[key], response = probes.capture(full, key)
        auth = sum(statement.authenticates for statement in statements[key])
        queries[key] = f"{auth} + {len(statements[key]) - auth}"
        if key in probes.API_PATHS:
            _, naive = probes.capture(full, "/naive" + full.paths[key], full.api)
            if difference := probes.same_rows(response, naive):
                notes.append(f"{key}: the naive twin differs: {difference}")
    return statements, queries, notes


def measured_keys(probes):
    """Every measurement, each list's other users right after it."""
    return [*probes.by_user([*API_KEYS, *FIGURE_KEYS, *ADMIN_KEYS]), *SCREEN_KEYS]


def choose_rounds(args, built):
    """Run each probe once (warm-up); as many rounds as asked and the budget allows."""
    round_seconds = sum(probe.run() for probe in built)
    budget = int(args.budget_minutes * 60 / max(round_seconds, 1e-3))
    rounds = max(min(args.rounds, 5), min(args.rounds, budget))
    say(
        f"one round takes about {round_seconds:.1f} s: {rounds} rounds "
        f"(asked {args.rounds}, budget {args.budget_minutes:g} min)"
    )
    return rounds


def explain_all(full, statements, probes):
    """Write each request's slowest statement and plan to plans.txt; summaries."""
    plans, dominant = [], {}
    for key in measured_keys(probes):
        seconds, statement = probes.slowest_statement(full.raw, statements[key])
        if statement is None:
            continue
        text, dominant[key] = probes.explain(full.raw, statement)
        plans.append(
            f"== {key}: {full.paths[key]}\n-- slowest statement, {seconds * 1000:.1f} ms "
            f"alone; dominated by {dominant[key]}\n{statement.sql}\n-- params: "
            f"{statement.params!r}\n{text}\n"
        )
    OUTPUT.mkdir(exist_ok=True)
    (OUTPUT / "plans.txt").write_text("\n".join(plans))
    return dominant


def check_counts(full, copy, probes):
    """A verdict per group of COUNT_GROUPS: same queries beyond auth, within the limit."""
    verdicts = []
    for group, (limit, keys) in probes.COUNT_GROUPS.items():
        counts = {}
        for target in (full, copy):
            for key in keys:
                captured, _ = probes.capture(target, key)
                app = [s for s in captured if not s.authenticates]
                counts[f"{key} ({target.name})"] = (len(app), app)
        numbers = {name: count for name, (count, _) in counts.items()}
        constant = len(set(numbers.values())) == 1
        highest = max(numbers.values())
        by_count = {}
        for name, count in numbers.items():
            by_count.setdefault(count, []).append(name)
        measured = "; ".join(
            f"{count} for {', '.join(names)}"
            for count, names in sorted(by_count.items())
        )
        if not constant or highest > limit:
            name = max(numbers, key=numbers.get)
            measured += (
                f" ({name}: " + ", ".join(s.describe() for s in counts[name][1]) + ")"
            )
        verdicts.append(
            report.Verdict(
                f"queries beyond authentication, {group}",
                measured,
                f"the same for each, at most {limit}",
                constant and highest <= limit,
                gated=True,
            )
        )
    return verdicts


def table(args, full, copy, by_variant, queries, rounds, load, probes):
    with full.raw.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server_version = cursor.fetchone()[0].split()[0]
    import django
    import rest_framework

    generated = full.dataset.generated or {}
    lines = [
        f"Benchmark ({args.scale} scale, {datetime.date.today().isoformat()}): "
        f"`make bench{' BENCH_SCALE=small' if args.scale == 'small' else ''}`. "
        f"Median ratio over {rounds} rounds (interquartile range); p50/p95 of the "
        f"API at full scale. Measured as a Deal-team user in no team, with a bearer "
        f'token ("team": a member of the team with the most confidential rounds; '
        f'"superuser": sees every round); the floor replays every statement the request ran '
        f"(authentication's included) with raw psycopg; the copy is "
        f"{args.copy_percent}% of the data.",
        "",
        *report.measurement_rows(
            measured_keys(probes), by_variant, queries, probes.DESCRIPTIONS
        ),
        *report.http_row(load),
        "",
        f"Data: full = {full.dataset.sizes.label()} (seed {full.dataset.seed}); "
        f"copy = {copy.dataset.sizes.label()}. generate_data, full data set: "
        f"{generated.get('rows', 0):,} rows with history in "
        f"{generated.get('seconds', 0):.0f} s, {generated.get('rows_per_second', 0):,} "
        f"rows/s, peak memory {generated.get('peak_memory_mb', 0)} MB "
        f"(run on {generated.get('on', '?')}).",
        f"Machine: {os.cpu_count()} cores, PostgreSQL {server_version}, Python "
        f"{platform.python_version()}, Django {django.get_version()}, DRF "
        f"{rest_framework.VERSION}.",
    ]
    return lines


def targets(by_variant, load, full_set):
    """The issue's targets on ratios and times: reported, never gated."""
    verdicts = []

    def ratio(key, variant, limit, name):
        values = report.ratios(
            by_variant[key]["api"].times, by_variant[key][variant].times
        )
        value = report.median(values)
        verdicts.append(
            report.Verdict(
                f"{name}, {key}", f"{value:.2f}", f"≤ {limit}", value <= limit
            )
        )

    for key, limit in [("L1", 3.0), ("D1", 4.0), ("S1", 4.0)]:
        ratio(key, "floor", limit, "API / floor")
    for key in ("L1", "D1"):
        ratio(key, "naive", 0.10, "optimised / naive")
    deep = report.median(
        report.ratios(by_variant["S1 deep"]["api"].times, by_variant["S1"]["api"].times)
    )
    verdicts.append(
        report.Verdict("S1 deep page / first page", f"{deep:.2f}", "≤ 1.2", deep <= 1.2)
    )
    for key in ["L1", "D1", "S1", "S1 deep", "I1", "Q1", *FIGURE_KEYS]:
        ratio(key, "copy", 1.3, "full / copy")
    for key in ADMIN_KEYS:
        ratio(key, "copy", 1.5, "full / copy")
    # L1's target holds for every user, and for the other lists ordered or
    # filtered by stored figures.
    for key in by_user_keys(LIST_KEYS):
        p95 = report.quantile(by_variant[key]["api"].times, 0.95) * 1000
        verdicts.append(
            report.Verdict(
                f"{key} p95 in-process", f"{p95:.1f} ms", "< 15 ms", p95 < 15
            )
        )
    for key in by_user_keys(ADMIN_KEYS):
        if key not in by_variant:
            continue
        p95 = report.quantile(by_variant[key]["api"].times, 0.95) * 1000
        verdicts.append(
            report.Verdict(f"admin p95, {key}", f"{p95:.0f} ms", "< 200 ms", p95 < 200)
        )
    for key, limit in SCREEN_P95_MS.items():
        p95 = report.quantile(by_variant[key]["api"].times, 0.95) * 1000
        verdicts.append(
            report.Verdict(
                f"p95 in-process, {key}", f"{p95:.0f} ms", f"< {limit} ms", p95 < limit
            )
        )
    if load is not None:
        p95 = report.quantile(load.latencies, 0.95) * 1000
        errors = sum(load.errors.values())
        growth = load.rss_growth_per_1000()
        verdicts += [
            report.Verdict(
                "HTTP throughput",
                f"{load.throughput:.1f} requests/s",
                f"≥ {load.rate:g} requests/s",
                load.throughput >= load.rate * 0.98,
            ),
            report.Verdict("HTTP p95", f"{p95:.0f} ms", "< 50 ms", p95 < 50),
            report.Verdict("HTTP errors", str(errors), "0", errors == 0),
            report.Verdict(
                "worker memory growth",
                report.growth_text(load),
                "flat (< 1 MB per 1000 requests)",
                growth is not None and growth < 1024,
            ),
        ]
    if generated := full_set.generated:
        verdicts += [
            report.Verdict(
                "generate_data peak memory",
                f"{generated['peak_memory_mb']} MB",
                "< 500 MB",
                generated["peak_memory_mb"] < 500,
            ),
            report.Verdict(
                "generate_data speed",
                f"{generated['rows_per_second']:,} rows/s",
                "≥ 50,000 rows/s",
                generated["rows_per_second"] >= 50_000,
            ),
        ]
    return verdicts


def by_user_keys(keys):
    from bench import probes

    return probes.by_user(keys)


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", choices=SCALES, default="full")
    parser.add_argument(
        "--rounds", type=int, help="rounds of every probe (default: 20 full, 3 small)"
    )
    parser.add_argument(
        "--budget-minutes",
        type=float,
        default=8,
        help="fewer rounds (at least 5) if the asked ones would take longer",
    )
    parser.add_argument("--seed", type=int, default=1, help="generate_data's --seed")
    parser.add_argument(
        "--server",
        default="postgres://postgres@127.0.0.1:5432",
        help="PostgreSQL server URL, without a database name",
    )
    parser.add_argument("--database", help="the full data set's database")
    parser.add_argument("--copy-database", help="the copy's database")
    parser.add_argument(
        "--copy-percent", type=int, help="the copy's size (1 full, 10 small)"
    )
    parser.add_argument("--http-rate", type=float, help="requests per second")
    parser.add_argument(
        "--http-seconds", type=float, help="length of the load; 0: no HTTP phase"
    )
    args = parser.parse_args()
    for name, value in DEFAULTS[args.scale].items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    return args


def say(text):
    print(text, flush=True)


if __name__ == "__main__":
    main()
