"""Recount every stored figure and report (or repair) any drift.

The investors' stake figures, the rounds' held and raised figures and the
companies' round figures. The stake and round services keep them in the
write's transaction; this is the independent check of that promise, run by
CI after the concurrency tests and by operators after a bulk change made
outside them.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from crm.investors.models import STORED_FIGURES, Investor
from crm.portfolio.models import (
    COMPANY_FIGURES,
    ROUND_FIGURES,
    Company,
    FundingRound,
)
from crm.portfolio.services import (
    company_figures_refresh,
    investor_figures_refresh,
    round_figures_refresh,
)

PLURALS = {"round": "rounds", "investor": "investors", "company": "companies"}


class Command(BaseCommand):
    help = (
        "Recount the figures stored on investors, rounds and companies; exit "
        "with status 1 if any differs (--repair writes the recount instead)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--repair",
            action="store_true",
            help="Write the recounted figures where they differ.",
        )

    def handle(self, *args, repair=False, **options):
        # Rounds first: the companies' figures sum the rounds' raised figures.
        checks = [
            (
                "round",
                FundingRound.objects.with_recounted_raised(),
                ROUND_FIGURES,
                round_figures_refresh,
            ),
            (
                "investor",
                Investor.objects.with_recounted_stake_figures(),
                STORED_FIGURES,
                investor_figures_refresh,
            ),
            (
                "company",
                Company.objects.with_recounted_figures(),
                COMPANY_FIGURES,
                company_figures_refresh,
            ),
        ]
        failures = []
        for kind, recounted, figures, refresh in checks:
            plural = PLURALS[kind]
            drifted = self.drifted(kind, recounted, figures)
            if not drifted:
                self.stdout.write(f"Every {kind}'s stored figures match a recount.")
            elif repair:
                with transaction.atomic():
                    refresh(drifted)
                self.stdout.write(f"Repaired the figures of {len(drifted)} {plural}.")
            else:
                failures.append(
                    f"{len(drifted)} {plural}' stored figures differ from a recount"
                )
        if failures:
            raise CommandError(
                f"{'; '.join(failures)} (run with --repair to fix them)."
            )

    def drifted(self, kind, recounted, figures):
        """Ids of the rows whose stored figures differ from the recount, each reported."""
        rows = (
            recounted.order_by("pk")
            .values("pk", *figures, *(f"recounted_{name}" for name in figures))
            .iterator(chunk_size=2000)
        )
        drifted = []
        for row in rows:
            differences = [
                f"{name} {row[name]} (recount {row[f'recounted_{name}']})"
                for name in figures
                if row[name] != row[f"recounted_{name}"]
            ]
            if differences:
                drifted.append(row["pk"])
                self.stdout.write(
                    f"{kind.capitalize()} {row['pk']}: {'; '.join(differences)}"
                )
        return drifted
