"""Create an API token for a user; the secret is the last line printed."""

import argparse

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from crm.accounts.services import api_token_create


def positive_int(value):
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("give a whole number of days, 1 or more")
    return number


class Command(BaseCommand):
    help = (
        "Create an API token for USERNAME and print its secret as the last line. "
        "Send it as `Authorization: Bearer <token>`; it is shown only once. "
        "Earlier tokens keep working until they expire or are revoked in the admin."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--name",
            default="command line",
            help="What the token is for, e.g. the integration's name.",
        )
        parser.add_argument(
            "--read-only",
            action="store_true",
            help="Reads only: every write with this token is refused (403).",
        )
        parser.add_argument(
            "--expires-in",
            type=positive_int,
            metavar="DAYS",
            help="Days until the token stops working (default: never).",
        )

    def handle(self, *args, username, name, read_only, expires_in, **options):
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist as error:
            raise CommandError(f"No user named {username!r}.") from error
        try:
            token, secret = api_token_create(
                user=user, name=name, read_only=read_only, expires_in_days=expires_in
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        access = "read-only" if token.read_only else "read and write"
        expiry = (
            f"expires {token.expires_at:%Y-%m-%d %H:%M} UTC"
            if token.expires_at
            else "never expires"
        )
        self.stdout.write(
            f"API token {token.name!r} for {username} ({access}, {expiry}),"
            " shown only this once:"
        )
        self.stdout.write(secret)
