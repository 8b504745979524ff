"""Write the figures of one make bench run into docs/performance.md, between two markers."""

import datetime as dt
import os
import platform
from pathlib import Path

LABELS = {
    "runner_home": "runner home `GET /me/`",
    "day_schedule": "day schedule `GET /desk/schedule/`",
    "booking": "booking `POST /api/v1/appointments`",
    "healthz": "`GET /healthz`",
    "runner_preferences": "small signed-in page `GET /me/reminders/`",
}


def _ms(value: float) -> str:
    return f"{value:.0f}" if value >= 10 else f"{value:.1f}"


def _phase_table(phase: dict) -> list[str]:
    lines = [
        "| request | count | achieved/s | p50 ms | p95 ms | p99 ms | errors |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, r in phase["requests"].items():
        lines.append(
            f"| {LABELS.get(name, name)} | {r['count']:,} | {r['rate']:.1f} | {_ms(r['p50'])} |"
            f" {_ms(r['p95'])} | {_ms(r['p99'])} | {r['errors']} ({r['error_rate']:.1%}) |"
        )
    lines.append(
        f"\nAll requests: {phase['total_rate']:.1f}/s achieved; machine CPU {phase['cpu_percent']}%"
        f" busy (both cores), of which the load generator {phase['load_generator_cpu_percent']}%."
    )
    return lines


def _signed_in_share(phases: dict) -> str:
    if "capacity-signed-in" not in phases:
        return "."
    share = phases["capacity-signed-in"]["total_rate"] / phases["capacity-healthz"]["total_rate"]
    return f"; a small signed-in page reaches {share:.0%}."


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


def render(bench, checks, start: str, end: str) -> str:
    r, a = bench.results, bench.args
    phases = r["phases"]
    seed = r["seed"]
    rows = ", ".join(f"{table} {count:,}" for table, count in r["rows"].items())
    out = [
        start,
        "",
        f"Run of {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC: `make bench` (scale {a.scale:g},"
        f" {a.rate:g} arrivals/s, {a.seconds} s per run). {os.cpu_count()} cores ({_cpu_model()}),"
        " PostgreSQL and Redis on the same machine as gunicorn and the load generator.",
        "",
        f"Data: {rows}."
        + (
            " Loaded by an earlier run."
            if seed["already_loaded"]
            else f" `seed_scale` took {seed['seconds']:.0f} s."
        ),
        "",
        f"Server: gunicorn, {a.workers} workers × {a.threads} threads, `DEBUG=false` (cached"
        " templates, hashed and compressed static files), psycopg pool of"
        f" {a.threads + 2} per worker. Load: Locust, open model (Poisson arrivals at a fixed rate,"
        " independent of response times), each request with its own runner or front-desk session"
        " (1,000 runners, second factor passed for the desk) or API token.",
        "",
        "### Verdict",
        "",
        *[f"- {'✅' if ok else '❌'} {text}" for text, ok in checks],
        "",
        f"### Mix at {a.rate:g}/s: 60% runner home, 25% day schedule, 15% booking POSTs",
        "",
        *_phase_table(phases["mix"]),
        "",
        f"### Floor: `/healthz` alone at {a.rate:g}/s, same run",
        "",
        *_phase_table(phases["floor"]),
        "",
        "### Capacity: 16 closed loops, each sends its next request on a reply",
        "",
        "| requests | achieved/s | p50 ms | p95 ms | errors | machine CPU |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for label in ("capacity-healthz", "capacity-runner-home", "capacity-signed-in"):
        if label not in phases:
            continue
        phase = phases[label]
        ((name, q),) = phase["requests"].items()
        out.append(
            f"| {LABELS[name]} | {q['rate']:.1f} | {_ms(q['p50'])} | {_ms(q['p95'])} |"
            f" {q['errors']} | {phase['cpu_percent']}% |"
        )
    out += [
        "",
        f"The runner home sustains {r['capacity_share']:.0%} of the `/healthz` rate"
        f" (aim: at least {40}%)" + _signed_in_share(phases),
        "",
        "### Screening engine and reminder pipeline, same run",
        "",
        f"- Screening: {r['screening']['answer_sets']:,} random answer sets in"
        f" {r['screening']['seconds']:.2f} s, **{r['screening']['per_second']:,.0f} per second**"
        " (`python -m assessments.screening.bench --n 20000`; aim 5,000).",
    ]
    if "reminders" in r:
        rem = r["reminders"]
        extra = rem["delivered_to_smtp"] - rem["sent"]
        out.append(
            f"- Reminders: {rem['sent']:,} due reminders sent over SMTP by a real Celery worker in"
            f" {rem['seconds']:.1f} s, **{rem['messages_per_second']:.1f} messages per second**"
            " (`python manage.py bench_reminders --count 5000`)"
            + (
                f"; the SMTP sink also received {extra:,} confirmations of the load test's"
                " bookings, due in the same database and sent in the same time."
                if extra > 0
                else "."
            )
        )
    out += ["", end]
    return "\n".join(out)


def write(path: Path, start: str, end: str, bench, checks) -> None:
    text = path.read_text() if path.exists() else "# Performance\n"
    section = render(bench, checks, start, end)
    if start in text and end in text:
        before, rest = text.split(start, 1)
        after = rest.split(end, 1)[1]
        text = before + section + after
    else:
        text = text.rstrip("\n") + "\n\n## Load test at chain size (issue 9)\n\n" + section + "\n"
    path.write_text(text)
