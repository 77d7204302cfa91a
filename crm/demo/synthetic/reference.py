"""Rows of the reference tables: the sector tree, exchange rates, teams."""

from crm.demo.synthetic import vocabulary
from crm.demo.synthetic.naming import UniqueNames
from crm.demo.synthetic.registry import FIRST_DAY, LAST_DAY, START, Registry
from crm.demo.synthetic.sampling import DAY, Weighted, between, moment, start_of

SECTOR_FIELDS = ("id", "created_at", "updated_at", "name", "slug", "parent_id")
RATE_FIELDS = (
    "id",
    "created_at",
    "updated_at",
    "currency",
    "usd_per_unit",
    "valid_from",
)
TEAM_FIELDS = ("id", "created_at", "updated_at", "name", "description")
TEAM_MEMBER_FIELDS = ("id", "team_id", "user_id")


def sectors(reg: Registry, existing: dict, rng):
    """The vocabulary's sector tree; sectors already on file are reused.

    `existing` maps slugs and lower-case names to ids. Yields the new rows and
    records every sector's id in vocabulary order.
    """
    next_id = reg.first_ids["core.Sector"]
    weights = {}
    for slug, name, parent, weight in vocabulary.SECTORS:
        known = existing.get(slug) or existing.get(name.lower())
        if known is None:
            known = next_id
            next_id += 1
            created = START + int(rng.random() * DAY)
            parent_id = (
                reg.sector_ids[reg.sector_slugs.index(parent)] if parent else None
            )
            yield (known, moment(created), moment(created), name, slug, parent_id)
        reg.sector_ids.append(known)
        reg.sector_slugs.append(slug)
        reg.sector_parents.append(parent)
        weights[len(reg.sector_ids) - 1] = weight
    reg.company_sectors = Weighted(weights)


def exchange_rates(reg: Registry, rng):
    """A rate a month per currency over the whole period, for months not on file."""
    next_id = reg.first_ids["core.ExchangeRate"]
    for currency, valid_from, usd_per_unit in reg.rates.generate(
        FIRST_DAY, LAST_DAY, rng
    ):
        created = max(START, start_of(valid_from)) + between(rng, 0, 2 * DAY)
        yield (
            next_id,
            moment(created),
            moment(created),
            currency,
            usd_per_unit,
            valid_from,
        )
        next_id += 1


def teams(reg: Registry, taken_names, rng):
    count = max(2, min(len(vocabulary.TEAM_NAMES), len(reg.user_ids) // 3))
    names = UniqueNames(taken_names)
    pool = iter(vocabulary.TEAM_NAMES)
    next_id = reg.first_ids["core.Team"]
    for _ in range(count):
        name = names.pick(lambda rng: next(pool, vocabulary.TEAM_NAMES[0]), rng)
        created = START + between(rng, 0, 365 * DAY)
        reg.team_ids.append(next_id)
        yield (
            next_id,
            moment(created),
            moment(created),
            name,
            f"The people who may see {name.lower()} rounds marked confidential.",
        )
        next_id += 1


def team_members(reg: Registry, rng):
    next_id = reg.first_ids["core.Team_members"]
    for team_id in reg.team_ids:
        size = min(len(reg.user_ids), between(rng, 2, 5))
        for user_id in sorted(rng.sample(reg.user_ids, size)):
            yield (next_id, team_id, user_id)
            next_id += 1
