"""Write the figures of one make bench run into docs/performance.md, between markers."""

import datetime as dt
import json
import os
import platform
from pathlib import Path

LABELS = {
    "runner_home": "runner home `GET /me/`",
    "day_schedule": "day schedule `GET /desk/schedule/`",
    "booking": "booking `POST /api/v1/appointments`",
    "healthz": "`GET /healthz`",
    "runner_preferences": "small signed-in page `GET /me/reminders/`",
    "api_my_program": "runner's program `GET /api/v1/me/program`",
    "api_appointments": "appointments `GET /api/v1/appointments`",
    "api_appointments_day": "one day's appointments `GET /api/v1/appointments?date=`",
    "api_patient_search": "patient search `GET /api/v1/patients?q=`",
}
API_START, API_END = "<!-- make bench api: start -->", "<!-- make bench api: end -->"
GROWTH_START, GROWTH_END = "<!-- make bench growth: start -->", "<!-- make bench growth: end -->"
GROWTH_LIMIT = 1.5


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


def replace_section(text: str, start: str, end: str, section: str, heading: str) -> str:
    """``text`` with what lies between the markers replaced by ``section`` (markers included in
    it); without the markers, ``section`` is appended under ``heading``."""
    if start in text and end in text:
        before, rest = text.split(start, 1)
        after = rest.split(end, 1)[1]
        return before + section + after
    return text.rstrip("\n") + f"\n\n{heading}\n\n" + section + "\n"


def write(path: Path, start: str, end: str, bench, checks) -> None:
    text = path.read_text() if path.exists() else "# Performance\n"
    section = render(bench, checks, start, end)
    path.write_text(
        replace_section(text, start, end, section, "## Load test at chain size (issue 9)")
    )


# --- The API (issue 20) -------------------------------------------------------------------------


def load_runs(directory: Path) -> list[dict]:
    """The saved API figures of each scale measured (docs/bench/api-scale-*.json), by scale."""
    runs = [json.loads(p.read_text()) for p in sorted(directory.glob("api-scale-*.json"))]
    return sorted(runs, key=lambda run: run["scale"])


def _api_mix_rows(run: dict) -> dict[str, dict]:
    """Each API request's figures: the mix's, and the unfiltered list alone (its own row)."""
    rows = dict(run["phases"]["api-mix"]["requests"])
    alone = run["phases"]["api-appointments"]["requests"].get("api_appointments")
    if alone:
        rows["api_appointments_alone"] = alone
    return rows


def _label(name: str, rate: float) -> str:
    if name == "api_appointments_alone":
        return f"appointments `GET /api/v1/appointments`, alone at {rate:g}/s"
    return LABELS.get(name, name)


def growth_rows(small: dict, large: dict, limit: float = GROWTH_LIMIT) -> list[tuple]:
    """(name, p95 at the small scale, p95 at the large, ratio, within limit) of each request both
    runs measured, /healthz last as the reference (no verdict: it lists nothing)."""
    a, b = _api_mix_rows(small), _api_mix_rows(large)
    names = sorted(set(a) & set(b), key=lambda n: (n == "healthz", n))
    rows = []
    for name in names:
        ratio = b[name]["p95"] / a[name]["p95"] if a[name]["p95"] else float("inf")
        rows.append((name, a[name]["p95"], b[name]["p95"], ratio, ratio <= limit))
    return rows


