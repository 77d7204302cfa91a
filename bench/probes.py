"""In-process measurements: each request against its floor, naive twin and copy.

A probe is one thing timed once per round: an API or admin request through
Django's test client (the whole middleware stack, time until the response's
bytes exist), the floor of a request (its exact SQL statements replayed
with raw psycopg), the naive twin of an API request (bench.naive), or the
same request on the small copy of the data. Every round runs every probe
once, in an order shuffled with a fixed seed, so slow drifts of the machine
fall on every probe alike; ratios are taken within a round.

The copy is reached by pointing the "default" connection at the "copy"
alias for the request (`using`), so the app's code runs unchanged.
"""

import datetime
import gc
import json
import math
import random
import re
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlsplit

import psycopg
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, connections
from django.db.models import Count, Q
from django.http import QueryDict
from django.test import Client

from bench.datasets import BOARD_ROUND, Dataset
from crm.accounts.models import ApiToken
from crm.accounts.services import api_token_create
from crm.core.api.pagination import keyset_cursor
from crm.core.models import Team
from crm.investors.models import Investor
from crm.portfolio.api.filters import StakeFilterSet
from crm.portfolio.fundraising import COLUMNS
from crm.portfolio.models import Company, FundingRound, Stake
from crm.portfolio.services import round_save, stake_save

# The users the benchmark measures as. Ethical walls make lists and figures
# depend on the user: the Deal-team user is in no team, so it sees no
# confidential round, like most of the deal team on most deals; the team
# member is in the team with the most confidential rounds, whose figures
# add the stakes in them; the superuser sees every round.
DEAL_TEAM_USER = "bench-deal-team"
TEAM_MEMBER_USER = "bench-team-member"
SUPERUSER = "bench-superuser"
DEAL_TEAM_GROUP = "Deal team"

# Statements reading only these tables authenticate the request (the token
# or session, the user, its permissions); everything else is the request's.
AUTH_TABLES = frozenset(
    {
        "accounts_apitoken",
        "auth_group",
        "auth_group_permissions",
        "auth_permission",
        "auth_user",
        "auth_user_groups",
        "auth_user_user_permissions",
        "django_content_type",
        "django_session",
        # What the user may see: the confidential rounds of their teams
        # (crm.portfolio.walls), read once per request like the permissions.
        "core_team",
        "core_team_members",
        "portfolio_fundinground_teams",
    }
)
TABLE = re.compile(r'(?:FROM|JOIN|UPDATE|INTO)\s+"([^"]+)"')
FROM = re.compile(r'(?:FROM|UPDATE|INTO)\s+"([^"]+)"')

PAGE_SIZE = 50
DEEP_PAGE = 0.9
# Investors on the measured round's board (B2), fewer on a data set with fewer.
BOARD_STAKES = 500
# The cadence given to the dashboard user's investors (generate_data sets
# none), so that "going cold" has investors to weigh.
DASHBOARD_CADENCE_DAYS = 90


class BenchError(Exception):
    """The benchmark cannot measure (an unexpected answer, a missing set)."""


@dataclass
class Statement:
    sql: str
    params: object

    @property
    def tables(self):
        return frozenset(TABLE.findall(self.sql))

    @property
    def authenticates(self):
        return bool(self.tables) and self.tables <= AUTH_TABLES

    @property
    def reads(self):
        return self.sql.lstrip().upper().startswith(("SELECT", "WITH"))

    def describe(self):
        """'SELECT core_sector' or 'SELECT COUNT investors_investor+5 more'."""
        # The main table: the one named by the least nested FROM.
        froms = [
            (
                self.sql[: match.start()].count("(")
                - self.sql[: match.start()].count(")"),
                match[1],
            )
            for match in FROM.finditer(self.sql)
        ]
        main = min(froms, key=lambda pair: pair[0])[1] if froms else "?"
        others = len(self.tables - {main})
        verb = (
            "SELECT COUNT"
            if self.sql.startswith("SELECT COUNT(*)")
            else self.sql.split()[0]
        )
        return f"{verb} {main}" + (f"+{others} more" if others else "")


