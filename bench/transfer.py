"""Import and export at scale: time and memory of preview, import and export.

    DATABASE_URL=postgres://... .venv/bin/python -m bench.transfer [--rows 10000] [--export-rows 100000]

On a migrated database (any content). Everything it writes is rolled back at
the end. Prints:
- the seconds and peak RSS of the preview and of the import of a CSV of
  --rows investors (messy: thousands separators, country names, a few
  duplicate rows); the peak is reset before each step where Linux allows;
- the CSV and XLSX export of --export-rows investors, with the Python peak
  memory (tracemalloc) and peak RSS of exporting a tenth of them and all of
  them: flat memory means the two peaks are about the same;
- the load average (os.getloadavg) with each figure: on a shared machine the
  seconds follow it.
"""

import argparse
import csv
import hashlib
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


SYLLABLES = [
    "ka", "ro", "vel", "tis", "mon", "dra", "qui", "lor", "zen", "pha", "gro",
    "bel", "sun", "tar", "wei", "lin", "hao", "mer", "cas", "pol", "nex", "ori",
    "yun", "fen",
]  # fmt: skip


def firm_name(prefix, m):
    """A made-up firm name, unlike the others as a provider's names are.

    Numbered names ("Capital 000123", "Capital 000124") are all trigram-similar
    to one another, so each would be a likely duplicate of the rest.
    """
    digest = hashlib.sha256(f"{prefix}{m}".encode()).digest()
    words = [
        "".join(SYLLABLES[byte % len(SYLLABLES)] for byte in digest[i : i + 3])
        for i in (0, 3)
    ]
    return f"{prefix} {words[0].title()} {words[1].title()} Capital"


def investor_csv(rows, prefix):
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(["name", "kind", "country", "city", "website", "aum_usd"])
    for n in range(rows):
        # Every 500th row repeats the one before: a duplicate the preview flags.
        m = n - 1 if n % 500 == 499 else n
        writer.writerow(
            [
                firm_name(prefix, m),
                KINDS[m % len(KINDS)],
                COUNTRIES[m % len(COUNTRIES)],
                "Beijing",
                f"https://{prefix.lower()}{m}.example.com",
                f"{(m + 1) * 1_000_000:,}",
            ]
        )
    return text.getvalue().encode("utf-8-sig")


def reset_peak_rss():
    """Start counting the peak RSS again (Linux: clear_refs "5"), if the system can."""
    try:
        with open("/proc/self/clear_refs", "w") as file:
            file.write("5")
    except OSError:
        pass


def peak_rss_mb():
    """The process's peak RSS since `reset_peak_rss` (since it started, elsewhere)."""
    try:
        with open("/proc/self/status") as file:
            for line in file:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load():
    return " ".join(f"{figure:.1f}" for figure in os.getloadavg())


def timed(label, action):
    reset_peak_rss()
    started = time.perf_counter()
    result = action()
    print(
        f"{label}: {time.perf_counter() - started:.1f} s "
        f"(peak RSS {peak_rss_mb():.0f} MB, load {load()})"
    )
    return result


def export_peak(queryset, fmt):
    reset_peak_rss()
    tracemalloc.start()
    started = time.perf_counter()
    response = export_response(queryset, export_columns(Investor), fmt)
    size = sum(len(chunk) for chunk in response.streaming_content)
    # Not response.close(): it ends the "request" and closes the connection.
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return time.perf_counter() - started, size, peak / 1_000_000, peak_rss_mb()


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--export-rows", type=int, default=100_000)
    args = parser.parse_args(argv)
    print(f"database: {connection.vendor}, load {load()}, {args.rows} rows to import")
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
                    (
                        Investor(name=f"Bulk {n:07d}", country="CN", city="Shanghai")
                        for n in range(extra)
                    ),
                    # Batches each well inside the statement timeout.
                    batch_size=5000,
                )
            everything = Investor.objects.with_figures(None).prefetch_related("sectors")
            ids = Investor.objects.order_by("pk").values_list("pk", flat=True)
            tenth = everything.filter(pk__lte=ids[args.export_rows // 10 - 1])
            for fmt in ("csv", "xlsx"):
                small = export_peak(tenth, fmt)
                full = export_peak(everything, fmt)
                print(
                    f"export {fmt}: {args.export_rows} rows in {full[0]:.1f} s, "
                    f"{full[1] / 1_000_000:.1f} MB file, Python peak {full[2]:.1f} MB, "
                    f"peak RSS {full[3]:.0f} MB (a tenth of the rows: "
                    f"{small[0]:.1f} s, Python peak {small[2]:.1f} MB, "
                    f"peak RSS {small[3]:.0f} MB), load {load()}"
                )
            raise Rollback
    except Rollback:
        print("rolled back")


if __name__ == "__main__":
    main()
