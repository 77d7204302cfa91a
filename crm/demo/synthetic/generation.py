"""Generate a realistic CRM data set of any size, reproducibly, in one transaction.

Order: deal-team users (through the ORM: a handful), the sector tree,
exchange rates, teams, investors and their sectors and people, companies,
funding rounds (about 2% confidential, walled to a team or two), stakes,
the contact log with the people present, deal notes; then the history
entries of every record, and the id sequences.
"""

import resource
import time
from contextlib import nullcontext
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from simple_history.models import HistoricalRecords

from crm.core.models import ExchangeRate, Sector, Team
from crm.demo.synthetic import activity, people, portfolio, reference, tables
from crm.demo.synthetic.rates import Rates
from crm.demo.synthetic.registry import Registry, Sizes
from crm.demo.synthetic.sampling import stream
from crm.demo.synthetic.vocabulary import FIRST_NAMES, LAST_NAMES
from crm.investors.models import Contact, Investor
from crm.notes.models import DealNote, Interaction, InteractionContact
from crm.portfolio.models import Company, FundingRound, Stake

# Every CRM table, parents first. Many-to-many sets through Django's own
# tables are listed by their through model.
CRM_MODELS = [
    Sector,
    ExchangeRate,
    Team,
    Team.members.through,
    Investor,
    Investor.sectors.through,
    Contact,
    Company,
    FundingRound,
    FundingRound.teams.through,
    Stake,
    Interaction,
    InteractionContact,
    DealNote,
]
RECORDED_MODELS = [model for model in CRM_MODELS if hasattr(model, "history")]
HISTORY_MODELS = [model.history.model for model in RECORDED_MODELS] + [
    HistoricalRecords.m2m_models[field_]
    for model in RECORDED_MODELS
    for field_ in model.history.model._history_m2m_fields
]
USER_GROUP = "Deal team"


class DatabaseNotEmpty(Exception):
    """The CRM tables hold data and the caller chose neither append nor flush."""


@dataclass
class Report:
    written: tables.Written
    seconds: float = 0.0
    commit_seconds: float = 0.0
    peak_memory_mb: float = 0.0

    @property
    def rows(self):
        return sum(table.rows or 0 for table in self.written.tables)

    def lines(self):
        yield f"{'table':<42} {'rows':>10} {'seconds':>8} {'rows/s':>10}"
        for table in self.written.tables:
            if table.rows is None:
                yield f"{table.table:<42} {'':>10} {table.seconds:>8.2f}"
                continue
            rate = table.rows / table.seconds if table.seconds else 0
            yield (
                f"{table.table:<42} {table.rows:>10,} {table.seconds:>8.2f} "
                f"{rate:>10,.0f}"
            )
        yield f"{'(commit)':<42} {'':>10} {self.commit_seconds:>8.2f}"
        rate = self.rows / self.seconds if self.seconds else 0
        yield f"{'total':<42} {self.rows:>10,} {self.seconds:>8.2f} {rate:>10,.0f}"
        yield f"Peak memory: {self.peak_memory_mb:.0f} MB (ru_maxrss)."


def generate_data(
    *, sizes: Sizes, seed: int, existing: str = "refuse", keep_indexes: bool = False
) -> Report:
    """Write a data set of `sizes`, the same one for the same `seed`.

    `existing` says what to do when the CRM tables hold data: "refuse"
    (raise DatabaseNotEmpty), "append" (add to it, ids and names after what
    is there), or "flush" (empty the CRM tables and their history first).
    On PostgreSQL, secondary indexes and foreign keys are re-created after
    the load (see tables.indexes_deferred) unless `keep_indexes`.
    """
    started = time.perf_counter()
    written = tables.Written()
    with transaction.atomic():
        tables.prepare_transaction()
        if existing == "flush":
            tables.flush(CRM_MODELS + HISTORY_MODELS)
        elif existing != "append" and tables.has_rows(CRM_MODELS):
            raise DatabaseNotEmpty(
                "The CRM tables already hold data: choose --append or --flush."
            )
        reg = Registry(
            seed=seed,
            sizes=sizes,
            rates=Rates(
                ExchangeRate.objects.values_list(
                    "currency", "valid_from", "usd_per_unit"
                )
            ),
            first_ids={
                model._meta.label: tables.first_free_id(model) for model in CRM_MODELS
            },
        )
        reg.user_ids = _deal_team(sizes, stream(seed, "users"))
        deferring = (
            nullcontext()
            if keep_indexes
            else tables.indexes_deferred(CRM_MODELS + HISTORY_MODELS, written)
        )
        with deferring:
            _write_all(reg, written)
            for model in RECORDED_MODELS:
                tables.write_history(model, written)
        # With the indexes back: one index scan of stakes per investor.
        figures = written.timed("(investors' stored stake figures)", rows=None)
        figures_started = time.perf_counter()
        Investor.objects.filter(
            pk__gte=reg.first_ids[Investor._meta.label]
        ).refresh_stake_figures()
        # Then the rounds' held and raised figures, which the companies' sum.
        FundingRound.objects.filter(
            pk__gte=reg.first_ids[FundingRound._meta.label]
        ).refresh_raised()
        Company.objects.filter(
            pk__gte=reg.first_ids[Company._meta.label]
        ).refresh_figures()
        figures.seconds = time.perf_counter() - figures_started
        tables.reset_sequences(CRM_MODELS + HISTORY_MODELS)
        commit_started = time.perf_counter()
    report = Report(written=written)
    report.commit_seconds = time.perf_counter() - commit_started
    report.seconds = time.perf_counter() - started
    # Kilobytes on Linux.
    report.peak_memory_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return report


