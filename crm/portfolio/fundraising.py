"""A round's fundraising at a glance: what is held, what is in talks, against the target.

Shared by the round's board, the Fundraising page and the dashboard, so the
three show the same figures. Held means `Stake.HELD` (committed + closed),
stored on the round (`held_usd`), and is the round's raised figure when no
raised amount was entered (`raised_usd`); only the stakes the viewer may see
count (ethical walls).
"""

from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from crm.portfolio.models import FundingRound, Stake

MONEY = DecimalField(max_digits=22, decimal_places=2)
# The stages of a round's fundraising, left to right on its board. Exited
# stakes are past fundraising.
COLUMNS = (
    Stake.Status.PROSPECT,
    Stake.Status.IN_TALKS,
    Stake.Status.COMMITTED,
    Stake.Status.CLOSED,
    Stake.Status.DECLINED,
)
# Rounds still raising: what the Fundraising page and the dashboard list.
RAISING = (FundingRound.Status.OPEN, FundingRound.Status.PLANNED)


def _total(stakes):
    per_round = stakes.values("round").annotate(total=Sum("amount_usd"))
    return Coalesce(
        Subquery(per_round.values("total"), output_field=MONEY),
        Value(Decimal(0)),
        output_field=MONEY,
    )


def with_progress(rounds, user):
    """Annotate in_talks_usd and pipeline_usd: one subquery each, no query per row.

    What the round holds is stored on it (`FundingRound.held_usd`, the stakes
    whoever sees the round sees), like the raised figure it feeds.
    """
    stakes = Stake.objects.visible_to(user).filter(round=OuterRef("pk")).order_by()
    return rounds.annotate(
        in_talks_usd=_total(stakes.filter(status=Stake.Status.IN_TALKS)),
        pipeline_usd=_total(stakes.pipeline()),
    )


def percent_of_target(held_usd, target_usd):
    """Whole percent of the target held; None without a target to measure against."""
    if not target_usd:
        return None
    return int(held_usd * 100 / target_usd)
