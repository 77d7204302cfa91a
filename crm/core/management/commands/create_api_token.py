"""Create an API token for a user; the token is the last line printed."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from rest_framework.authtoken.models import Token


class Command(BaseCommand):
    help = (
        "Create an API token for USERNAME (replacing any earlier one) and print "
        "it as the last line. Send it as `Authorization: Bearer <token>`."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist as error:
            raise CommandError(f"No user named {username!r}.") from error
        replaced, _ = Token.objects.filter(user=user).delete()
        token = Token.objects.create(user=user)
        if replaced:
            self.stdout.write(f"The earlier token of {username} no longer works.")
        self.stdout.write(f"API token for {username}:")
        self.stdout.write(token.key)
