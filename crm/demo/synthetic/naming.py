"""Names that must be unique, case-insensitively, like the database wants them."""

import random

ROMAN = ["II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]


class UniqueNames:
    """Hands out names not yet taken (compared in lower case).

    `taken` holds the names already in the database (lower case), so an
    appended data set never collides with what is there.
    """

    def __init__(self, taken=()):
        self.taken = set(taken)

    def claim(self, name: str) -> bool:
        key = name.lower()
        if key in self.taken:
            return False
        self.taken.add(key)
        return True

    def pick(self, propose, rng: random.Random, tries: int = 12) -> str:
        """The first of `propose(rng)`'s proposals that is free.

        When the pools run dry, a proposal gets a numeral ("Redwood Capital
        III"), then a number, as real fund families do.
        """
        for _ in range(tries):
            name = propose(rng)
            if self.claim(name):
                return name
        base = propose(rng)
        for numeral in ROMAN:
            name = f"{base} {numeral}"
            if self.claim(name):
                return name
        number = len(self.taken)
        while not self.claim(name := f"{base} {number}"):
            number += 1
        return name
