"""Loading investors through `POST /api/v1/investors/batch/`: the time of N of them.

    DATABASE_URL=postgres://... .venv/bin/python -m bench.batches [--investors 10000]

On a migrated database (any content). Everything it writes is rolled back at
the end. The requests go through the whole application in-process (Django's
test client, JSON both ways), as a superuser with a bearer token, in batches
of crm.core.api.upserts.MAX_BATCH, half of each batch with an `external_id`.
Prints the total time against the target (under 20 s for 10,000 investors),
the median batch, and what was written besides the rows: their history
entries and their changes-feed entries.
"""

import argparse
import os
import statistics
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client, override_settings  # noqa: E402

from crm.accounts.services import api_token_create  # noqa: E402
from crm.core.api.upserts import MAX_BATCH  # noqa: E402
from crm.integrations.models import ChangeEntry  # noqa: E402
from crm.investors.models import Investor  # noqa: E402

TARGET_SECONDS = 20
COUNTRIES = ["CN", "US", "GB", "JP", "HK", "SG", "DE"]
KINDS = ["strategic", "venture_capital", "private_equity", "family_office"]


class Rollback(Exception):
    pass


def item(n):
    record = {
        "name": f"Batch Capital {n:06d}",
        "kind": KINDS[n % len(KINDS)],
        "country": COUNTRIES[n % len(COUNTRIES)],
        "city": "Beijing",
        "website": f"https://batch{n}.example.com",
        "aum_usd": f"{(n + 1) * 1_000_000}.00",
    }
    if n % 2:
        record["external_id"] = f"bench-{n:06d}"
    return record


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--investors", type=int, default=10_000)
    args = parser.parse_args(argv)
    print(
        f"database: {connection.vendor}, {args.investors} investors in batches "
        f"of {MAX_BATCH}"
    )
    throttles = {
        **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
        "api": "1000000/second",
    }
    try:
        with (
            override_settings(
                ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"],
                REST_FRAMEWORK={
                    **settings.REST_FRAMEWORK,
                    "DEFAULT_THROTTLE_RATES": throttles,
                },
            ),
            transaction.atomic(),
        ):
            user = get_user_model().objects.create_superuser(
                "bench-batches", "bench@example.com", None
            )
            _token, secret = api_token_create(user=user, name="bench")
            client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
            history_before = Investor.history.count()
            entries_before = ChangeEntry.objects.count()
            times = []
            started = time.perf_counter()
            for first in range(0, args.investors, MAX_BATCH):
                items = [
                    item(n)
                    for n in range(first, min(first + MAX_BATCH, args.investors))
                ]
                batch_started = time.perf_counter()
                response = client.post(
                    "/api/v1/investors/batch/",
                    {"items": items},
                    content_type="application/json",
                )
                times.append(time.perf_counter() - batch_started)
                if response.status_code != 200:
                    raise SystemExit(f"batch at {first}: {response.content[:500]}")
            total = time.perf_counter() - started
            history = Investor.history.count() - history_before
            entries = ChangeEntry.objects.count() - entries_before
            verdict = "met" if total < TARGET_SECONDS else "MISSED"
            print(
                f"loaded {args.investors} investors in {total:.1f} s "
                f"({args.investors / total:.0f}/s); median batch "
                f"{statistics.median(times):.2f} s; target < {TARGET_SECONDS} s "
                f"for 10,000: {verdict}"
            )
            print(f"  history entries: {history}, changes-feed entries: {entries}")
            raise Rollback
    except Rollback:
        print("rolled back")


if __name__ == "__main__":
    main()
