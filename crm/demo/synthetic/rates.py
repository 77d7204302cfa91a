"""Exchange rates: the monthly rows generated, and USD conversion in memory.

`to_usd` gives exactly what crm.core.fx.to_usd would store for the same rates
(the latest rate on or before the date, USD always 1, cents rounded half up),
so re-saving a generated row through the services changes nothing.
"""

import datetime
import math
from bisect import bisect
from decimal import ROUND_HALF_UP, Decimal

from crm.core.currencies import USD
from crm.core.fx import CENT
from crm.demo.synthetic.vocabulary import CURRENCIES

# As the database returns rates: ExchangeRate.usd_per_unit has 10 places.
RATE_PLACES = Decimal("1E-10")
ONE = Decimal(1)


def month_starts(first: datetime.date, last: datetime.date):
    day = first.replace(day=1)
    while day <= last:
        yield day
        day = (day + datetime.timedelta(days=32)).replace(day=1)


class Rates:
    """The rates on file (existing ones and generated ones), by currency."""

    def __init__(self, existing=()):
        # currency -> sorted [(valid_from ordinal, rate)]
        self.by_currency = {}
        for currency, valid_from, usd_per_unit in existing:
            self._add(currency, valid_from, usd_per_unit)
        self._index()

    def _add(self, currency, valid_from, usd_per_unit):
        self.by_currency.setdefault(currency, []).append(
            (valid_from.toordinal(), Decimal(usd_per_unit).quantize(RATE_PLACES))
        )

    def _index(self):
        self.days = {}
        self.values = {}
        for currency, pairs in self.by_currency.items():
            pairs.sort()
            self.days[currency] = [day for day, _ in pairs]
            self.values[currency] = [rate for _, rate in pairs]

    def has(self, currency, valid_from):
        days = self.days.get(currency, ())
        position = bisect(days, valid_from.toordinal())
        return position > 0 and days[position - 1] == valid_from.toordinal()

    def generate(self, first: datetime.date, last: datetime.date, rng):
        """Rows (currency, valid_from, usd_per_unit) for each month not on file.

        Each currency wanders around its usual value (a random walk pulled
        back towards it). USD gets its one row of 1, as in the demo data.
        """
        rows = []
        if not self.days.get(USD):
            rows.append((USD, first, ONE))
        for currency, (usual, volatility) in CURRENCIES.items():
            usual = float(usual)
            level = usual
            for day in month_starts(first, last):
                level *= math.exp(
                    rng.gauss(0, volatility) + 0.1 * math.log(usual / level)
                )
                if not self.has(currency, day):
                    rate = Decimal(f"{level:.6g}").quantize(RATE_PLACES)
                    rows.append((currency, day, rate))
        for currency, day, rate in rows:
            self._add(currency, day, rate)
        self._index()
        return rows

    def usd_per_unit(self, currency: str, on: datetime.date) -> Decimal:
        if currency == USD:
            return ONE
        position = bisect(self.days[currency], on.toordinal())
        if not position:
            raise ValueError(f"No {currency} rate on or before {on}.")
        return self.values[currency][position - 1]

    def to_usd(self, amount, currency, on):
        if amount is None:
            return None
        return (amount * self.usd_per_unit(currency, on)).quantize(
            CENT, rounding=ROUND_HALF_UP
        )

    def from_usd(self, usd: float, currency: str, on: datetime.date) -> Decimal:
        """About `usd` in `currency`, rounded to three significant figures."""
        local = usd / float(self.usd_per_unit(currency, on))
        return Decimal(f"{max(local, 1):.3g}").quantize(CENT)
