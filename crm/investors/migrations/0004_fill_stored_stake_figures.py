"""Compute the stake figures stored on investors (0003) from the stakes.

The same figures as InvestorQuerySet.refresh_stake_figures, written against
the historical models: migrations do not import app code.
"""

from django.db import migrations
from django.db.models import (
    Count,
    DecimalField,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

MONEY = DecimalField(max_digits=22, decimal_places=2)


def fill(apps, schema_editor):
    Investor = apps.get_model("investors", "Investor")
    Stake = apps.get_model("portfolio", "Stake")
    counted = (
        Stake.objects.filter(investor=OuterRef("pk"))
        .exclude(status="declined")
        .order_by()
        .values("investor")
    )
    open_ = counted.filter(Q(round__isnull=True) | Q(round__confidential=False))

    def total(stakes):
        return Coalesce(
            Subquery(stakes.annotate(figure=Sum("amount_usd")).values("figure")),
            Value(0),
            output_field=MONEY,
        )

    def largest(stakes):
        return Subquery(
            stakes.annotate(figure=Max("amount_usd")).values("figure"),
            output_field=MONEY,
        )

    def companies(stakes):
        return Coalesce(
            Subquery(
                stakes.annotate(figure=Count("company", distinct=True)).values("figure")
            ),
            Value(0),
            output_field=IntegerField(),
        )

    Investor.objects.update(
        all_stake_total_usd=total(counted),
        all_largest_stake_usd=largest(counted),
        all_portfolio_count=companies(counted),
        open_stake_total_usd=total(open_),
        open_largest_stake_usd=largest(open_),
        open_portfolio_count=companies(open_),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("investors", "0003_stored_stake_figures"),
        ("portfolio", "0004_confidential_rounds"),
    ]

    # Going back, the columns are dropped by 0003: nothing to undo here.
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
