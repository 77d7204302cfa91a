"""The demo login of `make run`: user `demo`, password `demo`, a superuser."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

USERNAME = "demo"
PASSWORD = "demo"


class Command(BaseCommand):
    help = "Create (or reset) the demo superuser demo/demo. Refused in production."

    def handle(self, *args, **options):
        if settings.IS_PRODUCTION:
            raise CommandError("No demo login in production (DJANGO_ENV=production).")
        user, created = get_user_model().objects.get_or_create(
            username=USERNAME, defaults={"email": "demo@example.com"}
        )
        user.is_staff = user.is_superuser = user.is_active = True
        user.set_password(PASSWORD)
        user.save()
        verb = "Created" if created else "Reset"
        self.stdout.write(f"{verb} the demo login: {USERNAME} / {PASSWORD}")
