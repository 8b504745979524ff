"""How much to make at a scale, and the deterministic schedule every generator shares."""

import datetime as dt
import math
import random
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

SEED = 20260901
TIME_ZONE = "America/Los_Angeles"
YEARS_BACK_DAYS = 3652
DAYS_AHEAD = 90
DAY_QUARTERS = 36  # 08:00-17:00 on a 15-minute grid
READS_PER_EVALUATION = 4  # chart reads in the audit trail per evaluation
CASELOAD = 12  # patients a therapist sees in turn within one block of appointments
SYLLABLES = tuple(
    "ka ri mo la ne tu vi sa do pe lo mi ra zu be ko na fi ta ge so le ma ni ru po da ke vo ti".split()  # noqa: E501, SIM905
)


def name_of(n: int, parts: int) -> str:
    """A made-up name from the syllable list (no real people)."""
    out = []
    for _ in range(parts):
        n, i = divmod(n * 7919 + 13, len(SYLLABLES))
        out.append(SYLLABLES[i])
    return "".join(out).capitalize()


@dataclass
class Plan:
    scale: float
    locations: int
    therapists: int
    patients: int
    appointments: int
    screenings: int
    evaluations: int
    programs: int
    items_per_program: int = 10
    sessions_per_program: int = 6
    runs_per_program: int = 4
    now: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    @classmethod
    def at(cls, scale: float) -> "Plan":
        therapists = max(2, round(250 * scale))
        return cls(
            scale=scale,
            locations=max(1, round(25 * scale)),
            therapists=therapists,
            patients=max(therapists, round(250_000 * scale)),
            appointments=round(2_000_000 * scale),
            screenings=round(250_000 * scale),
            evaluations=round(250_000 * scale),
            programs=round(300_000 * scale),
        )

    @property
    def access_logs(self) -> int:
        return self.evaluations * READS_PER_EVALUATION

    @property
    def per_program(self) -> tuple[int, int, int]:
        return self.items_per_program, self.sessions_per_program, self.runs_per_program

    @property
    def patients_per_therapist(self) -> int:
        return self.patients // self.therapists

    def appointments_of(self, t: int) -> int:
        base, extra = divmod(self.appointments, self.therapists)
        return base + (t < extra)

    def per_patient(self, t: int) -> int:
        return max(1, math.ceil(self.appointments_of(t) / self.patients_per_therapist))

    def patient_of(self, t: int, k: int) -> int:
        """The global patient index of therapist t's k-th appointment (a rotating caseload)."""
        block_size = CASELOAD * self.per_patient(t)
        block, within = divmod(k, block_size)
        local = (block * CASELOAD + within % CASELOAD) % self.patients_per_therapist
        return t * self.patients_per_therapist + local

    def therapist_of_patient(self, p: int) -> int:
        return min(p // self.patients_per_therapist, self.therapists - 1)


class Calendar:
    """Working days (Monday to Friday) over ten years and 90 days ahead, with the UTC instant of
    08:00 local on each (DST changes at 02:00, so the offset holds all working day)."""

    def __init__(self, now: dt.datetime):
        zone = ZoneInfo(TIME_ZONE)
        today = now.astimezone(zone).date()
        day = today - dt.timedelta(days=YEARS_BACK_DAYS)
        self.days: list[dt.date] = []
        self.opens: list[dt.datetime] = []
        while day <= today + dt.timedelta(days=DAYS_AHEAD):
            if day.weekday() < 5:
                self.days.append(day)
                self.opens.append(
                    dt.datetime.combine(day, dt.time(8), tzinfo=zone).astimezone(dt.UTC)
                )
            day += dt.timedelta(days=1)

    def day_counts(self, plan: Plan, t: int) -> list[int]:
        """How many appointments therapist t has on each working day (exact total)."""
        total, days = plan.appointments_of(t), len(self.days)
        base, extra = divmod(total, days)
        if base >= 8:
            raise ValueError("Too many appointments per therapist-day at this scale.")
        counts = [base] * days
        for i in random.Random(SEED + t).sample(range(days), extra):  # noqa: S311
            counts[i] += 1
        return counts