@dataclass
class Target:
    """One data set as the bench sees it: its alias, users' clients, raw connection."""

    name: str  # "full" or "copy"
    alias: str
    dataset: Dataset
    token: str = ""  # the Deal-team user's API token
    api: Client = None
    superuser_api: Client = None
    admin: Client = None
    member_api: Client = None
    member_admin: Client = None
    superuser_admin: Client = None
    # The admin, logged in as the deal-team user who owns the most investors
    # (the dashboard's follow-ups, investors going cold and rounds are theirs).
    dashboard_admin: Client = None
    raw: psycopg.Connection = None
    paths: dict = field(default_factory=dict)


@contextmanager
def using(target):
    """Within the block, the "default" connection is `target`'s database."""
    if target.alias == "default":
        yield
        return
    full = connections["default"]
    connections["default"] = connections[target.alias]
    try:
        yield
    finally:
        connections["default"] = full


def same_content_types(full, copy):
    """Whether both databases number their content types alike.

    Django caches content types per alias name, and both data sets are read
    through "default": the cache is right for both only if the ids agree
    (they do when both were migrated from scratch by the same migrations).
    """
    query = "SELECT id, app_label, model FROM django_content_type ORDER BY id"
    return full.raw.execute(query).fetchall() == copy.raw.execute(query).fetchall()


def prepare(target):
    """Users, tokens, logged-in clients and a raw connection for `target`."""
    User = get_user_model()
    with using(target):
        deal_team, _ = User.objects.update_or_create(
            username=DEAL_TEAM_USER,
            defaults={"is_staff": True, "is_superuser": False, "is_active": True},
        )
        deal_team.groups.set([Group.objects.get(name=DEAL_TEAM_GROUP)])
        Team.members.through.objects.filter(user=deal_team).delete()
        superuser, _ = User.objects.update_or_create(
            username=SUPERUSER,
            defaults={"is_staff": True, "is_superuser": True, "is_active": True},
        )
        member = team_member(User)
        for user in (deal_team, superuser, member):
            user.set_unusable_password()
            user.save()
        ApiToken.objects.filter(user__in=[deal_team, superuser, member]).delete()
        _, target.token = api_token_create(user=deal_team, name="bench")
        target.api = Client(HTTP_AUTHORIZATION=f"Bearer {target.token}")
        _, secret = api_token_create(user=superuser, name="bench")
        target.superuser_api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
        _, secret = api_token_create(user=member, name="bench")
        target.member_api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
        target.admin = Client()
        target.admin.force_login(deal_team)
        target.member_admin = Client()
        target.member_admin.force_login(member)
        target.superuser_admin = Client()
        target.superuser_admin.force_login(superuser)
        target.dashboard_admin = Client()
        target.dashboard_admin.force_login(dashboard_user())
        ensure_board_round()
    target.raw = psycopg.connect(
        target.dataset.conninfo(),
        autocommit=True,
        # Django's cursor class: parameters merged into the SQL client-side.
        cursor_factory=psycopg.ClientCursor,
        # The app's session settings (config.settings), so the floor runs
        # the same plans: no JIT.
        options="-c TimeZone=UTC -c jit=off",
    )


def team_member(User):
    """The Deal-team user in the team with the most confidential rounds (only)."""
    walled = Count(
        "confidential_rounds", filter=Q(confidential_rounds__confidential=True)
    )
    team = Team.objects.annotate(walled=walled).order_by("-walled", "pk").first()
    if team is None or not team.walled:
        raise BenchError("The data set has no team with a confidential round.")
    member, _ = User.objects.update_or_create(
        username=TEAM_MEMBER_USER,
        defaults={"is_staff": True, "is_superuser": False, "is_active": True},
    )
    member.groups.set([Group.objects.get(name=DEAL_TEAM_GROUP)])
    Team.members.through.objects.filter(user=member).delete()
    team.members.add(member)
    return member


def dashboard_user():
    """The deal-team user who owns the most investors, with a cadence on each."""
    user = (
        get_user_model()
        .objects.filter(groups__name=DEAL_TEAM_GROUP, is_superuser=False)
        .annotate(owned=Count("owned_investors"))
        .order_by("-owned", "id")
        .first()
    )
    # A bench fixture, not an edit: no history, no figures depend on it.
    Investor.objects.filter(owner=user, contact_cadence_days__isnull=True).update(
        contact_cadence_days=DASHBOARD_CADENCE_DAYS
    )
    return user


