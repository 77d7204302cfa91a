"""Rows of companies, their funding rounds, and investors' stakes in them."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from crm.demo.synthetic import vocabulary
from crm.demo.synthetic.naming import UniqueNames
from crm.demo.synthetic.people import money, slug
from crm.demo.synthetic.registry import END, FIRST_DAY, LAST_DAY, START, Registry
from crm.demo.synthetic.sampling import (
    DAY,
    Weighted,
    between,
    moment,
    split_count,
    start_of,
)
from crm.portfolio.models import COMPANY_FIGURES

COMPANY_FIELDS = (
    "id",
    "created_at",
    "updated_at",
    "name",
    "aliases",
    "sector_id",
    "country",
    "city",
    "website",
    "description",
    "founded_year",
    "status",
    # Filled after the load by the same recount as the services'.
    *COMPANY_FIGURES,
)
NO_COMPANY_FIGURES = tuple(None if "latest" in name else 0 for name in COMPANY_FIGURES)
ROUND_FIELDS = (
    "id",
    "created_at",
    "updated_at",
    "company_id",
    "name",
    "stage",
    "status",
    "currency",
    "target_amount",
    "target_amount_usd",
    "raised_amount",
    "raised_amount_usd",
    "pre_money_valuation",
    "pre_money_valuation_usd",
    "post_money_valuation",
    "post_money_valuation_usd",
    "announced_on",
    "closed_on",
    "confidential",
    # Filled after the load (FundingRoundQuerySet.refresh_raised).
    "held_usd",
    "raised_usd",
)
ROUND_TEAM_FIELDS = ("id", "fundinground_id", "team_id")
STAKE_FIELDS = (
    "id",
    "created_at",
    "updated_at",
    "investor_id",
    "company_id",
    "round_id",
    "amount",
    "currency",
    "amount_usd",
    "ownership_pct",
    "status",
    "is_lead",
    "as_of",
    "source",
)

CONFIDENTIAL_SHARE = 0.02
# Stakes known without the round they were bought in (older positions).
ROUNDLESS_SHARE = 0.03
SOURCE = "Synthetic data set (generate_data), not a real figure"
# Rounds announced in the last months are still open or planned.
RECENT = 180
PERCENT = Decimal("0.01")

ROUND_COUNTS = Weighted({1: 25, 2: 22, 3: 18, 4: 15, 5: 11, 6: 9})
COMPANY_STATUSES = Weighted({"private": 82, "acquired": 8, "closed": 6, "public": 4})
STAKE_STATUSES = {
    "closed": Weighted({"closed": 80, "exited": 8, "declined": 7, "committed": 5}),
    "open": Weighted({"in_talks": 40, "committed": 35, "prospect": 15, "declined": 10}),
    "planned": Weighted({"prospect": 60, "in_talks": 35, "declined": 5}),
    "cancelled": Weighted({"declined": 70, "prospect": 30}),
}
ROUNDLESS_STATUSES = Weighted({"closed": 70, "exited": 20, "committed": 10})
CURRENCIES_BY_COUNTRY = {
    code: Weighted(spec[4]) for code, spec in vocabulary.COUNTRIES.items()
}


def _sector_words(reg, sector_index):
    """Name words of a sector, or of the nearest sector above it that has some."""
    slug_ = reg.sector_slugs[sector_index]
    while slug_ not in vocabulary.SECTOR_WORDS:
        slug_ = reg.sector_parents[reg.sector_slugs.index(slug_)]
        if slug_ is None:
            return ["Technologies", "Labs", "Systems"]
    return vocabulary.SECTOR_WORDS[slug_]


def _aliases(name, root, country, rng):
    if country == "CN" and rng.random() < 0.4:
        syllables = vocabulary.CJK_SYLLABLES
        chinese = "".join(
            syllables[int(rng.random() * len(syllables))] for _ in range(2)
        )
        ending = vocabulary.CJK_ENDINGS[int(rng.random() * len(vocabulary.CJK_ENDINGS))]
        return [chinese + ending]
    if rng.random() < 0.05:
        return [f"{root} Inc."] if name != root else [f"{root} Technologies"]
    return []


def _schedule_rounds(reg, company_index, founded_year, rng):
    """Dates and names of a company's rounds, in order, within the period."""
    earliest = max(FIRST_DAY, datetime.date(founded_year, 1, 1)).toordinal()
    latest = LAST_DAY.toordinal()
    count = max(1, min(ROUND_COUNTS.draw(rng), (latest - earliest) // 120))
    days = sorted(between(rng, earliest, latest) for _ in range(count))
    step = 0 if rng.random() < 0.7 else 1
    used = set()
    for day in days:
        if rng.random() < 0.12:
            name, stage, usd, investors = vocabulary.ROUNDS_OFF_LADDER[
                int(rng.random() * len(vocabulary.ROUNDS_OFF_LADDER))
            ]
        else:
            name, stage, usd, investors = vocabulary.ROUND_LADDER[
                min(step, len(vocabulary.ROUND_LADDER) - 1)
            ]
            step += 1
        base, number = name, 2
        while name in used:
            name = f"{base} {number}"
            number += 1
        used.add(name)
        reg.round_company.append(company_index)
        reg.round_names.append(name)
        reg.round_stages.append(stage)
        reg.round_typical_usd.append(usd * 1e6)
        reg.round_typical_investors.append(investors)
        reg.round_announced.append(day)


def companies(reg: Registry, taken_names, rng):
    countries = Weighted({code: spec[1] for code, spec in vocabulary.COUNTRIES.items()})
    names = UniqueNames(taken_names)
    heads, tails = vocabulary.NAME_HEADS, vocabulary.NAME_TAILS
    next_id = reg.first_ids["portfolio.Company"]
    for index in range(reg.sizes.companies):
        sector = reg.company_sectors.draw(rng)
        words = _sector_words(reg, sector)
        country = countries.draw(rng)
        cities = vocabulary.COUNTRIES[country][2]
        roots = []

        def propose(rng, words=words, roots=roots):
            root = (
                heads[int(rng.random() * len(heads))]
                + tails[int(rng.random() * len(tails))]
            )
            roots.append(root)
            if rng.random() < 0.65:
                return f"{root} {words[int(rng.random() * len(words))]}"
            return root

        name = names.pick(propose, rng)
        founded = min(2024, 1990 + int(35 * rng.random() ** 0.5))
        reg.company_first_round.append(len(reg.round_names))
        _schedule_rounds(reg, index, founded, rng)
        reg.company_round_count.append(
            len(reg.round_names) - reg.company_first_round[-1]
        )
        first_round = start_of(
            datetime.date.fromordinal(reg.round_announced[reg.company_first_round[-1]])
        )
        created = max(START, first_round - between(rng, 0, 365 * DAY))
        updated = created if rng.random() < 0.5 else between(rng, created, END)
        status = COMPANY_STATUSES.draw(rng)
        if "IPO" in reg.round_names[reg.company_first_round[-1] :]:
            status = "public"
        reg.company_names.append(name)
        reg.company_countries.append(country)
        reg.company_created.append(created)
        city = cities[int(rng.random() * len(cities))]
        yield (
            next_id + index,
            moment(created),
            moment(updated),
            name,
            _aliases(name, roots[-1], country, rng),
            reg.sector_ids[sector],
            country,
            city,
            f"https://www.{slug(name)}.example.com",
            f"{vocabulary.SECTORS[sector][1]} company from {city}, founded in {founded}.",
            founded,
            status,
            *NO_COMPANY_FIGURES,
        )


def _round_status(day, rng):
    if day > LAST_DAY.toordinal() - RECENT:
        return "open" if rng.random() < 0.55 else "planned"
    roll = rng.random()
    return "closed" if roll < 0.92 else "cancelled" if roll < 0.96 else "open"


def rounds(reg: Registry, rng):
    """The rounds scheduled with their companies, now with amounts and status."""
    count = len(reg.round_names)
    confidential = max(1, round(count * CONFIDENTIAL_SHARE)) if count else 0
    reg.confidential_rounds = set(rng.sample(range(count), confidential))
    next_id = reg.first_ids["portfolio.FundingRound"]
    for index in range(count):
        company = reg.round_company[index]
        announced = datetime.date.fromordinal(reg.round_announced[index])
        currency = CURRENCIES_BY_COUNTRY[reg.company_countries[company]].draw(rng)
        status = _round_status(announced.toordinal(), rng)
        era = 1 + (announced.year - FIRST_DAY.year) * 0.05
        usd = reg.round_typical_usd[index] * era * rng.lognormvariate(0, 0.6)
        raised_full = reg.rates.from_usd(usd, currency, announced)
        target = money(float(raised_full) * (1 + rng.random() * 0.3))
        raised = {
            "closed": raised_full,
            "open": money(float(raised_full) * (0.2 + rng.random() * 0.7)),
        }.get(status)
        pre_money = (
            money(float(target) * (2.5 + rng.random() * 6))
            if rng.random() < 0.75
            else None
        )
        post_money = pre_money + raised if pre_money and raised else None
        closed_on = (
            min(LAST_DAY, announced + datetime.timedelta(days=between(rng, 10, 120)))
            if status == "closed"
            else None
        )
        created = max(
            reg.company_created[company],
            start_of(announced) - between(rng, 0, 30 * DAY),
        )
        updated = created if rng.random() < 0.4 else between(rng, created, END)
        to_usd = reg.rates.to_usd
        reg.round_created.append(created)
        reg.round_closed.append(closed_on.toordinal() if closed_on else 0)
        reg.round_currency.append(currency)
        reg.round_status.append(status)
        reg.round_basis.append(raised or target)
        reg.round_post_money.append(post_money)
        yield (
            next_id + index,
            moment(created),
            moment(updated),
            reg.first_ids["portfolio.Company"] + company,
            reg.round_names[index],
            reg.round_stages[index],
            status,
            currency,
            target,
            to_usd(target, currency, announced),
            raised,
            to_usd(raised, currency, announced),
            pre_money,
            to_usd(pre_money, currency, announced),
            post_money,
            to_usd(post_money, currency, announced),
            announced,
            closed_on,
            index in reg.confidential_rounds,
            0,
            None,
        )


def round_teams(reg: Registry, rng):
    """The teams allowed to see each confidential round."""
    next_id = reg.first_ids["portfolio.FundingRound_teams"]
    first_round = reg.first_ids["portfolio.FundingRound"]
    for index in sorted(reg.confidential_rounds):
        size = min(len(reg.team_ids), 1 + int(rng.random() < 0.3))
        for team_id in sorted(rng.sample(reg.team_ids, size)):
            yield (next_id, first_round + index, team_id)
            next_id += 1


def _stakes_per_round(reg, total, rng):
    weights = [
        reg.round_typical_investors[index]
        * rng.lognormvariate(0, 0.5)
        * {"planned": 0.3, "cancelled": 0.2}.get(reg.round_status[index], 1)
        for index in range(len(reg.round_names))
    ]
    caps = [reg.sizes.investors] * len(weights)
    if total > sum(caps):
        raise ValueError(
            f"{total} stakes do not fit: {reg.sizes.investors} investors in "
            f"{len(weights)} rounds allow {sum(caps)} (one stake per investor per "
            "round). Ask for fewer stakes, or more investors or companies."
        )
    return split_count(total, weights, caps)


def stakes(reg: Registry, rng):
    """Each round's stakes (one per investor per round), then older positions.

    Investors are drawn by popularity, so a few take part in many rounds.
    Amounts split the round's raise (or target), the lead taking more.
    """
    total = reg.sizes.stakes
    roundless = round(total * ROUNDLESS_SHARE)
    per_round = _stakes_per_round(reg, total - roundless, rng)
    per_company = split_count(
        roundless,
        list(reg.company_round_count),
        [roundless] * len(reg.company_round_count),
    )
    first_investor = reg.first_ids["investors.Investor"]
    first_company = reg.first_ids["portfolio.Company"]
    first_round = reg.first_ids["portfolio.FundingRound"]
    to_usd = reg.rates.to_usd
    next_id = reg.first_ids["portfolio.Stake"]
    for company in range(len(reg.company_names)):
        first = reg.company_first_round[company]
        for index in range(first, first + reg.company_round_count[company]):
            count = per_round[index]
            if not count:
                continue
            investors = reg.popularity.draw_distinct(count, rng)
            shares = [3 + rng.random() * 2] + [
                rng.lognormvariate(0, 0.8) for _ in range(count - 1)
            ]
            share_sum = sum(shares)
            basis = float(reg.round_basis[index])
            post_money = reg.round_post_money[index]
            currency = reg.round_currency[index]
            closed = reg.round_closed[index]
            as_of = datetime.date.fromordinal(closed or reg.round_announced[index])
            statuses = STAKE_STATUSES[reg.round_status[index]]
            round_created = reg.round_created[index]
            for position, investor in enumerate(investors):
                status = statuses.draw(rng)
                amount = None
                if rng.random() > (0.5 if status == "declined" else 0.06):
                    amount = money(max(basis * shares[position] / share_sum, 1))
                ownership = (
                    min(
                        Decimal(100),
                        (amount * 100 / post_money).quantize(PERCENT, ROUND_HALF_UP),
                    )
                    if amount is not None and post_money
                    else None
                )
                created = min(
                    END,
                    max(round_created, reg.investor_created[investor])
                    + between(rng, 0, 20 * DAY),
                )
                updated = created if rng.random() < 0.7 else between(rng, created, END)
                yield (
                    next_id,
                    moment(created),
                    moment(updated),
                    first_investor + investor,
                    first_company + company,
                    first_round + index,
                    amount,
                    currency,
                    to_usd(amount, currency, as_of),
                    ownership,
                    status,
                    position == 0 or (position == 1 and rng.random() < 0.1),
                    as_of,
                    SOURCE,
                )
                next_id += 1
        for _ in range(per_company[company]):
            investor = reg.popularity.draw(rng)
            created = max(reg.company_created[company], reg.investor_created[investor])
            created = between(rng, created, END)
            as_of = moment(created).date()
            currency = CURRENCIES_BY_COUNTRY[reg.company_countries[company]].draw(rng)
            amount = reg.rates.from_usd(
                5e6 * rng.lognormvariate(0, 1.2), currency, as_of
            )
            updated = created if rng.random() < 0.7 else between(rng, created, END)
            yield (
                next_id,
                moment(created),
                moment(updated),
                first_investor + investor,
                first_company + company,
                None,
                amount,
                currency,
                to_usd(amount, currency, as_of),
                None,
                ROUNDLESS_STATUSES.draw(rng),
                False,
                as_of,
                SOURCE,
            )
            next_id += 1