def _write_all(reg: Registry, written):
    seed = reg.seed

    def rng(name):
        return stream(seed, name)

    def names(model):
        return {name.lower() for name in model.objects.values_list("name", flat=True)}

    existing_sectors = {}
    for pk, slug, name in Sector.objects.values_list("pk", "slug", "name"):
        existing_sectors[slug] = pk
        existing_sectors[name.lower()] = pk

    steps = [
        (
            Sector,
            reference.SECTOR_FIELDS,
            lambda: reference.sectors(reg, existing_sectors, rng("sectors")),
        ),
        (
            ExchangeRate,
            reference.RATE_FIELDS,
            lambda: reference.exchange_rates(reg, rng("rates")),
        ),
        (
            Team,
            reference.TEAM_FIELDS,
            lambda: reference.teams(reg, names(Team), rng("teams")),
        ),
        (
            Team.members.through,
            reference.TEAM_MEMBER_FIELDS,
            lambda: reference.team_members(reg, rng("team members")),
        ),
        (
            Investor,
            people.INVESTOR_FIELDS,
            lambda: people.investors(reg, names(Investor), rng("investors")),
        ),
        (
            Investor.sectors.through,
            people.INVESTOR_SECTOR_FIELDS,
            lambda: people.investor_sectors(reg),
        ),
        (Contact, people.CONTACT_FIELDS, lambda: people.contacts(reg, rng("contacts"))),
        (
            Company,
            portfolio.COMPANY_FIELDS,
            lambda: portfolio.companies(reg, names(Company), rng("companies")),
        ),
        (
            FundingRound,
            portfolio.ROUND_FIELDS,
            lambda: portfolio.rounds(reg, rng("rounds")),
        ),
        (
            FundingRound.teams.through,
            portfolio.ROUND_TEAM_FIELDS,
            lambda: portfolio.round_teams(reg, rng("round teams")),
        ),
        (Stake, portfolio.STAKE_FIELDS, lambda: portfolio.stakes(reg, rng("stakes"))),
        (
            Interaction,
            activity.INTERACTION_FIELDS,
            lambda: activity.interactions(reg, rng("interactions")),
        ),
        (
            InteractionContact,
            activity.INTERACTION_CONTACT_FIELDS,
            lambda: activity.interaction_contacts(reg, rng("people present")),
        ),
        (
            DealNote,
            activity.NOTE_FIELDS,
            lambda: activity.deal_notes(reg, rng("notes")),
        ),
    ]
    for model, fields, rows in steps:
        if "external_id" in {field.attname for field in model._meta.concrete_fields}:
            empty = model._meta.get_field("external_id").get_default()
            fields, rows = (*fields, "external_id"), _with_value(rows, empty)
        tables.write(model, fields, rows(), written)


def _with_value(rows, value):
    """Generated records come from no outside system: their external_id is empty."""
    return lambda: ((*row, value) for row in rows())


def _deal_team(sizes: Sizes, rng):
    """The users who own investors and log contacts: found or created by username.

    Created ones join the Deal team group and cannot log in (no password).
    """
    User = get_user_model()
    count = max(3, min(25, sizes.investors // 4000))
    group = Group.objects.filter(name=USER_GROUP).first()
    ids, usernames = [], set()
    while len(ids) < count:
        region = "western" if rng.random() < 0.6 else "chinese"
        first = FIRST_NAMES[region][int(rng.random() * len(FIRST_NAMES[region]))]
        last = LAST_NAMES[region][int(rng.random() * len(LAST_NAMES[region]))]
        username = f"{first}.{last}".lower().replace(" ", "")
        if username in usernames or not username.isascii():
            continue
        usernames.add(username)
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                first_name=first,
                last_name=last,
                email=f"{username}@example.com",
                is_staff=True,
            )
            user.set_unusable_password()
            user.save()
            if group:
                user.groups.add(group)
        ids.append(user.pk)
    return ids