def ensure_board_round():
    """The open round whose board B2 measures, with BOARD_STAKES investors in every column.

    Made once per data set through the stake service (figures and history
    follow); bench.datasets leaves its stakes out of the data set's count.
    """
    company = Company.objects.order_by("id").first()
    round_ = FundingRound.objects.filter(company=company, name=BOARD_ROUND).first()
    if round_ is None:
        round_ = round_save(
            funding_round=FundingRound(
                company=company,
                name=BOARD_ROUND,
                stage=FundingRound.Stage.SERIES_C,
                status=FundingRound.Status.OPEN,
                currency="USD",
                target_amount=Decimal(BOARD_STAKES * 10_000_000),
                announced_on=datetime.date.today(),
            )
        )
    wanted = min(BOARD_STAKES, Investor.objects.count())
    missing = wanted - Stake.objects.filter(round=round_).count()
    if missing <= 0:
        return round_
    investors = Investor.objects.exclude(stakes__round=round_).order_by("id")
    for index, investor in enumerate(investors[:missing]):
        stake_save(
            stake=Stake(
                investor=investor,
                company=company,
                round=round_,
                # Some cards without an amount yet, as on a real board.
                amount=Decimal((index % 20) * 1_000_000) or None,
                currency="USD",
                status=COLUMNS[index % len(COLUMNS)],
                is_lead=index == 0,
                as_of=round_.announced_on,
                source="The benchmark's board round.",
            )
        )
    return round_


def typical(raw, table, column):
    """The lowest id among the rows' `column` values at the 90th percentile of use."""
    return raw.execute(
        f"""
        WITH uses AS (SELECT {column} AS id, count(*) AS n FROM {table} GROUP BY 1)
        SELECT min(id) FROM uses
        WHERE n = (SELECT percentile_disc(0.9) WITHIN GROUP (ORDER BY n) FROM uses)
        """
    ).fetchone()[0]


# The measured requests; the {placeholders} are filled per data set (fill_paths).
API_PATHS = {
    "L1": "/api/v1/investors/?sector=artificial-intelligence&country=US,GB"
    "&stake_min=5000000&ordering=-total_stake_usd",
    "D1": "/api/v1/investors/{stakes_investor}/",
    "S1": "/api/v1/stakes/?sector=artificial-intelligence&amount_min=1000000",
    "S1 deep": "/api/v1/stakes/?sector=artificial-intelligence&amount_min=1000000"
    "&cursor={deep_cursor}",
    "I1": "/api/v1/interactions/?investor={interactions_investor}&ordering=-occurred_at",
    "Q1": "/api/v1/investors/?search=harbour",
}
# Orders and filters over the stored figures (no naive twin): the requests
# that pinned a worker for a team member or any user before they were stored.
FIGURE_PATHS = {
    "L2": "/api/v1/investors/?total_stake_min=10000000&ordering=-largest_stake_usd",
    "C1": "/api/v1/companies/?ordering=-latest_valuation_usd",
}
ADMIN_PATHS = {
    "A1": "/admin/investors/investor/?stake_size=100m_1b",
    "A2": "/admin/portfolio/stake/?sector=artificial-intelligence",
    "A3": "/admin/notes/interaction/",
    "A4": "/admin/notes/interaction/?occurred_at__year=2024&occurred_at__month=6",
}
# The deal team's daily screen: the dashboard, a round's board, the search box.
SCREEN_PATHS = {
    "B1": "/admin/",
    "B2": "/admin/portfolio/fundinground/{board_round}/board/",
    "Q2": "/admin/search/?q=harbour",
    "Q3": "/api/v1/search/?q=harbour",
}
DESCRIPTIONS = {
    "L1": "investors: sector + country + stake_min, by -total_stake_usd",
    "L2": "investors: total_stake_min, by -largest_stake_usd",
    "C1": "companies by -latest_valuation_usd",
    "D1": "one investor's detail (90th percentile of stakes held)",
    "S1": "stakes: company sector + amount_min, first page",
    "S1 deep": "the same, a page 90% deep",
    "I1": "one investor's interactions, newest first (90th percentile)",
    "Q1": 'investor search, part of a name ("harbour")',
    "A1": "admin investors, stake-size filter ($100M-$1B)",
    "A2": "admin stakes, sector filter",
    "A3": "admin interactions, date hierarchy (years)",
    "A4": "admin interactions, date hierarchy drilled to a month",
    "B1": "dashboard (admin index) of the user owning the most investors",
    "B2": f"a round's fundraising board, {BOARD_STAKES} investors",
    "Q2": 'admin search box, every kind ("harbour")',
    "Q3": 'search API, every kind ("harbour")',
}
# The list, filter and order probes measured again as the other kinds of
# user: "<key> team" (in the team with the most confidential rounds) and
# "<key> superuser", API time only, beside the Deal-team user's.
USER_KINDS = {"team": "a team member", "superuser": "a superuser"}
BY_USER_KEYS = ["L1", "L2", "C1", "S1", "Q1", "A1", "A2"]
for _key in BY_USER_KEYS:
    for _kind, _who in USER_KINDS.items():
        DESCRIPTIONS[f"{_key} {_kind}"] = f"{_key} as {_who}"


