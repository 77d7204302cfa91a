"""Serve the API with gunicorn, restart PostgreSQL under steady load, check the damage.

    .venv/bin/python bench/db_outage.py

Real components, no mocks: a scratch database (crm_outage) with the demo data,
gunicorn on loopback (2 workers), about 20 requests a second to
/api/v1/investors/ for 20 s, and PostgreSQL stopped for 3 s in the middle.
It passes when
- no request takes 5 s or more (nothing hangs on the dead server),
- every answer is a 200 or a 503 (with Retry-After), never a 500,
- PostgreSQL was seen to be down (some 503s), and
- every request started 5 s after PostgreSQL is back succeeds.
It prints a table and exits 1 if a target is missed. Whatever happens, it stops
gunicorn, leaves PostgreSQL running and drops the scratch database. Run it as
root (pg_ctlcluster) on the machine's cluster; it restarts that cluster, so do
not run it beside other work on the same server.
"""

import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryFile

BASE_DIR = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
PG_CTLCLUSTER = ["pg_ctlcluster", "--skip-systemctl-redirect"]
DATABASE = "crm_outage"
PATH = "/api/v1/investors/"
MAX_LATENCY = 5.0
MAX_RECOVERY = 5.0
# A hung request is cut off here, well past MAX_LATENCY, so it shows as one.
CLIENT_TIMEOUT = 15.0


@dataclass
class Result:
    started: float
    finished: float
    status: int | None = None  # None: no HTTP answer at all
    error: str = ""

    @property
    def latency(self):
        return self.finished - self.started

    @property
    def ok(self):
        return self.status == 200


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--cluster", default="15/main", help="pg_ctlcluster's VERSION/NAME"
    )
    parser.add_argument("--port", type=int, default=5432, help="the cluster's port")
    parser.add_argument("--rate", type=float, default=20, help="requests a second")
    parser.add_argument("--seconds", type=float, default=20, help="length of the load")
    parser.add_argument(
        "--outage-at", type=float, default=7, help="seconds into the load"
    )
    parser.add_argument(
        "--downtime",
        type=float,
        default=3,
        help="seconds PostgreSQL stays stopped (0: a plain `pg_ctlcluster restart`)",
    )
    args = parser.parse_args()

    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@{HOST}:{args.port}/{DATABASE}",
        "DJANGO_ENV": "development",
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": HOST,
        # Persistent connections are the hard case: each worker holds one
        # across the restart and must notice it is dead.
        "DATABASE_CONN_MAX_AGE": "60",
    }
    with TemporaryFile("w+") as log:
        passed = serve_and_restart_postgres(args, env, log)
        if not passed:
            log.seek(0)
            print("\ngunicorn's log (last 40 lines):")
            print("".join(log.readlines()[-40:]))
    sys.exit(0 if passed else 1)


def serve_and_restart_postgres(args, env, log):
    """The whole run; True if every target is met."""
    gunicorn = None
    try:
        ensure_postgres_running(args)
        drop_database(args)
        token = prepare_database(env)
        port = free_port()
        gunicorn = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                f"--bind={HOST}:{port}",
                "--workers=2",
                "--timeout=30",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        wait_until_serving(port, token)
        print(
            f"gunicorn on {HOST}:{port}; {args.rate:g} requests/s for {args.seconds:g} s, "
            f"PostgreSQL {args.cluster} down at {args.outage_at:g} s for {args.downtime:g} s"
        )
        results, outage = run_load(port, token, args)
        return report(results, outage)
    finally:
        if gunicorn is not None:
            gunicorn.terminate()
            try:
                gunicorn.wait(timeout=10)
            except subprocess.TimeoutExpired:
                gunicorn.kill()
                gunicorn.wait()
        ensure_postgres_running(args)
        drop_database(args)


def prepare_database(env):
    """Migrate the scratch database, load the demo data; return demo's API token."""
    for command in [
        ["ensure_database"],
        ["migrate", "--noinput", "--verbosity=0"],
        ["seed_demo"],
        ["ensure_demo_login"],
    ]:
        manage(env, *command)
    # The token is the last line create_api_token prints.
    return manage(env, "create_api_token", "demo").strip().splitlines()[-1]


def manage(env, *command):
    done = subprocess.run(
        [sys.executable, "manage.py", *command],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(command)} failed:\n{done.stderr}")
    return done.stdout


def drop_database(args):
    command = ["dropdb", f"--host={HOST}", f"--port={args.port}", "--username=postgres"]
    done = subprocess.run(
        [*command, "--if-exists", "--force", DATABASE],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"dropdb {DATABASE} failed:\n{done.stderr}")


def postgres_is_ready(args):
    command = ["pg_isready", "--quiet", f"--host={HOST}", f"--port={args.port}"]
    return subprocess.run(command, check=False).returncode == 0


def pg_ctlcluster(args, action, check=True):
    subprocess.run(
        [*PG_CTLCLUSTER, *args.cluster.split("/"), action],
        check=check,
        capture_output=True,
    )


