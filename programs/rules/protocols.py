"""Trial protocols whose dosage steps differ from the generic reps → sets → load order.

The generic order (``programs.rules.progression``) would add a fourth set to Alfredson's 3 × 15
or more reps to heavy slow resistance, which is not what those trials prescribed (reference/
clinical.md §6.3):

- Alfredson 1998 (Am J Sports Med), midportion Achilles: 3 × 15 twice a day is the fixed dose;
  when the exercise no longer hurts, the load goes up (a backpack), never the sets or reps. The
  insertional variant on flat floor keeps the same dosing (Jonsson 2008, Br J Sports Med).
- Heavy slow resistance, Beyer 2015 (Am J Sports Med): 3 × 15RM, 3 × 12RM, 4 × 10RM, 4 × 8RM,
  4 × 6RM over 12 weeks. Each step has fewer reps at a heavier weight; then only the weight rises.
- Rathleff 2015 (Scand J Med Sci Sports), plantar fascia: 3 × 12RM, 4 × 10RM, 5 × 8RM, and
  keep adding books to the backpack. Reps fall as the load rises.

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
    # Alfredson: pain during the exercise is expected; the load rises once it no longer hurts.
    load_when_pain_free: bool = False

    def progress(self, dosage: Dosage) -> tuple[Dosage, str]:
        """The protocol's next step up from ``dosage``, with the words for it."""
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
)
RATHLEFF = TrialProtocol(
    code="rathleff",
    name="the Rathleff heel-raise protocol (Rathleff 2015)",
    ladder=((3, 12), (4, 10), (5, 8)),
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
