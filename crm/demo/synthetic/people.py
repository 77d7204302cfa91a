"""Rows of investors, their focus sectors, and the people who work there."""

import re
import unicodedata
from decimal import Decimal

from crm.core.fx import CENT
from crm.demo.synthetic import vocabulary
from crm.demo.synthetic.naming import UniqueNames
from crm.demo.synthetic.registry import END, START, Registry
from crm.demo.synthetic.sampling import DAY, PowerLaw, Weighted, between, moment
from crm.investors.models import STORED_FIGURES

INVESTOR_FIELDS = (
    "id",
    "created_at",
    "updated_at",
    "name",
    "aliases",
    "kind",
    "country",
    "city",
    "website",
    "description",
    "check_size_min_usd",
    "check_size_max_usd",
    "aum_usd",
    "owner_id",
    "contact_cadence_days",
    # Computed once the stakes are in (generation.generate_data).
    *STORED_FIGURES,
)
# The stored figures of an investor without stakes: no largest stake.
NO_FIGURES = tuple(None if "largest" in name else 0 for name in STORED_FIGURES)
INVESTOR_SECTOR_FIELDS = ("id", "investor_id", "sector_id")
CONTACT_FIELDS = (
    "id",
    "created_at",
    "updated_at",
    "investor_id",
    "first_name",
    "last_name",
    "title",
    "email",
    "phone",
    "linkedin_url",
    "notes",
)

# How unequal investors are: the k-th busiest takes part in rounds about
# 1/k**POPULARITY as often as the busiest. At full scale (100k investors, 1M
# stakes) the top 1% of investors hold a third of all stakes, the top 10%
# three fifths, and the busiest about 17,000: a venture market's long tail.
POPULARITY = 0.8
NO_SECTOR = 255

KIND_LABELS = {
    "venture_capital": "Venture capital firm",
    "private_equity": "Private equity firm",
    "strategic": "Corporate investor",
    "asset_manager": "Asset manager",
    "sovereign_fund": "Sovereign wealth fund",
    "family_office": "Family office",
    "bank": "Investment bank",
    "other": "Investor",
}
# Typical smallest check and assets under management, USD, by kind.
KIND_MONEY = {
    "venture_capital": (1e6, 5e8),
    "private_equity": (2e7, 5e9),
    "strategic": (1e7, None),
    "asset_manager": (5e7, 1e11),
    "sovereign_fund": (1e8, 3e11),
    "family_office": (2e6, 2e9),
    "bank": (1e7, 5e10),
    "other": (1e5, None),
}


def slug(text):
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def money(value):
    """`value` (an amount in any currency) to three significant figures, 2 places."""
    return Decimal(f"{value:.3g}").quantize(CENT)


