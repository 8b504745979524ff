"""Row generators, one per table, in dependency order; ids are assigned from reserved ranges."""

import bisect
import datetime as dt
import json
import random

from assessments.screening.bench import random_answers
from assessments.screening.engine import screen

from .plan import CASELOAD, DAY_QUARTERS, READS_PER_EVALUATION, SEED, Calendar, Plan, name_of

# Past appointments: completed / cancelled / no-show; future ones: booked / confirmed / cancelled.
PAST = (("completed", 87), ("cancelled", 8), ("no_show", 5))
FUTURE = (("booked", 60), ("confirmed", 32), ("cancelled", 8))
CANCEL_REASONS = ("Feeling better", "Work conflict", "Ill", "Travel", "Rescheduled")


def _weighted(table):
    return [value for value, weight in table for _ in range(weight)]


class State:
    """What later tables need from earlier ones (per patient: first appointment and people)."""

    def __init__(self, plan: Plan, ids: dict, therapist_ids: list[int], location_ids: list[int]):
        self.plan, self.ids = plan, ids
        self.therapist_ids, self.location_ids = therapist_ids, location_ids
        self.calendar = Calendar(plan.now)
        self.first_appt: list[int | None] = [None] * plan.patients
        self.first_day: list[dt.date | None] = [None] * plan.patients
        self.first_start: list[dt.datetime | None] = [None] * plan.patients
        self.top_condition: list[str] = ["pfps"] * plan.patients

    def location_of_therapist(self, t: int) -> int:
        return self.location_ids[t % len(self.location_ids)]


def patients(state: State):
    plan, cal = state.plan, state.calendar
    rng = random.Random(SEED)  # noqa: S311 - synthetic data
    # When each patient's first appointment falls, so created_at comes before it.
    first_day = {}
    for t in range(plan.therapists):
        counts = cal.day_counts(plan, t)
        cum, running = [], 0
        for c in counts:
            running += c
            cum.append(running)
        for k in range(plan.appointments_of(t)):
            if k % (CASELOAD * plan.per_patient(t)) >= CASELOAD:
                continue
            p = plan.patient_of(t, k)
            first_day.setdefault(p, cal.opens[bisect.bisect_right(cum, k)])
    earliest = cal.opens[0]
    for p in range(plan.patients):
        t = plan.therapist_of_patient(p)
        when = first_day.get(p, earliest) - dt.timedelta(days=rng.randint(1, 20))
        first, last = name_of(p, 2), name_of(p * 31 + 7, 3)
        born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 55))
        yield (
            state.ids["patient"] + p + 1,
            first,
            last,
            born,
            f"{first.lower()}.{last.lower()}{p}@example.test",
            f"555{p:07d}",
            state.location_of_therapist(t),
            when,
            rng.choice(("female", "male", "female", "male", "undisclosed")),
            rng.random() < 0.9,
            when,
        )


PATIENT_FIELDS = (
    "id", "first_name", "last_name", "date_of_birth", "email", "phone", "preferred_location",
    "created_at", "sex", "email_opt_in", "updated_at",
)  # fmt: skip

APPOINTMENT_FIELDS = (
    "id", "patient", "therapist", "location", "appointment_type", "start", "end", "status",
    "cancel_reason", "cancelled_at", "late_cancel", "checked_in_at", "created_at", "updated_at",
)  # fmt: skip


