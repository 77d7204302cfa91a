"""Seeded random draws: weighted picks, power laws, dates and times.

Each table draws from its own stream, seeded from the run's seed and the
table's name, so the same seed gives the same rows and a change to how one
table is drawn leaves the others as they were.
"""

import datetime
import random
from bisect import bisect
from itertools import accumulate

UTC = datetime.UTC
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=UTC)


def stream(seed: int, name: str) -> random.Random:
    """The random stream of `name` (a table) for this run's `seed`."""
    return random.Random(f"{seed}:{name}")


class Weighted:
    """Draws items with probabilities proportional to their weights."""

    def __init__(self, weights_by_item):
        pairs = [(item, weight) for item, weight in dict(weights_by_item).items()]
        pairs = [(item, weight) for item, weight in pairs if weight > 0]
        self.items = [item for item, _ in pairs]
        self.cumulative = list(accumulate(weight for _, weight in pairs))
        self.total = self.cumulative[-1]

    def draw(self, rng: random.Random):
        return self.items[bisect(self.cumulative, rng.random() * self.total)]


class PowerLaw:
    """Draws indexes 0..n-1 with Zipf-like weights: a few are drawn very often.

    The weight of the k-th most popular index is 1 / k**exponent, and which
    index is k-th is shuffled, so the popular ones are spread over the table
    rather than being its first rows.
    """

    def __init__(self, n: int, exponent: float, rng: random.Random):
        ranks = list(range(n))
        rng.shuffle(ranks)
        self.index_of_rank = ranks
        self.cumulative = list(
            accumulate(1 / (rank + 1) ** exponent for rank in range(n))
        )
        self.total = self.cumulative[-1] if n else 0
        self.n = n

    def draw(self, rng: random.Random) -> int:
        rank = min(bisect(self.cumulative, rng.random() * self.total), self.n - 1)
        return self.index_of_rank[rank]

    def draw_distinct(self, k: int, rng: random.Random) -> list[int]:
        """`k` different indexes, the popular ones most likely among them."""
        k = min(k, self.n)
        chosen = {}
        # Rejecting repeats is cheap while k is small next to n; the
        # fallback keeps a draw of most of a small table from spinning.
        for _ in range(8 * k):
            if len(chosen) == k:
                break
            chosen.setdefault(self.draw(rng), None)
        if len(chosen) < k:
            rest = [index for index in range(self.n) if index not in chosen]
            rng.shuffle(rest)
            chosen.update(dict.fromkeys(rest[: k - len(chosen)]))
        return list(chosen)


def split_count(total: int, weights: list[float], caps: list[int]) -> list[int]:
    """`total` split in proportion to `weights`, no part above its cap.

    Largest remainders first, so the parts add up to `total` exactly and the
    split is the same for the same weights. Raises ValueError when the caps
    add up to less than `total`.
    """
    if total > sum(caps):
        raise ValueError(f"Cannot place {total} items in {sum(caps)} places.")
    counts = [0] * len(weights)
    remaining = total
    open_parts = [index for index, cap in enumerate(caps) if cap > 0]
    while remaining and open_parts:
        weight_sum = sum(weights[index] for index in open_parts) or len(open_parts)
        shares = [
            (
                remaining * (weights[index] if weight_sum else 1) / weight_sum,
                index,
            )
            for index in open_parts
        ]
        placed = 0
        for share, index in shares:
            whole = min(int(share), caps[index] - counts[index])
            counts[index] += whole
            placed += whole
        left = remaining - placed
        if left:
            by_remainder = sorted(
                shares, key=lambda pair: (-(pair[0] - int(pair[0])), pair[1])
            )
            for _, index in by_remainder:
                if not left:
                    break
                if counts[index] < caps[index]:
                    counts[index] += 1
                    left -= 1
        remaining = left
        open_parts = [index for index in open_parts if counts[index] < caps[index]]
    return counts


# Times are whole microseconds since 1970 (ints: exact, and compact in arrays).
SECOND = 1_000_000
DAY = 86_400 * SECOND


def micros(moment: datetime.datetime) -> int:
    return (moment - EPOCH) // datetime.timedelta(microseconds=1)


def moment(us: int) -> datetime.datetime:
    """The aware UTC datetime `us` microseconds after 1970."""
    return EPOCH + datetime.timedelta(microseconds=us)


def day_of(us: int) -> datetime.date:
    return moment(us).date()


def start_of(day: datetime.date) -> int:
    return micros(datetime.datetime.combine(day, datetime.time(), tzinfo=UTC))


def between(rng: random.Random, low: int, high: int) -> int:
    """A time (or any int) drawn evenly from [low, high]."""
    return low + int(rng.random() * (high - low + 1)) if high > low else low
