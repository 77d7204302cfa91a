"""Stakes and rounds feed the stake figures stored on investors (crm.core.derived)."""

from crm.core import derived
from crm.investors.models import Investor
from crm.portfolio.models import FundingRound, Stake


def stake_investors(stake):
    # As stored: before a write, the investor the stake is moving away from.
    return Stake.objects.filter(pk=stake.pk).values_list("investor_id", flat=True)


def confidential_round_investors(round_):
    """Investors with stakes in the round, if it is stored as confidential.

    Asked before and after a write, so a round that becomes (or stops being)
    confidential moves its stakes between the open and the walled figures.
    A round that stays open feeds nothing stored: its stakes count as theirs.
    """
    return (
        Stake.objects.filter(round_id=round_.pk, round__confidential=True)
        .values_list("investor_id", flat=True)
        .distinct()
    )


def the_investor_itself(investor):
    # An investor's own save writes every column, the stored figures as they
    # were loaded; recomputing them after it undoes a stake written meanwhile.
    return [investor.pk]


def refresh_investors(ids):
    Investor.objects.filter(pk__in=ids).refresh_stake_figures()


def register():
    derived.feeds(Stake, owners=stake_investors, refresh=refresh_investors)
    derived.feeds(
        FundingRound, owners=confidential_round_investors, refresh=refresh_investors
    )
    derived.feeds(Investor, owners=the_investor_itself, refresh=refresh_investors)
