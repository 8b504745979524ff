"""Programs of about ten library exercises, their first published version, session and run logs."""

import datetime as dt
import json
import random
from decimal import Decimal

from programs.models import Exercise

from .generators import State, _seen
from .plan import SEED

PROGRAM_FIELDS = (
    "id", "patient", "evaluation", "therapist", "title", "tissue", "baseline_pain", "status",
    "current_version", "created_at",
)  # fmt: skip
VERSION_FIELDS = ("id", "program", "number", "published_by", "published_at", "items", "changes")
ITEM_FIELDS = (
    "id", "program", "exercise", "sets", "reps", "hold_seconds", "load", "tempo",
    "times_per_week", "side", "order",
)  # fmt: skip
SESSION_FIELDS = ("id", "program", "version", "date", "completed", "created_at", "updated_at")
RUN_FIELDS = (
    "id", "patient", "date", "distance_km", "duration_min", "rpe", "pain_during", "pain_after",
    "created_at",
)  # fmt: skip


def _library():
    """Per condition, the active exercises indicated for it (else the whole library)."""
    exercises = list(Exercise.objects.filter(is_active=True).order_by("id"))
    if not exercises:
        raise RuntimeError("The exercise library is empty; library_load() first.")
    by_condition = {}
    for ex in exercises:
        for code in ex.conditions:
            by_condition.setdefault(code, []).append(ex)
    return exercises, by_condition


class ProgramRows:
    """Builds the program rows once and serves each table's stream from them."""

    def __init__(self, state: State):
        self.state, plan = state, state.plan
        self.exercises, self.by_condition = _library()
        self.today = plan.now.date()
        self.count = plan.programs

    def _program(self, i: int):
        plan, state = self.state.plan, self.state
        p = i % plan.patients
        second = i >= plan.patients
        has_second = i + plan.patients < self.count
        start = _seen(state, p) + dt.timedelta(days=60 if second else 1)
        start = min(start, plan.now - dt.timedelta(days=1))
        recent = start > plan.now - dt.timedelta(days=180)
        status = "active" if (not has_second and recent) else "ended"
        return p, start, status

    def programs(self):
        state, plan = self.state, self.state.plan
        rng = random.Random(SEED + 3)  # noqa: S311
        for i in range(self.count):
            p, start, status = self._program(i)
            condition = state.top_condition[p]
            yield (
                state.ids["program"] + i + 1, state.ids["patient"] + p + 1,
                state.ids["evaluation"] + p + 1 if p < plan.evaluations else None,
                state.therapist_ids[plan.therapist_of_patient(p)],
                f"Home program: {condition.replace('_', ' ')}", "soft_tissue",
                rng.randint(0, 3), status, state.ids["version"] + i + 1, start,
            )  # fmt: skip

    def _items(self, i: int, rng):
        p = i % self.state.plan.patients
        pool = self.by_condition.get(self.state.top_condition[p]) or self.exercises
        if len(pool) < self.state.plan.items_per_program:
            pool = self.exercises
        chosen = rng.sample(pool, self.state.plan.items_per_program)
        base = self.state.ids["item"] + i * self.state.plan.items_per_program
        out = []
        for n, ex in enumerate(chosen):
            dose = ex.default_dosage or {}
            hold = dose.get("hold_seconds")
            reps = dose.get("reps") or (None if hold else 10)
            out.append(
                (
                    base + n + 1,
                    ex,
                    dose.get("sets") or 3,
                    reps,
                    hold,
                    dose.get("load") or "",
                    dose.get("tempo") or "",
                    dose.get("times_per_week") or 3,
                    "both",
                    n,
                )  # fmt: skip
            )
        return out

    def versions(self):
        state = self.state
        rng = random.Random(SEED + 4)  # noqa: S311
        for i in range(self.count):
            p, start, _ = self._program(i)
            snapshot = [
                {
                    "sets": sets,
                    "reps": reps,
                    "hold_seconds": hold,
                    "load": load,
                    "load_kg": None,
                    "tempo": tempo,
                    "times_per_week": tpw,
                    "side": side,
                    "notes": "",
                    "phase": 1,
                    "item_id": item_id,
                    "exercise_id": ex.id,
                    "exercise_slug": ex.slug,
                    "exercise_name": ex.name,
                    "tags": list(ex.contraindication_tags),
                    "order": order,
                }  # fmt: skip
                for item_id, ex, sets, reps, hold, load, tempo, tpw, side, order in self._items(
                    i, rng
                )
            ]
            yield (
                state.ids["version"] + i + 1, state.ids["program"] + i + 1, 1,
                state.therapist_ids[state.plan.therapist_of_patient(p)], start,
                json.dumps(snapshot), '["First version"]',
            )  # fmt: skip

    def items(self):
        rng = random.Random(SEED + 4)  # noqa: S311 - the same draws as versions()
        for i in range(self.count):
            program = self.state.ids["program"] + i + 1
            for item_id, ex, *rest in self._items(i, rng):
                yield (item_id, program, ex.id, *rest)

    def _log_dates(self, start: dt.datetime, n: int) -> list[dt.date]:
        """n distinct dates from the program's start, none after today."""
        first = start.date()
        return [
            min(first + dt.timedelta(days=2 * k), self.today - dt.timedelta(days=2 * (n - 1 - k)))
            for k in range(n)
        ]

    def sessions(self):
        state, n = self.state, self.state.plan.sessions_per_program
        rng = random.Random(SEED + 5)  # noqa: S311
        next_id = state.ids["session"]
        for i in range(self.count):
            _, start, _ = self._program(i)
            for day in self._log_dates(start, n):
                next_id += 1
                made = dt.datetime.combine(day, dt.time(18), tzinfo=dt.UTC)
                yield (
                    next_id, state.ids["program"] + i + 1, state.ids["version"] + i + 1, day,
                    rng.random() < 0.8, made, made,
                )  # fmt: skip

    def runs(self):
        state, n = self.state, self.state.plan.runs_per_program
        rng = random.Random(SEED + 6)  # noqa: S311
        next_id = state.ids["run"]
        for i in range(self.count):
            p, start, _ = self._program(i)
            for day in self._log_dates(start + dt.timedelta(days=1), n):
                next_id += 1
                km = round(rng.uniform(3, 16), 2)
                pace = rng.uniform(4.5, 7.0)
                yield (
                    next_id, state.ids["patient"] + p + 1, day, Decimal(f"{km:.2f}"),
                    Decimal(f"{km * pace:.1f}"), rng.randint(3, 8), rng.randint(0, 4),
                    rng.randint(0, 3), dt.datetime.combine(day, dt.time(19), tzinfo=dt.UTC),
                )  # fmt: skip
