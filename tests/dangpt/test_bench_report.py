"""make bench's API figures: the checks, the growth table and the sections of docs/performance.md.

Figures are made up here; nothing is timed.
"""

import json
from types import SimpleNamespace

from dangpt.tooling.bench import report
from dangpt.tooling.bench.__main__ import api_checks, percentile


def _q(p95: float, errors: int = 0, count: int = 100) -> dict:
    return {
        "count": count,
        "errors": errors,
        "error_rate": errors / count,
        "rate": count / 20,
        "p50": p95 / 2,
        "p95": p95,
        "p99": p95 * 1.5,
    }


def _phase(requests: dict, total: float | None = None) -> dict:
    return {
        "requests": requests,
        "total_rate": total if total is not None else sum(r["rate"] for r in requests.values()),
        "cpu_percent": 50.0,
        "load_generator_cpu_percent": 2.0,
    }


def _run(scale: float, *, program: float, day: float, search: float, alone: float) -> dict:
    mix = {
        "api_my_program": _q(program),
        "api_appointments": _q(alone),
        "api_appointments_day": _q(day),
        "api_patient_search": _q(search),
        "healthz": _q(5),
    }
    return {
        "scale": scale,
        "rate": 50.0,
        "seconds": 20,
        "when": "2026-12-04 20:10 UTC",
        "rows": {"patients_appointment": int(2_000_000 * scale)},
        "api_capacity_share": 0.5,
        "phases": {
            "api-mix": _phase(mix),
            "api-appointments": _phase({"api_appointments": _q(alone)}),
            "capacity-healthz": _phase({"healthz": _q(30)}, total=800.0),
            "capacity-api-my-program": _phase({"api_my_program": _q(60)}, total=400.0),
        },
    }


SMALL = _run(0.05, program=20, day=30, search=40, alone=50)
LARGE = _run(1, program=22, day=44, search=100, alone=60)


def test_growth_rows_give_each_lists_ratio_and_verdict_with_healthz_last():
    rows = {name: rest for name, *rest in report.growth_rows(SMALL, LARGE)}
    assert list(rows)[-1] == "healthz"
    assert rows["api_appointments_day"] == [30, 44, 44 / 30, True]
    assert rows["api_patient_search"][2:] == [2.5, False]
    assert rows["api_appointments_alone"][:2] == [50, 60]


def test_the_growth_table_marks_a_list_that_grew_past_the_limit():
    table = report.growth_section([SMALL, LARGE])
    assert table.startswith(report.GROWTH_START) and table.endswith(report.GROWTH_END)
    search = next(line for line in table.splitlines() if "patients?q=" in line)
    assert search == "| patient search `GET /api/v1/patients?q=` | 40 | 100 | 2.50× | ❌ |"
    day = next(line for line in table.splitlines() if "date=" in line)
    assert day.endswith("| 1.47× | ✅ |")
    assert "100,000 appointments" in table and "2,000,000 appointments" in table
    assert "| `GET /healthz` | 5.0 | 5.0 | 1.00× | (reference) |" in table


def test_the_growth_table_waits_for_a_second_scale():
    table = report.growth_section([SMALL])
    assert "Only one scale measured so far (0.05)" in table and "| request |" not in table


def test_runs_load_in_scale_order(tmp_path):
    for run in (LARGE, SMALL):
        (tmp_path / f"api-scale-{run['scale']:g}.json").write_text(json.dumps(run))
    (tmp_path / "other.json").write_text("{}")
    assert [run["scale"] for run in report.load_runs(tmp_path)] == [0.05, 1]


