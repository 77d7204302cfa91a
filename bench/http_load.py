"""The HTTP phase: gunicorn on loopback under a fixed request rate.

Open loop: request i is due at start + i / rate whatever happened before, and
its latency counts from that moment, so a server that falls behind shows as
growing latencies rather than as a politely slower client. A request that
cannot even be sent within MAX_LAG seconds of its time (every client thread
busy waiting for the server) is dropped and counted as an error. Each
gunicorn worker's resident memory (VmRSS) is read from /proc at the start,
a third of the way in and at the end; growth is judged on the last two
thirds, once first-request caches (URL resolvers, serializers) are filled.
"""

import http.client
import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from tempfile import TemporaryFile

BASE_DIR = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
CLIENT_THREADS = 128
CLIENT_TIMEOUT = 10.0
MAX_LAG = 2.0
# Fewer answered requests say nothing about growth per request.
MIN_ANSWERED = 300


@dataclass
class Load:
    rate: float
    seconds: float
    latencies: list = field(default_factory=list)  # of the 200s, in seconds
    errors: dict = field(default_factory=dict)  # kind -> count
    elapsed: float = 0.0
    # kB: {pid: [VmRSS at the start, a third of the way in, at the end]}
    rss: dict = field(default_factory=dict)
    peak: dict = field(default_factory=dict)  # kB: {pid: VmHWM at the end}
    # Requests the server answered (any status) in the last two thirds.
    answered_after_third: int = 0

    @property
    def sent(self):
        return len(self.latencies) + sum(self.errors.values())

    @property
    def throughput(self):
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0

    def rss_growth_per_1000(self):
        """kB of resident memory the workers gained per 1000 requests answered
        in the last two thirds; None if too few were answered to tell."""
        if self.answered_after_third < MIN_ANSWERED:
            return None
        growth = sum(end - third for _, third, end in self.rss.values())
        return growth / self.answered_after_third * 1000


def run(database_url, token, paths, rate, seconds, log=print):
    """Serve the app with 2 gunicorn workers and load it; the Load."""
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url,
        "DJANGO_ENV": "development",
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DJANGO_LOG_LEVEL": "WARNING",
        # The counter still runs on every request; the limit must not answer
        # 429 to a benchmark sending thousands of requests a minute.
        "API_RATE_LIMIT": "1000000/minute",
    }
    environment.pop("DATABASE_REPLICA_URL", None)
    port = free_port()
    with TemporaryFile("w+") as server_log:
        gunicorn = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                f"--bind={HOST}:{port}",
                "--workers=2",
                "--timeout=60",
            ],
            cwd=BASE_DIR,
            env=environment,
            stdout=server_log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_serving(port, token, paths[0])
            # Every worker loads its code and connects before the clock starts.
            for path in paths * 2:
                get(port, token, path, time.monotonic())
            log(
                f"  gunicorn on {HOST}:{port}, 2 workers; {rate:g} requests/s for {seconds:g} s"
            )
            return send(port, token, paths, rate, seconds, worker_pids(gunicorn.pid))
        except BaseException:
            server_log.seek(0)
            log(
                "gunicorn's log (last 40 lines):\n"
                + "".join(server_log.readlines()[-40:])
            )
            raise
        finally:
            gunicorn.terminate()
            try:
                gunicorn.wait(timeout=15)
            except subprocess.TimeoutExpired:
                gunicorn.kill()
                gunicorn.wait()


def send(port, token, paths, rate, seconds, workers):
    load = Load(rate=rate, seconds=seconds)
    count = int(rate * seconds)
    third = count // 3
    load.rss = {pid: [memory(pid)[0]] for pid in workers}
    with ThreadPoolExecutor(max_workers=CLIENT_THREADS) as pool:
        start = time.monotonic()
        futures = []
        for i in range(count):
            due = start + i / rate
            time.sleep(max(0.0, due - time.monotonic()))
            if i == third:
                for pid in workers:
                    load.rss[pid].append(memory(pid)[0])
            futures.append(pool.submit(get, port, token, paths[i % len(paths)], due))
        results = [future.result() for future in futures]
    load.elapsed = time.monotonic() - start
    for pid in workers:
        rss, load.peak[pid] = memory(pid)
        load.rss[pid].append(rss)
    load.answered_after_third = sum(
        isinstance(status, int) for status, _ in results[third:]
    )
    for status, latency in results:
        if status == 200:
            load.latencies.append(latency)
        else:
            load.errors[status] = load.errors.get(status, 0) + 1
    return load


def get(port, token, path, due):
    """(status or error name, seconds since `due`) of one GET."""
    if time.monotonic() - due > MAX_LAG:
        return "dropped", 0.0
    connection = http.client.HTTPConnection(HOST, port, timeout=CLIENT_TIMEOUT)
    try:
        connection.request("GET", path, headers={"Authorization": f"Bearer {token}"})
        response = connection.getresponse()
        response.read()
        return response.status, time.monotonic() - due
    except TimeoutError:
        return "timeout", time.monotonic() - due
    except (OSError, http.client.HTTPException) as error:
        return type(error).__name__, time.monotonic() - due
    finally:
        connection.close()


def wait_until_serving(port, token, path):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status, _ = get(port, token, path, time.monotonic())
        if status == 200:
            return
        time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer {path} with 200 within 60 s.")


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def worker_pids(master):
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return sorted(int(pid) for pid in children)


def memory(pid):
    """(VmRSS, VmHWM) of `pid` in kB: resident now, and at its peak."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            values[name] = int(value.split()[0])
    return values["VmRSS"], values["VmHWM"]
