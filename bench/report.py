"""The benchmark's table and its verdicts, as Markdown.

Ratios are taken round by round (the API's time over its floor's in the
same round, ...), then summarised as the median with the interquartile
range in brackets. Times are the API's at full scale, in ms.
"""

from dataclasses import dataclass


def quantile(values, q):
    """The q-quantile of `values`, interpolating linearly between ranks."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def median(values):
    return quantile(values, 0.5)


def ratios(times, other_times):
    return [one / other for one, other in zip(times, other_times, strict=True) if other]


def spread(values):
    if not values:
        return "–"
    return f"{median(values):.2f} ({quantile(values, 0.25):.2f}–{quantile(values, 0.75):.2f})"


@dataclass
class Verdict:
    name: str
    measured: str
    target: str
    holds: bool
    gated: bool = False  # query counts: the exit status depends on them

    def line(self):
        mark = "holds" if self.holds else "MISSED"
        gate = " (gated)" if self.gated else ""
        return f"- {self.name}: {self.measured} (target {self.target}): {mark}{gate}"


def measurement_rows(keys, by_variant, queries, descriptions):
    """The table's rows: one per measurement."""
    header = (
        "| | measurement | p50 ms | p95 ms | KB | queries (auth + app) "
        "| API / floor | optimised / naive | full / copy |\n"
        "|---|---|---:|---:|---:|---:|---:|---:|---:|"
    )
    lines = [header]
    for key in keys:
        api = by_variant[key]["api"]
        cells = [
            key,
            descriptions[key],
            f"{median(api.times) * 1000:.1f}",
            f"{quantile(api.times, 0.95) * 1000:.1f}",
            f"{api.size / 1024:.1f}",
            queries.get(key, "–"),
        ]
        for variant in ("floor", "naive", "copy"):
            other = by_variant[key].get(variant)
            cells.append(spread(ratios(api.times, other.times)) if other else "–")
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def http_row(load):
    if load is None:
        return []
    latencies = load.latencies
    errors = sum(load.errors.values())
    kinds = ", ".join(
        f"{count} {kind}" for kind, count in sorted(load.errors.items(), key=str)
    )
    workers = "; ".join(
        "→".join(f"{rss / 1024:.1f}" for rss in samples)
        + f" MB (peak {load.peak[pid] / 1024:.1f})"
        for pid, samples in load.rss.items()
    )
    return [
        "",
        f"HTTP (gunicorn, 2 workers, {load.rate:g} requests/s offered for "
        f'{load.seconds:g} s, mix of L1 D1 S1 "S1 deep" I1 Q1): '
        f"{load.throughput:.1f} requests/s answered 200; latency p50 "
        f"{quantile(latencies, 0.5) * 1000:.0f} ms, p95 {quantile(latencies, 0.95) * 1000:.0f} ms, "
        f"p99 {quantile(latencies, 0.99) * 1000:.0f} ms; errors {errors} of {load.sent}"
        + (f" ({kinds})" if kinds else "")
        + f". Worker memory (VmRSS at the start, 1/3 in, the end) {workers}: "
        + growth_text(load)
        + ".",
    ]


def growth_text(load):
    growth = load.rss_growth_per_1000()
    if growth is None:
        return (
            f"growth not judged, only {load.answered_after_third} requests answered "
            "after the first third"
        )
    return f"{growth / 1024:+.2f} MB per 1000 requests answered after the first third"