def appointments(state: State, types: dict[str, tuple[int, int]]):
    """types: name -> (id, quarters). A therapist's slots never overlap; each patient sees one
    therapist, so a patient never has two at once either."""
    plan, cal, now = state.plan, state.calendar, state.plan.now
    past, future = _weighted(PAST), _weighted(FUTURE)
    initial, follow_ups = (
        types["Initial evaluation"],
        [
            types["Follow-up"],
            types["Follow-up"],
            types["Follow-up"],
            types["Gait analysis"],
            types["Re-assessment"],
        ],
    )
    next_id = state.ids["appointment"]
    quarter = dt.timedelta(minutes=15)
    for t in range(plan.therapists):
        rng = random.Random(SEED * 7 + t)  # noqa: S311
        therapist, location = state.therapist_ids[t], state.location_of_therapist(t)
        block_size = CASELOAD * plan.per_patient(t)
        k = 0
        for day_index, count in enumerate(cal.day_counts(plan, t)):
            if not count:
                continue
            kinds = [
                initial if (k + i) % block_size < CASELOAD else rng.choice(follow_ups)
                for i in range(count)
            ]
            free = DAY_QUARTERS - sum(q for _, q in kinds)
            cursor = 0
            for type_id, quarters in kinds:
                gap = rng.randint(0, free // 2)
                free -= gap
                cursor += gap
                start = cal.opens[day_index] + cursor * quarter
                end = start + quarters * quarter
                cursor += quarters
                p = plan.patient_of(t, k)
                k += 1
                next_id += 1
                status = rng.choice(past if start < now else future)
                cancelled_at = checked_in = None
                reason, late = "", False
                if status == "cancelled":
                    late = rng.random() < 1 / 3
                    hours = rng.randint(2, 20) if late else rng.randint(26, 24 * 10)
                    cancelled_at = min(start - dt.timedelta(hours=hours), now)
                    reason = rng.choice(CANCEL_REASONS)
                elif status == "completed":
                    checked_in = start - dt.timedelta(minutes=rng.randint(0, 10))
                if state.first_appt[p] is None and status != "cancelled":
                    state.first_appt[p] = next_id
                    state.first_day[p] = cal.days[day_index]
                    state.first_start[p] = start
                created = min(start - dt.timedelta(days=rng.randint(1, 21)), now)
                yield (
                    next_id, state.ids["patient"] + p + 1, therapist, location, type_id, start,
                    end, status, reason, cancelled_at, late, checked_in, created,
                    cancelled_at or checked_in or created,
                )  # fmt: skip


def screening_pool(size: int = 40) -> list[tuple[str, dict]]:
    """Real engine results for random valid answers; screenings reuse them."""
    rng = random.Random(SEED)  # noqa: S311
    pool = []
    for _ in range(size):
        answers = random_answers(rng)
        pool.append((json.dumps(answers), screen(answers)))
    return pool


SCREENING_FIELDS = (
    "id", "patient", "source", "status", "answers", "result", "ruleset_version", "disposition",
    "urgency", "suspected_bsi", "created_by", "created_at", "updated_at", "reviewed_by",
    "reviewed_at", "acknowledged_by", "acknowledged_at", "acknowledgement_note",
)  # fmt: skip


def _seen(state: State, p: int) -> dt.datetime:
    return state.first_start[p] or state.plan.now - dt.timedelta(days=30)


def screenings(state: State):
    plan = state.plan
    pool = [(a, json.dumps(r), r) for a, r in screening_pool()]
    rng = random.Random(SEED + 1)  # noqa: S311
    for p in range(plan.screenings):
        answers, result_json, result = pool[rng.randrange(len(pool))]
        therapist = state.therapist_ids[plan.therapist_of_patient(p)]
        when = min(_seen(state, p), plan.now) - dt.timedelta(days=rng.randint(1, 5))
        reviewed = when + dt.timedelta(days=1)
        state.top_condition[p] = result["conditions"][0]["code"]
        refer = result["disposition"] == "refer" or result["suspected_bsi"]
        yield (
            state.ids["screening"] + p + 1, state.ids["patient"] + p + 1, "runner", "reviewed",
            answers, result_json, result["ruleset_version"], result["disposition"],
            result["urgency"] or "", result["suspected_bsi"], None, when, reviewed, therapist,
            reviewed, therapist if refer else None, reviewed if refer else None,
            "Discussed with the runner." if refer else "",
        )  # fmt: skip


EVALUATION_FIELDS = (
    "id", "patient", "appointment", "screening", "therapist", "kind", "status", "evaluated_on",
    "history", "working_diagnosis", "assessment_notes", "goals", "visits_per_week", "plan_weeks",
    "signed_by", "signed_at", "created_at", "updated_at",
)  # fmt: skip


def evaluations(state: State):
    plan = state.plan
    rng = random.Random(SEED + 2)  # noqa: S311
    for p in range(plan.evaluations):
        therapist = state.therapist_ids[plan.therapist_of_patient(p)]
        seen = min(_seen(state, p), plan.now - dt.timedelta(hours=3))  # none signed ahead
        signed = seen + dt.timedelta(hours=2)
        yield (
            state.ids["evaluation"] + p + 1, state.ids["patient"] + p + 1,
            state.first_appt[p] if _seen(state, p) <= plan.now else None,
            state.ids["screening"] + p + 1 if p < plan.screenings else None, therapist, "initial",
            "signed", seen.date(), "Gradual onset with a rise in mileage.",
            state.top_condition[p], "Load management and strengthening.",
            "Return to pain-free running.", rng.randint(1, 2), rng.choice((4, 6, 8, 12)),
            therapist, signed, seen, signed,
        )  # fmt: skip


ACCESS_FIELDS = (
    "id", "created_at", "user", "role", "patient", "view", "what", "method", "ip_address",
    "user_agent",
)  # fmt: skip
ACCESS_VIEWS = (
    ("assessments:patient_chart", "chart"),
    ("assessments:evaluation_detail", "evaluation"),
    ("assessments:outcome_trend", "outcome trend"),
    ("programs:detail", "program"),
)


def access_logs(state: State):
    """Chart reads by each patient's therapist: some on the day seen, the rest in later weeks."""
    plan = state.plan
    rng = random.Random(SEED + 5)  # noqa: S311
    n = 0
    for p in range(plan.evaluations):
        patient = state.ids["patient"] + p + 1
        therapist = state.therapist_ids[plan.therapist_of_patient(p)]
        seen = min(_seen(state, p), plan.now - dt.timedelta(hours=3))
        for view, kind in ACCESS_VIEWS[:READS_PER_EVALUATION]:
            n += 1
            at = min(seen + dt.timedelta(minutes=rng.randint(0, 60 * 24 * 42)), plan.now)
            yield (
                state.ids["access"] + n, at, therapist, "therapist", patient, view,
                f"{kind} {patient}", "GET", f"10.{p % 250}.{n % 250}.{rng.randint(1, 250)}",
                "Mozilla/5.0 (synthetic)",
            )  # fmt: skip