def test_api_checks_hold_the_issues_limits():
    phases = SMALL["phases"]
    assert all(ok for _, ok in api_checks(phases, 50, 0.40))
    slow = {**phases, "api-appointments": _phase({"api_appointments": _q(251)})}
    failing = dict(api_checks(slow, 50, 0.5))
    assert failing == {
        "`GET /api/v1/appointments` alone at 50 req/s: p95 ≤ 250 ms": False,
        "0 errors in the API runs": True,
        "`GET /api/v1/me/program` capacity ≥ 40% of /healthz": True,
    }
    erring = {**phases, "api-mix": _phase({"api_patient_search": _q(10, errors=1)})}
    assert dict(api_checks(erring, 50, 0.39)) == {
        "`GET /api/v1/appointments` alone at 50 req/s: p95 ≤ 250 ms": True,
        "0 errors in the API runs": False,
        "`GET /api/v1/me/program` capacity ≥ 40% of /healthz": False,
    }


def test_sections_replace_their_markers_or_are_appended():
    text = f"# Performance\n\nbefore\n{report.API_START}\nold\n{report.API_END}\nafter\n"
    section = f"{report.API_START}\nnew\n{report.API_END}"
    replaced = report.replace_section(text, report.API_START, report.API_END, section, "## H")
    assert replaced == f"# Performance\n\nbefore\n{section}\nafter\n"
    appended = report.replace_section("# Performance\n", "<a>", "<b>", "<a>x<b>", "## H")
    assert appended == "# Performance\n\n## H\n\n<a>x<b>\n"


def test_write_api_puts_the_run_and_the_growth_table_in_the_report(tmp_path):
    path = tmp_path / "performance.md"
    path.write_text("# Performance\n\nkept\n")
    args = SimpleNamespace(
        scale=1.0, rate=50.0, seconds=20, capacity_seconds=20, workers=4, threads=2
    )
    bench = SimpleNamespace(args=args, results=LARGE)
    checks = api_checks(LARGE["phases"], 50, 0.5)
    report.write_api(path, bench, checks, runs=[SMALL, LARGE])
    first = path.read_text()
    assert "kept" in first and first.count(report.API_START) == 1
    assert "The runner's program sustains 50% of the `/healthz` rate" in first
    assert "| runner's program `GET /api/v1/me/program` | 5.0 | 30 | 60 | 0 | 50.0% |" in first
    assert "| patient search `GET /api/v1/patients?q=` | 40 | 100 | 2.50× | ❌ |" in first
    report.write_api(path, bench, checks, runs=[SMALL, LARGE])
    again = path.read_text()  # written again in place, not appended twice
    assert len(again) == len(first) and again.count(report.GROWTH_START) == 1


def test_percentile_is_nearest_rank():
    assert percentile([5, 1, 4, 2, 3], 0.95) == 5
    assert percentile(list(range(1, 101)), 0.95) == 95


def test_a_run_with_no_replies_fails_and_still_writes_its_report(tmp_path):
    """A server so overloaded that a phase got no reply: a failed check and a row saying so."""
    phases = {
        **SMALL["phases"],
        "api-appointments": _phase({}),
        "capacity-healthz": _phase({}, total=0.0),
    }
    run = {**SMALL, "phases": phases, "api_capacity_share": 0.0}
    checks = api_checks(phases, 50, 0.0)
    assert [ok for _, ok in checks] == [False, True, False]
    args = SimpleNamespace(
        scale=0.05, rate=50.0, seconds=20, capacity_seconds=20, workers=4, threads=2
    )
    path = tmp_path / "performance.md"
    report.write_api(path, SimpleNamespace(args=args, results=run), checks, runs=[run])
    assert "| `GET /healthz` | 0 | no reply | | | 50.0% |" in path.read_text()


def test_the_report_says_the_program_cache_was_primed_before_its_loops(tmp_path):
    run = {**SMALL, "primed": {"runners": 1000, "ok": 1000, "seconds": 12.5}}
    args = SimpleNamespace(
        scale=0.05, rate=50.0, seconds=20, capacity_seconds=20, workers=4, threads=2
    )
    section = report.api_section(SimpleNamespace(args=args, results=run), [])
    assert "each of the 1,000 runners read their program once (1,000 answered 200, in 12.5 s" in (
        section
    )
