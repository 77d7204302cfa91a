"""Load the demo data set; running it again changes nothing."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from crm.demo.data import DEMO_LOGIN
from crm.demo.loading import load_demo_data, load_demo_login_data


class Command(BaseCommand):
    help = (
        "Load the demo data set (SenseTime and its investors, 2018, and the "
        "team's recent contacts, dated from today). Idempotent the same day: "
        "records are matched by natural key and saved only when they differ. "
        "Refused in production."
    )

    def handle(self, *args, **options):
        # The loader brings records it recognises by name (e.g. "Alibaba Group")
        # back in line with the data set: never on a real CRM.
        if settings.IS_PRODUCTION:
            raise CommandError("No demo data in production (DJANGO_ENV=production).")
        self.stdout.write(str(load_demo_data()))
        # The demo login's contacts are dated from today: brought up to date
        # whenever the demo data is loaded again (ensure_demo_login adds them,
        # and its investors, the first time).
        login = get_user_model().objects.filter(username=DEMO_LOGIN).first()
        if login is not None and (report := load_demo_login_data(login)):
            self.stdout.write(
                f"Demo login's investors and contacts: {str(report).removeprefix('Demo data: ')}"
            )
