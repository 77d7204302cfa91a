"""What later tables need to know about the rows generated before them.

Rows stream straight to the database; only compact facts stay in memory
(ids, times, a few small codes in typed arrays): a stake needs its round's
company, date and currency, an interaction its investor's people. At full
scale this is a few tens of megabytes.
"""

import datetime
from array import array
from dataclasses import dataclass, field

from crm.demo.synthetic.rates import Rates
from crm.demo.synthetic.sampling import DAY, PowerLaw, Weighted, start_of

# Generated history spans these years. Fixed, not "until today": the same seed
# must give the same rows whenever it runs.
FIRST_DAY = datetime.date(2014, 1, 1)
LAST_DAY = datetime.date(2025, 12, 31)
START = start_of(FIRST_DAY)
END = start_of(LAST_DAY) + DAY - 1


@dataclass
class Sizes:
    investors: int = 1000
    companies: int = 200
    stakes: int = 10_000
    interactions: int = 10_000
    # None: one per hundred interactions (at least one when there are any).
    notes: int | None = None

    @property
    def note_count(self):
        if self.notes is not None:
            return self.notes
        return -(-self.interactions // 100) if self.investors else 0


@dataclass
class Registry:
    seed: int
    sizes: Sizes
    rates: Rates
    # The first id each table's generated rows take; see crm.demo.synthetic.tables.
    first_ids: dict
    user_ids: list = field(default_factory=list)
    team_ids: list = field(default_factory=list)
    # Sectors: ids, slugs and parents' slugs, in vocabulary order.
    sector_ids: list = field(default_factory=list)
    sector_slugs: list = field(default_factory=list)
    sector_parents: list = field(default_factory=list)
    company_sectors: Weighted | None = None

    # Investors, by index (id = first id + index).
    investor_names: list = field(default_factory=list)
    investor_domains: list = field(default_factory=list)
    investor_regions: list = field(default_factory=list)
    investor_created: array = field(default_factory=lambda: array("q"))
    # Three sector indexes per investor, 255 for none.
    investor_sectors: bytearray = field(default_factory=bytearray)
    popularity: PowerLaw | None = None
    contact_first: array = field(default_factory=lambda: array("q"))
    contact_count: bytearray = field(default_factory=bytearray)

    # Companies, by index.
    company_names: list = field(default_factory=list)
    company_countries: list = field(default_factory=list)
    company_created: array = field(default_factory=lambda: array("q"))
    company_first_round: array = field(default_factory=lambda: array("q"))
    company_round_count: bytearray = field(default_factory=bytearray)

    # Funding rounds, by index; scheduled with their company, written after.
    round_company: array = field(default_factory=lambda: array("l"))
    round_names: list = field(default_factory=list)
    round_stages: list = field(default_factory=list)
    round_typical_usd: array = field(default_factory=lambda: array("d"))
    round_typical_investors: array = field(default_factory=lambda: array("d"))
    round_announced: array = field(default_factory=lambda: array("l"))
    # Filled when the rounds are written:
    round_created: array = field(default_factory=lambda: array("q"))
    round_closed: array = field(default_factory=lambda: array("l"))
    round_currency: list = field(default_factory=list)
    round_status: list = field(default_factory=list)
    round_basis: list = field(default_factory=list)
    round_post_money: list = field(default_factory=list)
    confidential_rounds: set = field(default_factory=set)

    # Interactions, by index: the investor's index.
    interaction_investor: array = field(default_factory=lambda: array("l"))

    def first_id(self, model):
        return self.first_ids[model._meta.label]
