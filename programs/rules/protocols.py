"""Trial protocols whose dosage steps differ from the generic reps → sets → load order.

The generic order (``programs.rules.progression``) would add a fourth set to Alfredson's 3 × 15
or more reps to heavy slow resistance, which is not what those trials prescribed (reference/
clinical.md §6.3):

- Alfredson 1998 (Am J Sports Med), midportion Achilles: 3 × 15 twice a day is the fixed dose;
  when the exercise no longer hurts, the load goes up (a backpack), never the sets or reps. The
  insertional variant on flat floor keeps the same dosing (Jonsson 2008, Br J Sports Med).
- Heavy slow resistance, Beyer 2015 (Am J Sports Med): 3 × 15RM in week 1, 3 × 12RM in weeks
  2–3, 4 × 10RM in weeks 4–5, 4 × 8RM in weeks 6–8, 4 × 6RM in weeks 9–12. Each step has fewer
  reps at a heavier weight; then only the weight rises.
- Rathleff 2015 (Scand J Med Sci Sports), plantar fascia: 3 × 12RM, after 2 weeks 4 × 10RM, after
  4 weeks 5 × 8RM, and keep adding books to the backpack. Reps fall as the load rises.

The steps of these two ladders follow the trials' calendars: a step is proposed only from the week
the trial reached it, counted from the runner's first logged session of the exercise [D: the
program keeps no start date per exercise]. Sessions within the pain rule earn a step that is due;
they never bring one forward, and a breach still holds or reduces (``programs.rules.progression``).

A step down keeps the protocol's sets and reps and takes weight off when there is any (load is
what these protocols progress); an unloaded exercise cuts its reps instead.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from programs.rules.progression import Dosage, more_load, reduce_volume


@dataclass(frozen=True, kw_only=True)
class TrialProtocol:
    """A trial's dosage ladder: (sets, reps) rungs, after the last of which only load rises."""

    code: str
    name: str
    ladder: tuple[tuple[int, int], ...]
    # The protocol week (1 = the first) from which each rung is due; empty: no calendar.
    rung_weeks: tuple[int, ...] = ()
    # Alfredson: pain during the exercise is expected; the load rises once it no longer hurts.
    load_when_pain_free: bool = False

    def progress(self, dosage: Dosage, *, week: int | None = None) -> tuple[Dosage, str]:
        """The protocol's next step up from ``dosage``, with the words for it.

        ``week`` is the protocol week the runner is in (1 = the first). A rung that the trial's
        calendar reaches only later is not proposed: the dosage comes back unchanged, with the
        words saying when the step is due (``week`` None counts as not yet due).
        """
        here = (dosage.sets, dosage.reps)
        # Off the ladder after reps were cut: back up to the protocol's reps for these sets.
        back = [r for s, r in self.ladder if s == dosage.sets and r > (dosage.reps or r)]
        if here not in self.ladder and back:
            reps = min(back)
            return replace(dosage, reps=reps), (
                f"go back to the {dosage.sets} × {reps} of {self.name} "
                f"({dosage.sets} × {dosage.reps} → {dosage.sets} × {reps}), same weight"
            )
        step = self._next_rung(dosage)
        if step is None:
            heavier, text = more_load(dosage)
            return heavier, f"{text}; the sets and reps of {self.name} stay as they are"
        sets, reps = step
        due_week = self._due_week(step)
        if due_week is not None and (week is None or week < due_week):
            return dosage, (
                f"{self.name} moves to {sets} × {reps} only from week {due_week}"
                + (f" (this is week {week})" if week is not None else "")
                + f", so keep the {dosage.sets} × {dosage.reps} for now"
            )
        heavier = more_load(dosage)[0] if dosage.load_kg > 0 else dosage
        stepped = replace(heavier, sets=sets, reps=reps, max_sets=max(sets, dosage.max_sets))
        weight = (
            f", about {_kg(dosage.load_kg)} → {_kg(stepped.load_kg)}" if dosage.load_kg > 0 else ""
        )
        return stepped, (
            f"move to the next step of {self.name}: {sets} × {reps} with a heavier weight that "
            f"allows only about {reps} reps ({dosage.sets} × {dosage.reps} → {sets} × {reps}"
            f"{weight})"
        )

    def reduce(self, dosage: Dosage, fraction: float) -> tuple[Dosage, str]:
        """Take weight off, keeping the protocol's sets and reps; cut reps when unloaded."""
        if dosage.load_kg <= 0:
            return reduce_volume(dosage, fraction)
        percent = round(fraction * 100)
        lighter = max(0.0, round(dosage.load_kg * (1 - fraction) * 2) / 2)
        text = (
            f"take about {percent}% of the weight off ({_kg(dosage.load_kg)} → {_kg(lighter)}) "
            f"and keep the {dosage.sets} × {dosage.reps} of {self.name}"
        )
        return replace(dosage, load_kg=lighter), text

    def _due_week(self, rung: tuple[int, int]) -> int | None:
        """The week from which ``rung`` is due, or None when the protocol has no calendar."""
        if not self.rung_weeks:
            return None
        return self.rung_weeks[self.ladder.index(rung)]

    def _next_rung(self, dosage: Dosage) -> tuple[int, int] | None:
        """The first rung with fewer reps than now (or as many reps and more sets)."""
        if dosage.reps is None:
            return None
        for sets, reps in self.ladder:
            if reps < dosage.reps or (reps == dosage.reps and sets > dosage.sets):
                return sets, reps
        return None


def _kg(value: float) -> str:
    return f"{value:g} kg"


ALFREDSON = TrialProtocol(
    code="alfredson",
    name="the Alfredson protocol (Alfredson 1998)",
    ladder=((3, 15),),
    load_when_pain_free=True,
)
HEAVY_SLOW_RESISTANCE = TrialProtocol(
    code="heavy_slow_resistance",
    name="heavy slow resistance (Beyer 2015)",
    ladder=((3, 15), (3, 12), (4, 10), (4, 8), (4, 6)),
    rung_weeks=(1, 2, 4, 6, 9),
)
RATHLEFF = TrialProtocol(
    code="rathleff",
    name="the Rathleff heel-raise protocol (Rathleff 2015)",
    ladder=((3, 12), (4, 10), (5, 8)),
    rung_weeks=(1, 3, 5),
)

#: Library exercise slug -> the protocol its dosage follows.
PROTOCOL_BY_EXERCISE: dict[str, TrialProtocol] = {
    "eccentric_heel_drop_straight_knee": ALFREDSON,
    "eccentric_heel_drop_bent_knee": ALFREDSON,
    "floor_eccentric_heel_drop": ALFREDSON,
    "hsr_seated_heel_raise": HEAVY_SLOW_RESISTANCE,
    "hsr_standing_heel_raise": HEAVY_SLOW_RESISTANCE,
    "hsr_leg_press_heel_raise": HEAVY_SLOW_RESISTANCE,
    "rathleff_towel_heel_raise": RATHLEFF,
}


def protocol_for(exercise_slug: str) -> TrialProtocol | None:
    """The trial protocol of a library exercise, or None for the generic progression."""
    return PROTOCOL_BY_EXERCISE.get(exercise_slug)
