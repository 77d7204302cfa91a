"""Delete changes feed entries older than CHANGES_RETENTION_DAYS, and spent idempotency keys."""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from crm.integrations import idempotency
from crm.integrations.models import ChangeEntry, ChangeFeedHorizon


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args, **options):
        keys = idempotency.purge()
        self.stdout.write(f"Forgot {keys} idempotency keys older than 24 hours.")
        cutoff = timezone.now() - datetime.timedelta(
            days=settings.CHANGES_RETENTION_DAYS
        )
        with transaction.atomic():
            old = ChangeEntry.objects.filter(
                occurred_at__lt=cutoff, commit_seq__isnull=False
            )
            through = old.aggregate(through=Max("commit_seq"))["through"]
            if through is None:
                self.stdout.write("Nothing to purge.")
                return
            # Everything up to the newest purged entry goes, so the feed has no
            # holes: a client behind `through` gets a 410 (crm.integrations.feed).
            deleted, _ = ChangeEntry.objects.filter(commit_seq__lte=through).delete()
            ChangeFeedHorizon.objects.update_or_create(
                pk=1, defaults={"purged_through": through, "purged_at": timezone.now()}
            )
        self.stdout.write(f"Purged {deleted} changes (through cursor {through}).")