def investors(reg: Registry, taken_names, rng):
    kinds = Weighted(vocabulary.INVESTOR_KIND_WEIGHTS)
    countries = Weighted({code: spec[0] for code, spec in vocabulary.COUNTRIES.items()})
    sector_weights = Weighted(dict.fromkeys(range(len(reg.sector_ids)), 1))
    names = UniqueNames(taken_names)
    heads, middles = vocabulary.INVESTOR_HEADS, vocabulary.INVESTOR_MIDDLES
    next_id = reg.first_ids["investors.Investor"]
    for _ in range(reg.sizes.investors):
        kind = kinds.draw(rng)
        country = countries.draw(rng)
        _, _, cities, region, _ = vocabulary.COUNTRIES[country]
        suffixes = vocabulary.INVESTOR_SUFFIXES[kind]

        def propose(rng, suffixes=suffixes):
            head = heads[int(rng.random() * len(heads))]
            if rng.random() < 0.6:
                head = f"{head} {middles[int(rng.random() * len(middles))]}"
            return f"{head} {suffixes[int(rng.random() * len(suffixes))]}"

        name = names.pick(propose, rng)
        city = cities[int(rng.random() * len(cities))]
        # Many investors were loaded when the CRM started; the rest trickle in.
        if rng.random() < 0.4:
            created = START + between(rng, 0, 60 * DAY)
        else:
            created = between(rng, START, END)
        updated = created if rng.random() < 0.6 else between(rng, created, END)
        focus = sorted(
            {sector_weights.draw(rng) for _ in range(1 + int(rng.random() ** 2 * 3))}
        )
        check_min = check_max = aum = None
        smallest, assets = KIND_MONEY[kind]
        if rng.random() < 0.7:
            check_min = money(smallest * rng.lognormvariate(0, 0.6))
            check_max = money(float(check_min) * (3 + rng.random() * 17))
        if assets and rng.random() < 0.6:
            aum = money(assets * rng.lognormvariate(0, 1))
        owner = (
            reg.user_ids[int(rng.random() * len(reg.user_ids))]
            if reg.user_ids and rng.random() < 0.7
            else None
        )
        domain = f"{slug(name)}.example.com"
        focus_names = ", ".join(vocabulary.SECTORS[index][1].lower() for index in focus)
        reg.investor_names.append(name)
        reg.investor_domains.append(domain)
        reg.investor_regions.append(region)
        reg.investor_created.append(created)
        reg.investor_sectors.extend(bytes((*focus, *[NO_SECTOR] * (3 - len(focus)))))
        yield (
            next_id,
            moment(created),
            moment(updated),
            name,
            [],
            kind,
            country,
            city,
            f"https://www.{domain}",
            f"{KIND_LABELS[kind]} based in {city}, investing in {focus_names}.",
            check_min,
            check_max,
            aum,
            owner,
            None,  # no contact cadence: set by the team, investor by investor
            *NO_FIGURES,
        )
        next_id += 1
    reg.popularity = PowerLaw(reg.sizes.investors, POPULARITY, rng)


def investor_sectors(reg: Registry):
    next_id = reg.first_ids["investors.Investor_sectors"]
    first_investor = reg.first_ids["investors.Investor"]
    packed = reg.investor_sectors
    for index in range(len(packed) // 3):
        for position in range(3 * index, 3 * index + 3):
            if packed[position] == NO_SECTOR:
                break
            yield (next_id, first_investor + index, reg.sector_ids[packed[position]])
            next_id += 1


def contacts(reg: Registry, rng):
    """One to five people per investor, with e-mail addresses at its domain."""
    counts = Weighted({1: 25, 2: 30, 3: 22, 4: 13, 5: 10})
    titles = Weighted(dict(vocabulary.TITLES))
    next_id = reg.first_ids["investors.Contact"]
    first_investor = reg.first_ids["investors.Investor"]
    for index, created_investor in enumerate(reg.investor_created):
        region = reg.investor_regions[index]
        first_names = vocabulary.FIRST_NAMES[region]
        last_names = vocabulary.LAST_NAMES[region]
        domain = reg.investor_domains[index]
        count = counts.draw(rng)
        reg.contact_first.append(next_id)
        reg.contact_count.append(count)
        emails = set()
        for _ in range(count):
            first = first_names[int(rng.random() * len(first_names))]
            last = last_names[int(rng.random() * len(last_names))]
            local = f"{slug(first)}.{slug(last)}".replace("-", "")
            email = f"{local}@{domain}"
            number = 2
            while email in emails:
                email = f"{local}{number}@{domain}"
                number += 1
            emails.add(email)
            created = created_investor + int(
                rng.random() ** 3 * (END - created_investor)
            )
            updated = created if rng.random() < 0.7 else between(rng, created, END)
            phone = (
                f"+1 555 01{int(rng.random() * 100):02d}" if rng.random() < 0.6 else ""
            )
            linkedin = (
                f"https://www.linkedin.com/in/{slug(first)}-{slug(last)}-{int(rng.random() * 1e6):06d}"
                if rng.random() < 0.4
                else ""
            )
            notes = (
                "Prefers e-mail; copy the assistant on scheduling."
                if rng.random() < 0.05
                else ""
            )
            yield (
                next_id,
                moment(created),
                moment(updated),
                first_investor + index,
                first,
                last,
                titles.draw(rng),
                email,
                phone,
                linkedin,
                notes,
            )
            next_id += 1