def by_user(keys):
    """`keys` and, after each one measured per user, its other users' variants."""
    return [
        variant
        for key in keys
        for variant in (
            [key, *(f"{key} {kind}" for kind in USER_KINDS)]
            if key in BY_USER_KEYS
            else [key]
        )
    ]


# Query-count checks: each group's requests must run as many queries beyond
# authentication as each other, on both data sets, and at most `limit`.
# The dashboard: the follow-ups, the open rounds, the investors going cold,
# one query per chart (four) and the admin's recent actions. The board: the
# round with its progress, its stakes with their dates. The search: one
# query per kind of record (investors, people, companies, rounds, notes).
DASHBOARD_QUERIES = 8
BOARD_QUERIES = 2
SEARCH_QUERIES = 5
COUNT_GROUPS = {
    "investor list": (
        3,
        [
            "/api/v1/investors/?page_size=10",
            "/api/v1/investors/?page_size=200",
            *by_user(["L1", "L2", "Q1"]),
        ],
    ),
    "company list": (
        3,
        [
            "/api/v1/companies/?page_size=10",
            "/api/v1/companies/?page_size=200",
            *by_user(["C1"]),
        ],
    ),
    "investor detail": (3, ["D1", "first investor"]),
    "stake list": (
        3,
        [
            "/api/v1/stakes/?page_size=10",
            "/api/v1/stakes/?page_size=200",
            *by_user(["S1"]),
            "S1 deep",
        ],
    ),
    "interaction list": (
        3,
        [
            "/api/v1/interactions/?page_size=10",
            "/api/v1/interactions/?page_size=200",
            "I1",
        ],
    ),
    **{f"admin {key}": (8, by_user([key])) for key in ADMIN_PATHS},
    "dashboard": (DASHBOARD_QUERIES, ["B1"]),
    "board": (BOARD_QUERIES, ["B2", "small board"]),
    "admin search": (SEARCH_QUERIES, ["Q2", "/admin/search/?q=zqxw"]),
    "search API": (SEARCH_QUERIES, ["Q3", "/api/v1/search/?q=zqxw"]),
}


def fill_paths(target):
    """The measured paths on `target`'s data: typical investors, the deep page."""
    values = {
        "stakes_investor": typical(target.raw, "portfolio_stake", "investor_id"),
        "interactions_investor": typical(
            target.raw, "notes_interaction", "investor_id"
        ),
        "first_investor": target.raw.execute(
            "SELECT min(id) FROM investors_investor"
        ).fetchone()[0],
        "board_round": target.raw.execute(
            "SELECT id FROM portfolio_fundinground WHERE name = %s", [BOARD_ROUND]
        ).fetchone()[0],
        # An open round of few investors, for the board's query count.
        "small_board_round": target.raw.execute(
            "SELECT min(round_id) FROM portfolio_stake s "
            "JOIN portfolio_fundinground r ON r.id = s.round_id "
            "WHERE NOT r.confidential AND r.name <> %s",
            [BOARD_ROUND],
        ).fetchone()[0],
    }
    values["deep_page"], values["deep_cursor"] = deep_cursor(target, API_PATHS["S1"])
    target.paths = {
        **{key: path.format(**values) for key, path in API_PATHS.items()},
        **FIGURE_PATHS,
        **ADMIN_PATHS,
        **{key: path.format(**values) for key, path in SCREEN_PATHS.items()},
        "first investor": f"/api/v1/investors/{values['first_investor']}/",
        "small board": SCREEN_PATHS["B2"].format(
            board_round=values["small_board_round"]
        ),
    }
    for key in BY_USER_KEYS:
        for kind in USER_KINDS:
            target.paths[f"{key} {kind}"] = target.paths[key]
    return values


