"""Settings of the benchmark process (bench/run.py): the app's, plus two things.

- A second database alias, "copy", for the small copy of the data set, with
  the same options as "default" (the full-scale set); bench.probes points
  "default" at it for the requests that measure the scale ratio.
- bench.naive_urls as the URLconf: the app's URLs plus the naive API the
  benchmark compares against, under /naive/. Only this process uses it; the
  HTTP phase serves the app with config.settings.
"""

import copy

from config.settings import *  # noqa: F403
from config.settings import ALLOWED_HOSTS, DATABASES, env

DATABASES["copy"] = {
    **copy.deepcopy(DATABASES["default"]),
    "NAME": env.str("BENCH_COPY_DATABASE"),
}

ROOT_URLCONF = "bench.naive_urls"

# Django's test client sends requests as "testserver".
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]
