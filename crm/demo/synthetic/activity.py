"""Rows of the contact log (interactions and the people present) and deal notes."""

import datetime

from crm.demo.synthetic import vocabulary
from crm.demo.synthetic.registry import END, LAST_DAY, Registry
from crm.demo.synthetic.sampling import (
    DAY,
    SECOND,
    PowerLaw,
    Weighted,
    between,
    moment,
)

INTERACTION_FIELDS = (
    "id",
    "created_at",
    "updated_at",
    "kind",
    "occurred_at",
    "investor_id",
    "company_id",
    "round_id",
    "summary",
    "details",
    "follow_up_on",
    "follow_up_done",
    "logged_by_id",
)
INTERACTION_CONTACT_FIELDS = ("id", "interaction_id", "contact_id")
NOTE_FIELDS = (
    "id",
    "created_at",
    "updated_at",
    "title",
    "body",
    "investor_id",
    "company_id",
    "round_id",
    "pinned",
    "author_id",
)

KINDS = Weighted(dict(vocabulary.INTERACTION_KINDS))
PEOPLE_PRESENT = Weighted({0: 12, 1: 55, 2: 23, 3: 10})
# Share of contacts drawn by popularity (the rest evenly): busy investors are
# called more, and every investor gets some contact.
BY_POPULARITY = 0.7
HOUR = 3600 * SECOND


def _investor(reg, rng):
    if rng.random() < BY_POPULARITY:
        return reg.popularity.draw(rng)
    return int(rng.random() * reg.sizes.investors)


def interactions(reg: Registry, rng):
    """Calls, meetings and e-mails, more of them in recent years."""
    loggers = PowerLaw(len(reg.user_ids), 0.6, rng)
    round_count = len(reg.round_names)
    first_investor = reg.first_ids["investors.Investor"]
    first_company = reg.first_ids["portfolio.Company"]
    first_round = reg.first_ids["portfolio.FundingRound"]
    next_id = reg.first_ids["notes.Interaction"]
    follow_up_horizon = LAST_DAY - datetime.timedelta(days=30)
    for _ in range(reg.sizes.interactions):
        investor = _investor(reg, rng)
        known_since = reg.investor_created[investor]
        day = known_since + int(rng.random() ** 0.5 * (END - known_since))
        day -= day % DAY
        occurred = max(known_since, day + 8 * HOUR + between(rng, 0, 10 * HOUR))
        occurred -= occurred % SECOND
        kind = KINDS.draw(rng)
        summaries = vocabulary.INTERACTION_SUMMARIES[kind]
        summary = summaries[int(rng.random() * len(summaries))]
        company_id = round_id = None
        if round_count and rng.random() < 0.35:
            index = int(rng.random() * round_count)
            company = reg.round_company[index]
            company_id = first_company + company
            if rng.random() < 0.6:
                round_id = first_round + index
                summary = (
                    f"{summary}: {reg.company_names[company]} {reg.round_names[index]}"
                )
            else:
                summary = f"{summary}: {reg.company_names[company]}"
        details = ""
        if rng.random() < 0.4:
            pool = vocabulary.INTERACTION_DETAILS
            details = " ".join(
                pool[int(rng.random() * len(pool))]
                for _ in range(1 + (rng.random() < 0.4))
            )
        follow_up_on = None
        done = False
        if rng.random() < 0.25:
            follow_up_on = moment(occurred).date() + datetime.timedelta(
                days=between(rng, 2, 21)
            )
            done = rng.random() < (0.9 if follow_up_on < follow_up_horizon else 0.15)
        created = min(END, occurred + between(rng, 0, 2 * DAY))
        updated = created if rng.random() < 0.75 else between(rng, created, END)
        reg.interaction_investor.append(investor)
        yield (
            next_id,
            moment(created),
            moment(updated),
            kind,
            moment(occurred),
            first_investor + investor,
            company_id,
            round_id,
            summary,
            details,
            follow_up_on,
            done,
            reg.user_ids[loggers.draw(rng)],
        )
        next_id += 1


def interaction_contacts(reg: Registry, rng):
    """Zero to three people present, all from the interaction's investor."""
    next_id = reg.first_ids["notes.InteractionContact"]
    interaction_id = reg.first_ids["notes.Interaction"]
    for investor in reg.interaction_investor:
        available = reg.contact_count[investor]
        present = min(available, PEOPLE_PRESENT.draw(rng))
        first_contact = reg.contact_first[investor]
        if present == 1:
            offsets = [int(rng.random() * available)]
        else:
            offsets = sorted(rng.sample(range(available), present))
        for offset in offsets:
            yield (next_id, interaction_id, first_contact + offset)
            next_id += 1
        interaction_id += 1


def deal_notes(reg: Registry, rng):
    """Notes about an investor, a company, a round, or an investor and a company."""
    first_investor = reg.first_ids["investors.Investor"]
    first_company = reg.first_ids["portfolio.Company"]
    first_round = reg.first_ids["portfolio.FundingRound"]
    next_id = reg.first_ids["notes.DealNote"]
    sentences = vocabulary.INTERACTION_DETAILS
    for _ in range(reg.sizes.note_count):
        investor = company = round_ = None
        roll = rng.random()
        if roll < 0.4 or not reg.company_names:
            investor = _investor(reg, rng)
        elif roll < 0.8:
            round_ = int(rng.random() * len(reg.round_names))
            company = reg.round_company[round_]
            if roll < 0.6:
                round_ = None
        else:
            investor = _investor(reg, rng)
            company = int(rng.random() * len(reg.company_names))
        subjects = []
        known_since = []
        if investor is not None:
            subjects.append(reg.investor_names[investor])
            known_since.append(reg.investor_created[investor])
        if company is not None:
            subjects.append(reg.company_names[company])
            known_since.append(reg.company_created[company])
        if round_ is not None:
            subjects.append(reg.round_names[round_])
            known_since.append(reg.round_created[round_])
        title = vocabulary.NOTE_TITLES[int(rng.random() * len(vocabulary.NOTE_TITLES))]
        created = between(rng, max(known_since), END)
        updated = created if rng.random() < 0.5 else between(rng, created, END)
        yield (
            next_id,
            moment(created),
            moment(updated),
            f"{title}: {', '.join(subjects)}"[:200],
            " ".join(
                sentences[int(rng.random() * len(sentences))]
                for _ in range(2 + int(rng.random() * 3))
            ),
            None if investor is None else first_investor + investor,
            None if company is None else first_company + company,
            None if round_ is None else first_round + round_,
            rng.random() < 0.05,
            reg.user_ids[int(rng.random() * len(reg.user_ids))],
        )
        next_id += 1
