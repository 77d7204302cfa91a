"""Load the demo data set; running it again changes nothing."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from crm.demo.loading import load_demo_data


class Command(BaseCommand):
    help = (
        "Load the demo data set (SenseTime and its investors, 2018). Idempotent: "
        "records are matched by natural key and saved only when they differ. "
        "Refused in production."
    )

    def handle(self, *args, **options):
        # The loader brings records it recognises by name (e.g. "Alibaba Group")
        # back in line with the data set: never on a real CRM.
        if settings.IS_PRODUCTION:
            raise CommandError("No demo data in production (DJANGO_ENV=production).")
        self.stdout.write(str(load_demo_data()))