def deep_cursor(target, path):
    """The page DEEP_PAGE of the way into the stakes `path` lists, and its cursor.

    The stakes list pages by keyset (crm.core.api.pagination): a page deep
    in it is reached by a cursor, not a number. Rather than walk there, the
    row ending the page before is found here (as the Deal-team user sees the
    list, with the list's own filters) and its cursor made by the paginator.
    """
    User = get_user_model()
    with using(target):
        user = User.objects.get(username=DEAL_TEAM_USER)
        stakes = StakeFilterSet(
            QueryDict(urlsplit(path).query), queryset=Stake.objects.visible_to(user)
        ).qs
        count = stakes.count()
        if count <= PAGE_SIZE:
            raise BenchError(f"{path} lists {count} stakes: no page is deep.")
        page = max(2, math.ceil(math.ceil(count / PAGE_SIZE) * DEEP_PAGE))
        before = stakes[(page - 1) * PAGE_SIZE - 1]
        return page, keyset_cursor(stakes, before)


def client_for(target, key):
    if key == "B1":
        return target.dashboard_admin
    base, _, kind = key.partition(" ")
    admin = base in ADMIN_PATHS or path_of(target, key).startswith("/admin/")
    if kind == "superuser":
        return target.superuser_admin if admin else target.superuser_api
    if kind == "team":
        return target.member_admin if admin else target.member_api
    return target.admin if admin else target.api


def path_of(target, key_or_path):
    return target.paths.get(key_or_path, key_or_path)


def capture(target, key_or_path, client=None):
    """The statements one request runs (untimed), and its response."""
    statements = []

    def record(execute, sql, params, many, context):
        statements.append(Statement(sql, params))
        return execute(sql, params, many, context)

    path = path_of(target, key_or_path)
    client = client or client_for(target, key_or_path)
    with using(target), connection.execute_wrapper(record):
        response = client.get(path)
        response.content  # noqa: B018 (rendered inside the capture)
    if response.status_code != 200:
        raise BenchError(f"{path}: {response.status_code} {response.content[:300]!r}")
    return statements, response


def timed_get(target, client, path):
    """Seconds until `path`'s response is rendered on `target`, and the response."""
    with using(target):
        started = time.perf_counter()
        response = client.get(path)
        response.content  # noqa: B018 (the bytes are part of the time)
        elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise BenchError(
            f"{path} on {target.dataset.database}: {response.status_code} "
            f"{response.content[:300]!r}"
        )
    return elapsed, response


def replay(raw, statements):
    """Seconds to run `statements`' reads with raw psycopg, fetching every row."""
    started = time.perf_counter()
    with raw.cursor() as cursor:
        for statement in statements:
            if not statement.reads:
                continue
            if statement.params is None:
                cursor.execute(statement.sql)
            else:
                cursor.execute(statement.sql, statement.params)
            cursor.fetchall()
    return time.perf_counter() - started


@dataclass
class Probe:
    key: str  # the measurement, e.g. "L1"
    variant: str  # "api", "floor", "naive" or "copy"
    run: object  # () -> seconds
    times: list = field(default_factory=list)
    size: int = 0


def build_probes(full, copy, statements):
    """Every probe of a round; `statements` holds each measurement's SQL on full."""

    def get(key, variant, target, client, path):
        probe = Probe(key, variant, run=None)

        def run():
            elapsed, response = timed_get(target, client, path)
            probe.size = len(response.content)
            return elapsed

        probe.run = run
        return probe

    def floor(key):
        return Probe(key, "floor", lambda: replay(full.raw, statements[key]))

    probes = []
    for key in [*by_user([*API_PATHS, *FIGURE_PATHS, *ADMIN_PATHS]), *SCREEN_PATHS]:
        probes.append(get(key, "api", full, client_for(full, key), full.paths[key]))
        if key.endswith(tuple(f" {kind}" for kind in USER_KINDS)):
            continue
        probes.append(floor(key))
        probes.append(get(key, "copy", copy, client_for(copy, key), copy.paths[key]))
        if key in API_PATHS:
            naive_path = "/naive" + full.paths[key]
            probes.append(get(key, "naive", full, full.api, naive_path))
    return probes


