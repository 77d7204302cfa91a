"""Recount every investor's stored stake figures and report (or repair) any drift.

The stake and round services keep the figures in the write's transaction;
this is the independent check of that promise, run by CI after the
concurrency tests and by operators after a bulk change made outside them.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from crm.investors.models import STORED_FIGURES, Investor
from crm.portfolio.services import investor_figures_refresh


class Command(BaseCommand):
    help = (
        "Recount the stake figures stored on investors; exit with status 1 "
        "if any differs (--repair writes the recount instead)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--repair",
            action="store_true",
            help="Write the recounted figures where they differ.",
        )

    def handle(self, *args, repair=False, **options):
        rows = (
            Investor.objects.with_recounted_stake_figures()
            .order_by("pk")
            .values("pk", "name", *STORED_FIGURES, *recounted_names())
        )
        drifted = []
        for row in rows.iterator(chunk_size=2000):
            differences = [
                f"{name} {row[name]} (recount {row[f'recounted_{name}']})"
                for name in STORED_FIGURES
                if row[name] != row[f"recounted_{name}"]
            ]
            if differences:
                drifted.append(row["pk"])
                self.stdout.write(
                    f"Investor {row['pk']} “{row['name']}”: {'; '.join(differences)}"
                )
        if not drifted:
            self.stdout.write("Every investor's stored figures match a recount.")
            return
        if repair:
            with transaction.atomic():
                investor_figures_refresh(drifted)
            self.stdout.write(f"Repaired the figures of {len(drifted)} investors.")
            return
        raise CommandError(
            f"{len(drifted)} investors' stored figures differ from a recount "
            "(run with --repair to fix them)."
        )


def recounted_names():
    return [f"recounted_{name}" for name in STORED_FIGURES]