def ensure_postgres_running(args):
    if postgres_is_ready(args):
        return
    pg_ctlcluster(args, "start", check=False)
    deadline = time.monotonic() + 30
    while not postgres_is_ready(args):
        if time.monotonic() > deadline:
            raise SystemExit("PostgreSQL did not come back within 30 s.")
        time.sleep(0.2)


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def get(port, token):
    """One GET of PATH; the answer's status, or None and the error."""
    started = time.monotonic()
    connection = http.client.HTTPConnection(HOST, port, timeout=CLIENT_TIMEOUT)
    try:
        connection.request("GET", PATH, headers={"Authorization": f"Bearer {token}"})
        response = connection.getresponse()
        body = response.read()
        result = Result(started, time.monotonic(), response.status)
        if response.status == 503 and not is_documented_503(response, body):
            result.error = f"503 without Retry-After or JSON detail: {body[:200]!r}"
        elif response.status not in (200, 503):
            result.error = body[:200].decode(errors="replace")
        return result
    except (OSError, http.client.HTTPException) as error:
        return Result(started, time.monotonic(), None, repr(error))
    finally:
        connection.close()


def is_documented_503(response, body):
    try:
        detail = json.loads(body).get("detail")
    except ValueError:
        return False
    return bool(response.getheader("Retry-After")) and bool(detail)


def wait_until_serving(port, token):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if get(port, token).ok:
            return
        time.sleep(0.2)
    raise SystemExit("gunicorn did not serve the API within 30 s.")


def run_load(port, token, args):
    """Send the load; meanwhile take PostgreSQL down. Returns the results and
    the outage's (start, back) times."""
    outage = {}

    def take_postgres_down():
        time.sleep(args.outage_at)
        outage["start"] = time.monotonic()
        if args.downtime:
            pg_ctlcluster(args, "stop")
            time.sleep(args.downtime)
        action = "start" if args.downtime else "restart"
        control = subprocess.Popen(
            [*PG_CTLCLUSTER, *args.cluster.split("/"), action],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        # PostgreSQL is back when it accepts connections, a while before
        # pg_ctlcluster returns; a restart first has to go down.
        while (
            action == "restart" and postgres_is_ready(args) and control.poll() is None
        ):
            time.sleep(0.02)
        while not postgres_is_ready(args):
            time.sleep(0.02)
        outage["back"] = time.monotonic()
        if control.wait() != 0:
            raise RuntimeError(
                f"pg_ctlcluster {action} failed: {control.stderr.read()}"
            )

    futures = []
    with ThreadPoolExecutor(max_workers=64) as pool:
        start = time.monotonic()
        outage_done = pool.submit(take_postgres_down)
        for i in range(int(args.rate * args.seconds)):
            time.sleep(max(0.0, start + i / args.rate - time.monotonic()))
            futures.append(pool.submit(get, port, token))
    outage_done.result()  # raises if pg_ctlcluster failed
    return [future.result() for future in futures], outage


def report(results, outage):
    """Print the phases and the checks; True if every target is met."""
    start, back = outage["start"], outage["back"]
    phases = [
        # A request still running when the stop is issued may fail: it
        # belongs to the outage.
        ("before the outage", [r for r in results if r.finished < start]),
        (
            f"outage ({back - start:.1f} s)",
            [r for r in results if r.finished >= start and r.started < back],
        ),
        ("after PostgreSQL is back", [r for r in results if r.started >= back]),
    ]
    print(
        f"\n{'phase':<26}{'requests':>9}{'200':>6}{'503':>6}{'other':>7}{'max latency':>13}"
    )
    for name, rows in phases:
        ok = sum(r.status == 200 for r in rows)
        unavailable = sum(r.status == 503 for r in rows)
        slowest = max((r.latency for r in rows), default=0.0)
        print(
            f"{name:<26}{len(rows):>9}{ok:>6}{unavailable:>6}"
            f"{len(rows) - ok - unavailable:>7}{slowest:>11.3f} s"
        )

    max_latency = max(r.latency for r in results)
    statuses = sorted({str(r.status) for r in results})
    bad = [r for r in results if r.status not in (200, 503) or r.error]
    unavailable = sum(r.status == 503 for r in results)
    failures = [r for r in results if not r.ok]
    # Recovered at the start of the first request after the last failure.
    if not failures:
        recovery = 0.0
    else:
        last_failure = max(r.started for r in failures)
        later = [r.started for r in results if r.started > last_failure]
        recovery = max(0.0, min(later) - back) if later else float("inf")
    warm_up_ok = all(r.ok for r in phases[0][1])
    checks = [
        (
            "slowest request",
            f"{max_latency:.3f} s",
            f"< {MAX_LATENCY:g} s",
            max_latency < MAX_LATENCY,
        ),
        ("status codes", ", ".join(statuses), "200, 503", not bad),
        ("503s during the outage", str(unavailable), ">= 1", unavailable >= 1),
        ("all 200 before the outage", "yes" if warm_up_ok else "no", "yes", warm_up_ok),
        (
            "recovery after PostgreSQL is back",
            f"{recovery:.2f} s",
            f"< {MAX_RECOVERY:g} s",
            recovery < MAX_RECOVERY,
        ),
    ]
    print(f"\n{'check':<36}{'measured':>12}{'target':>12}  result")
    for name, measured, target, passed in checks:
        print(f"{name:<36}{measured:>12}{target:>12}  {'ok' if passed else 'FAILED'}")
    for r in bad[:10]:
        print(
            f"  bad answer at {r.started - results[0].started:.2f} s: {r.status} {r.error}"
        )
    return all(passed for *_, passed in checks)


if __name__ == "__main__":
    main()
