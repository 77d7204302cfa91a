"""The demo login of `make run`: user `demo`, password `demo`, a superuser."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from crm.demo.data import DEMO_LOGIN
from crm.demo.loading import load_demo_login_data

PASSWORD = "demo"


class Command(BaseCommand):
    help = (
        "Create (or reset) the demo superuser demo/demo, with investors and "
        "follow-ups of its own when the demo data is loaded. Refused in production."
    )

    def handle(self, *args, **options):
        if settings.IS_PRODUCTION:
            raise CommandError("No demo login in production (DJANGO_ENV=production).")
        user, created = get_user_model().objects.get_or_create(
            username=DEMO_LOGIN, defaults={"email": "demo@example.com"}
        )
        user.is_staff = user.is_superuser = user.is_active = True
        user.set_password(PASSWORD)
        user.save()
        verb = "Created" if created else "Reset"
        self.stdout.write(f"{verb} the demo login: {DEMO_LOGIN} / {PASSWORD}")
        # `make run` seeds the demo data first, then comes here.
        if report := load_demo_login_data(user):
            self.stdout.write(
                f"Its investors and contacts: {str(report).removeprefix('Demo data: ')}"
            )
