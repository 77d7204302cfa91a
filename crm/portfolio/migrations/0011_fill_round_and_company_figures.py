"""Compute the figures stored on rounds and companies (0010) from the data.

The same figures as FundingRoundQuerySet.refresh_raised and
CompanyQuerySet.refresh_figures, written against the historical models:
migrations do not import app code.
"""

from django.db import migrations
from django.db.models import (
    Case,
    DecimalField,
    F,
    OuterRef,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

MONEY = DecimalField(max_digits=22, decimal_places=2)


def fill(apps, schema_editor):
    Company = apps.get_model("portfolio", "Company")
    FundingRound = apps.get_model("portfolio", "FundingRound")
    Stake = apps.get_model("portfolio", "Stake")
    held = (
        Stake.objects.filter(round=OuterRef("pk"), status__in=["committed", "closed"])
        .order_by()
        .values("round")
        .annotate(total=Sum("amount_usd"))
        .values("total")
    )
    FundingRound.objects.update(
        held_usd=Coalesce(Subquery(held, output_field=MONEY), Value(0))
    )
    FundingRound.objects.update(
        raised_usd=Case(
            When(raised_amount_usd__isnull=False, then=F("raised_amount_usd")),
            When(held_usd__gt=0, then=F("held_usd")),
            default=Value(None),
            output_field=MONEY,
        )
    )

    def figures(rounds):
        counted = (
            rounds.filter(company=OuterRef("pk")).exclude(status="cancelled").order_by()
        )
        total = Coalesce(
            Subquery(
                counted.values("company")
                .annotate(total=Sum("raised_usd"))
                .values("total"),
                output_field=MONEY,
            ),
            Value(0),
            output_field=MONEY,
        )
        latest = Subquery(
            counted.filter(post_money_valuation_usd__isnull=False)
            .order_by(F("announced_on").desc(nulls_last=True), "-id")
            .values("post_money_valuation_usd")[:1],
            output_field=MONEY,
        )
        return total, latest

    all_total, all_latest = figures(FundingRound.objects.all())
    open_total, open_latest = figures(FundingRound.objects.filter(confidential=False))
    Company.objects.update(
        all_total_raised_usd=all_total,
        all_latest_valuation_usd=all_latest,
        open_total_raised_usd=open_total,
        open_latest_valuation_usd=open_latest,
    )


class Migration(migrations.Migration):
    dependencies = [("portfolio", "0010_stored_round_and_company_figures")]

    # Going back, the columns are dropped by 0010: nothing to undo here.
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
