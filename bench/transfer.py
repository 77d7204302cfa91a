"""Import and export at scale: preview and import time of N investor rows, export memory.

    DATABASE_URL=postgres://... .venv/bin/python -m bench.transfer [--rows 10000] [--export-rows 100000]

On a migrated database (any content). Everything it writes is rolled back at
the end. Prints:
- the preview and the import of a CSV of --rows investors (messy: thousands
  separators, country names, a few duplicate rows), with the process's peak
  memory;
- the CSV and XLSX export of --export-rows investors, with the Python peak
  memory (tracemalloc) of exporting a tenth of them and all of them: flat
  memory means the two peaks are about the same.
"""

import argparse
import csv
import io
import os
import resource
import time
import tracemalloc

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from crm.investors.models import Investor  # noqa: E402
from crm.transfer.exports import export_response  # noqa: E402
from crm.transfer.imports import import_file, preview_file, start_batch  # noqa: E402
from crm.transfer.resources import export_columns  # noqa: E402

COUNTRIES = ["CN", "China", "US", "United Kingdom", "JP", "Hong Kong", "SG", "DE"]
KINDS = ["strategic", "Venture capital", "private_equity", "Family office"]


class Rollback(Exception):
    pass


def investor_csv(rows, prefix):
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(["name", "kind", "country", "city", "website", "aum_usd"])
    for n in range(rows):
        # Every 500th row repeats the one before: a duplicate the preview flags.
        m = n - 1 if n % 500 == 499 else n
        writer.writerow(
            [
                f"{prefix} Capital {m:06d}",
                KINDS[m % len(KINDS)],
                COUNTRIES[m % len(COUNTRIES)],
                "Beijing",
                f"https://{prefix.lower()}{m}.example.com",
                f"{(m + 1) * 1_000_000:,}",
            ]
        )
    return text.getvalue().encode("utf-8-sig")


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(label, action):
    started = time.perf_counter()
    result = action()
    print(
        f"{label}: {time.perf_counter() - started:.1f} s (peak RSS {peak_rss_mb():.0f} MB)"
    )
    return result


def export_peak(queryset, fmt):
    tracemalloc.start()
    started = time.perf_counter()
    response = export_response(queryset, export_columns(Investor), fmt)
    size = sum(len(chunk) for chunk in response.streaming_content)
    # Not response.close(): it ends the "request" and closes the connection.
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return time.perf_counter() - started, size, peak / 1_000_000


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--export-rows", type=int, default=100_000)
    args = parser.parse_args(argv)
    print(f"database: {connection.vendor}, {args.rows} rows to import")
    try:
        with transaction.atomic():
            user, _ = get_user_model().objects.get_or_create(username="bench-transfer")
            data = investor_csv(args.rows, "Bench")
            preview = timed(
                "preview", lambda: preview_file("investors", "bench.csv", data, user)
            )
            print(f"  rows: {preview.counts}")
            batch = start_batch("investors", "bench.csv", data, user)
            timed("import", lambda: import_file(batch, user))
            print(f"  created {batch.rows_created}, skipped {batch.rows_skipped}")

            extra = args.export_rows - args.rows
            if extra > 0:
                Investor.objects.bulk_create(
                    Investor(name=f"Bulk {n:07d}", country="CN", city="Shanghai")
                    for n in range(extra)
                )
            everything = Investor.objects.with_figures(None).prefetch_related("sectors")
            ids = Investor.objects.order_by("pk").values_list("pk", flat=True)
            tenth = everything.filter(pk__lte=ids[args.export_rows // 10 - 1])
            for fmt in ("csv", "xlsx"):
                small = export_peak(tenth, fmt)
                full = export_peak(everything, fmt)
                print(
                    f"export {fmt}: {args.export_rows} rows in {full[0]:.1f} s, "
                    f"{full[1] / 1_000_000:.1f} MB file, Python peak {full[2]:.1f} MB "
                    f"(a tenth of the rows: {small[2]:.1f} MB)"
                )
            raise Rollback
    except Rollback:
        print("rolled back")


if __name__ == "__main__":
    main()