def run_rounds(probes, rounds, seed, log=print):
    """Run every probe once per round, in a shuffled order; keeps each time."""
    order = random.Random(seed)
    for number in range(1, rounds + 1):
        shuffled = probes[:]
        order.shuffle(shuffled)
        gc.collect()
        started = time.perf_counter()
        for probe in shuffled:
            probe.times.append(probe.run())
        log(f"  round {number}/{rounds}: {time.perf_counter() - started:.1f} s")


def same_rows(optimised, naive):
    """What the naive twin answered differently (count, rows, figures); "" if nothing."""
    figures = ("id", "total_stake_usd", "largest_stake_usd", "portfolio_count")
    one, other = json.loads(optimised.content), json.loads(naive.content)
    if "results" in one:
        # Keyset pages (stakes, interactions) say nothing of the total.
        if one.get("count") != other.get("count"):
            return f"count {one.get('count')} vs {other.get('count')}"
        one, other = one["results"], other["results"]
    else:
        one, other = [one], [other]
    for mine, theirs in zip(one, other, strict=False):
        for name in figures:
            if name in mine and mine[name] != theirs.get(name):
                return f"{name} {mine[name]} vs {theirs.get(name)} (id {mine['id']})"
    if len(one) != len(other):
        return f"{len(one)} rows vs {len(other)}"
    return ""


def slowest_statement(raw, statements):
    """The statement that takes longest on its own (best of two), and its time."""
    timings = []
    for statement in statements:
        if statement.reads:
            best = min(replay(raw, [statement]) for _ in range(2))
            timings.append((best, statement))
    return max(timings, key=lambda pair: pair[0], default=(0.0, None))


def explain(raw, statement):
    """EXPLAIN (ANALYZE, BUFFERS): the plan's text and its dominant node."""
    with raw.cursor() as cursor:
        cursor.execute(
            "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + statement.sql, statement.params
        )
        plan = cursor.fetchone()[0][0]
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement.sql, statement.params)
        text = "\n".join(row[0] for row in cursor.fetchall())
    return text, dominant_node(plan)


def dominant_node(plan, top=2):
    """The plan's costliest nodes by their own time, e.g.

    'Seq Scan on portfolio_stake: 812 ms; Index Scan on portfolio_fundinground
    (SubPlan 2, 6,000 loops): 90 ms; of 950 ms'.

    Times are per loop in a plan, so they are multiplied by the loops, except
    under a Gather, where the loops are parallel workers running at once. An
    InitPlan's or SubPlan's time is part of its parent's, like a child's.
    """
    nodes = []

    def elapsed(node, parallel):
        loops = 1 if parallel else node["Actual Loops"]
        return node["Actual Total Time"] * loops

    def walk(node, within, parallel):
        children = node.get("Plans", [])
        below = parallel or node["Node Type"] in ("Gather", "Gather Merge")
        own = elapsed(node, parallel) - sum(elapsed(child, below) for child in children)
        nodes.append((own, node, within, parallel))
        for child in children:
            walk(child, child.get("Subplan Name", within), below)

    walk(plan["Plan"], "", False)
    parts = []
    for own, node, within, parallel in sorted(nodes, key=lambda entry: -entry[0])[:top]:
        label = node["Node Type"]
        if node.get("Relation Name"):
            label += f" on {node['Relation Name']}"
        if node.get("Index Name"):
            label += f" using {node['Index Name']}"
        context = [within] if within else []
        if parallel:
            context.append("parallel")
        elif node["Actual Loops"] > 1:
            context.append(f"{node['Actual Loops']:,} loops")
        if context:
            label += f" ({', '.join(context)})"
        parts.append(f"{label}: {own:,.0f} ms")
    # Compiling the query (JIT, when its estimated cost is high) is not in any
    # node; its time adds up over the parallel workers, each compiling.
    jit = plan.get("JIT", {}).get("Timing", {}).get("Total", 0)
    if jit >= 0.1 * plan["Execution Time"]:
        parts.insert(0, f"JIT compilation: {jit:,.0f} ms (over all processes)")
    return "; ".join(parts) + f"; of {plan['Execution Time']:,.0f} ms"
