"""Recompute the stored stake figures: held stakes only, and the pipeline apart.

Until now the figures counted every stake but declined ones, pipeline
included. The same figures as InvestorQuerySet.refresh_stake_figures, written
against the historical models (migrations do not import app code): held =
committed and closed, pipeline = prospect and in talks (Stake.HELD,
Stake.PIPELINE).
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
HELD = ("committed", "closed")
PIPELINE = ("prospect", "in_talks")


def fill(apps, schema_editor):
    Investor = apps.get_model("investors", "Investor")
    Stake = apps.get_model("portfolio", "Stake")
    stakes = Stake.objects.filter(investor=OuterRef("pk")).order_by().values("investor")
    open_ = Q(round__isnull=True) | Q(round__confidential=False)

    def total(rows):
        return Coalesce(
            Subquery(rows.annotate(figure=Sum("amount_usd")).values("figure")),
            Value(0),
            output_field=MONEY,
        )

    def largest(rows):
        return Subquery(
            rows.annotate(figure=Max("amount_usd")).values("figure"), output_field=MONEY
        )

    def companies(rows):
        return Coalesce(
            Subquery(
                rows.annotate(figure=Count("company", distinct=True)).values("figure")
            ),
            Value(0),
            output_field=IntegerField(),
        )

    held = stakes.filter(status__in=HELD)
    pipeline = stakes.filter(status__in=PIPELINE)
    Investor.objects.update(
        all_stake_total_usd=total(held),
        all_largest_stake_usd=largest(held),
        all_portfolio_count=companies(held),
        all_pipeline_usd=total(pipeline),
        open_stake_total_usd=total(held.filter(open_)),
        open_largest_stake_usd=largest(held.filter(open_)),
        open_portfolio_count=companies(held.filter(open_)),
        open_pipeline_usd=total(pipeline.filter(open_)),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("investors", "0005_stake_pipeline_figures"),
        ("portfolio", "0006_search_indexes"),
    ]

    # Going back, 0004's figures are not recomputed: they only change meaning.
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
