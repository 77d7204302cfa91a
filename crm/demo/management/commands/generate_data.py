"""Generate a large, realistic, reproducible data set (crm.demo.synthetic)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from crm.demo.synthetic.generation import DatabaseNotEmpty, generate_data
from crm.demo.synthetic.registry import Sizes


def count(text):
    value = int(text)
    if value < 0:
        raise ValueError(text)
    return value


class Command(BaseCommand):
    help = (
        "Generate a synthetic data set: investors and their people, companies, "
        "funding rounds, stakes, the contact log and deal notes, with history. "
        "The same --seed gives the same rows. Refused in production; on a "
        "database with CRM data, say --append or --flush."
    )

    def add_arguments(self, parser):
        defaults = Sizes()
        for name in ("investors", "companies", "stakes", "interactions"):
            parser.add_argument(
                f"--{name}", type=count, default=getattr(defaults, name)
            )
        parser.add_argument(
            "--notes",
            type=count,
            default=None,
            help="Deal notes (default: one per 100 interactions).",
        )
        parser.add_argument("--seed", type=int, default=1)
        existing = parser.add_mutually_exclusive_group()
        existing.add_argument(
            "--append", action="store_true", help="Add to the data already there."
        )
        existing.add_argument(
            "--flush",
            action="store_true",
            help="Empty every CRM table and its history first (users are kept).",
        )
        parser.add_argument(
            "--keep-indexes",
            action="store_true",
            help="PostgreSQL: load with every index and foreign key in place "
            "(slower; by default they are re-created after the load).",
        )

    def handle(self, *args, **options):
        if settings.IS_PRODUCTION:
            raise CommandError(
                "No generated data in production (DJANGO_ENV=production)."
            )
        sizes = Sizes(
            investors=options["investors"],
            companies=options["companies"],
            stakes=options["stakes"],
            interactions=options["interactions"],
            notes=options["notes"],
        )
        if (
            sizes.stakes or sizes.interactions or sizes.note_count
        ) and not sizes.investors:
            raise CommandError("Stakes, interactions and notes need --investors.")
        if sizes.stakes and not sizes.companies:
            raise CommandError("Stakes need --companies.")
        try:
            report = generate_data(
                sizes=sizes,
                seed=options["seed"],
                keep_indexes=options["keep_indexes"],
                existing=(
                    "flush"
                    if options["flush"]
                    else "append"
                    if options["append"]
                    else "refuse"
                ),
            )
        except (DatabaseNotEmpty, ValueError) as error:
            raise CommandError(str(error)) from error
        for line in report.lines():
            self.stdout.write(line)