def growth_section(runs: list[dict], limit: float = GROWTH_LIMIT) -> str:
    """The growth table between its markers: each list's p95 at the smallest and largest scale."""
    out = [GROWTH_START, ""]
    if len(runs) < 2:
        scales = ", ".join(f"{run['scale']:g}" for run in runs) or "none"
        out += [f"Only one scale measured so far ({scales}); run the API bench at another.", ""]
        return "\n".join([*out, GROWTH_END])
    small, large = runs[0], runs[-1]
    s, b = f"{small['scale']:g}", f"{large['scale']:g}"
    appointments = (small["rows"]["patients_appointment"], large["rows"]["patients_appointment"])
    out += [
        f"p95 of each API read in the API mix at {small['rate']:g} requests/s, at scale {s}"
        f" ({appointments[0]:,} appointments, run of {small['when']}) and at scale {b}"
        f" ({appointments[1]:,} appointments, run of {large['when']}). Aim: within"
        f" {limit:g}× at the larger scale.",
        "",
        f"| request | p95 ms, scale {s} | p95 ms, scale {b} | ratio | within {limit:g}× |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, p_small, p_large, ratio, ok in growth_rows(small, large, limit):
        verdict = "(reference)" if name == "healthz" else ("✅" if ok else "❌")
        out.append(
            f"| {_label(name, small['rate'])} | {_ms(p_small)} | {_ms(p_large)} |"
            f" {ratio:.2f}× | {verdict} |"
        )
    return "\n".join([*out, "", GROWTH_END])


def api_section(bench, checks) -> str:
    """The API run's figures between their markers."""
    r, a = bench.results, bench.args
    phases = r["phases"]
    rows = ", ".join(f"{table} {count:,}" for table, count in r["rows"].items())
    out = [
        API_START,
        "",
        f'Run of {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC: `make bench BENCH_ARGS="--only api'
        f' --scale {a.scale:g} --seconds {a.seconds}"` ({a.rate:g} arrivals/s, {a.seconds} s per'
        f" run, closed loops {a.capacity_seconds} s). Server as above: gunicorn {a.workers} × "
        f"{a.threads}, `DEBUG=false`. Each API request carries its own token: one per runner"
        " (1,000) for their program, the front desk's for the lists.",
        "",
        f"Data: {rows}.",
        "",
        "### Verdict",
        "",
        *[f"- {'✅' if ok else '❌'} {text}" for text, ok in checks],
        "",
        f"### API mix at {a.rate:g}/s: 30% runner's program, 25% appointments, 20% one day's"
        " appointments, 15% patient search, 10% `/healthz`",
        "",
        *_phase_table(phases["api-mix"]),
        "",
        f"### `GET /api/v1/appointments` (no filter) alone at {a.rate:g}/s",
        "",
        *_phase_table(phases["api-appointments"]),
        "",
        "### Capacity: 16 closed loops, each sends its next request on a reply",
        "",
        "| requests | achieved/s | p50 ms | p95 ms | errors | machine CPU |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for label, name in (
        ("capacity-healthz", "healthz"),
        ("capacity-api-my-program", "api_my_program"),
    ):
        phase = phases[label]
        if name not in phase["requests"]:
            out.append(f"| {LABELS[name]} | 0 | no reply | | | {phase['cpu_percent']}% |")
            continue
        q = phase["requests"][name]
        out.append(
            f"| {LABELS[name]} | {q['rate']:.1f} | {_ms(q['p50'])} | {_ms(q['p95'])} |"
            f" {q['errors']} | {phase['cpu_percent']}% |"
        )
    primed = r.get("primed")
    if primed:
        out += [
            "",
            f"Before the program's loops, each of the {primed['runners']:,} runners read their"
            f" program once ({primed['ok']:,} answered 200, in {primed['seconds']:.1f} s with 8"
            " at a time), so the loops measure a runner reading an unchanged program again, as"
            " the runner home's loops do after the page mix.",
        ]
    out += [
        "",
        f"The runner's program sustains {r['api_capacity_share']:.0%} of the `/healthz` rate"
        " (aim: at least 40%): each figure is the most requests a second 16 closed loops get"
        " from the server, one after the other in the same run.",
        "",
        API_END,
    ]
    return "\n".join(out)


def write_api(path: Path, bench, checks, *, runs: list[dict]) -> None:
    """The API run's section and the growth table over every scale measured."""
    text = path.read_text() if path.exists() else "# Performance\n"
    text = replace_section(
        text, API_START, API_END, api_section(bench, checks), "## The API at chain scale (issue 20)"
    )
    text = replace_section(
        text, GROWTH_START, GROWTH_END, growth_section(runs), "### Growth: scale 0.05 against 1"
    )
    path.write_text(text)
