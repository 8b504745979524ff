"""What the runner is told after logging pain over the plan's limit, in plain words.

The words follow what the progression rules (``programs.rules.progression``) do with the same
log, so the runner reads what the therapist's suggestion says:

- pain during or after up to 2 points over the limit: the dose comes down by about a quarter;
- more than 2 points over: by about half;
- over the limit twice in a row: the therapist reviews the program;
- bone rule (no pain allowed): stop the session, 1–2 days off, then about half; a recurrence goes
  to the therapist. It applies to the bone program, and to hops, jumps and runs of any program
  after a bone stress injury (``item_tissue``), as in the suggestion;
- next-morning pain above the usual level: the same cuts, judged on the morning.

The therapist confirms a lower dose (a suggestion on their dashboard); until then the runner is
told to use the lower dose, not to stop, except under the bone rule. A safety hold
(``assessments.safety``) wins over all of it: a same-day or prompt red flag, or a bone stress
injury not yet cleared, is told what the red flag's own page says (stop, no running or hopping,
call today, urgent care); a routine referral to stop what hurts until they have spoken with the
clinic.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from assessments import safety
from patients.models import Location, Patient, phone_for_people
from programs.models import Program, ProgramItem, ProgressionSuggestion, SuggestionStatus
from programs.rules import progression, protocols
from programs.services.suggestions import item_tissue, program_bone_stress


@dataclass(frozen=True)
class OverLimit:
    """One exercise whose logged pain passed its limit."""

    name: str
    verdict: progression.Verdict
    bone: bool
    twice: bool
    # The rule allows some pain (tendon: up to 5/10), so "don't push through pain" would mislead.
    tendon: bool = False
    # A trial protocol with weight: the suggestion takes weight off, not reps.
    weighted: bool = False


def clinic_phone(patient: Patient) -> str:
    """The runner's clinic phone as people read it: "(213) 555-0100" ("" when none is known)."""
    location = patient.preferred_location if patient.preferred_location_id else None
    if location is None or not location.phone:
        location = Location.objects.filter(is_active=True).exclude(phone="").first()
    return phone_for_people(location.phone) if location else ""


def over_limit(program: Program, entries, *, morning: bool = False) -> list[OverLimit]:
    """The exercises of these session entries whose pain passed the pain rule of each.

    ``morning``: judge only the next-morning pain (the morning check), else during and after.
    Impact and running work after a bone stress injury is judged by the bone rule
    (``item_tissue``), as the therapist's suggestion is.
    """
    entries = [e for e in entries if e.done]
    items = ProgramItem.objects.select_related("exercise").in_bulk(
        [e.item_id for e in entries if e.item_id]
    )
    review = set(
        ProgressionSuggestion.objects.filter(
            program=program, status=SuggestionStatus.PENDING, therapist_review=True
        ).values_list("item_id", flat=True)
    )
    impact = any(item.exercise.is_impact for item in items.values())
    bone_stress = impact and program_bone_stress(program)
    found = []
    for entry in entries:
        item = items.get(entry.item_id)
        tissue = item_tissue(program, item, bone_stress=bone_stress)
        log = progression.SessionPain(
            pain_during=None if morning else entry.pain_during,
            pain_after=None if morning else entry.pain_after,
            next_morning_pain=entry.next_morning_pain if morning else None,
            baseline_pain=program.baseline_pain,
        )
        check = progression.check_pain(tissue=tissue, log=log)
        if check.breached:
            name = item.exercise.name if item else entry.exercise.name
            rule = progression.pain_rule(tissue).tissue
            weighted = bool(
                item and item.load_kg and protocols.protocol_for(item.exercise.slug) is not None
            )
            found.append(
                OverLimit(
                    name,
                    check.verdict,
                    rule is progression.Tissue.BONE,
                    entry.item_id in review,
                    tendon=rule is progression.Tissue.TENDON,
                    weighted=weighted,
                )
            )
    return found


def _what_next(found: list[OverLimit]) -> str:
    if any(f.bone for f in found):
        return _(
            "Your plan's rule for bone allows no pain. Stop today's session and rest from these "
            "exercises for 1 to 2 days; then do about half as much. If the pain comes back, your "
            "therapist needs to review it before you go on."
        )
    weighted = any(f.weighted for f in found)
    if any(f.verdict is progression.Verdict.MAJOR for f in found):
        if weighted:
            return _(
                "That is well over your limit: next time, do about half as much: less weight, or "
                "fewer reps or shorter holds if you use no weight."
            )
        return _(
            "That is well over your limit: next time, do about half as much (fewer reps or "
            "shorter holds)."
        )
    if weighted:
        text = _(
            "Next time, do a little less, about a quarter less: less weight, or fewer reps or "
            "shorter holds if you use no weight."
        )
    else:
        text = _("Next time, do a little less: about a quarter fewer reps or shorter holds.")
    if all(f.tendon for f in found):
        # The tendon rule accepts pain up to 5/10: the runner is not told to avoid all pain.
        return text
    return " ".join([text, _("Don't push through the pain.")])


def _hold_text(hold: safety.RunningHold, phone: str, call: str) -> list[str]:
    """What to do under a safety hold: same-day, prompt and uncleared-BSI holds as strong as the
    red flag's own page (stop, call today, urgent care); a routine hold as before."""
    if hold is safety.RunningHold.ROUTINE:
        return [
            _(
                "Some of your answers still need your therapist's review, so stop the "
                "exercises that hurt until you have spoken with the clinic."
            ),
            call,
        ]
    if phone:
        return [
            _(
                "Some of your answers still need your therapist's review. Until you have spoken "
                "with the clinic, stop your exercises and do not run, hop or jump. Call the "
                "clinic today at %(phone)s; if you cannot reach us, or cannot put weight on the "
                "leg, go to an urgent care center today."
            )
            % {"phone": phone}
        ]
    return [
        _(
            "Some of your answers still need your therapist's review. Until you have spoken with "
            "the clinic, stop your exercises and do not run, hop or jump. Call the clinic today; "
            "if you cannot reach us, or cannot put weight on the leg, go to an urgent care "
            "center today."
        )
    ]


def advice_text(program: Program, found: list[OverLimit], *, morning: bool = False) -> str:
    """The message for exercises over the limit: what the plan says to do next, and who to call."""
    patient = program.patient
    phone = clinic_phone(patient)
    call = (
        _("If the pain is sharp, or keeps getting worse, call the clinic at %(phone)s.")
        % {"phone": phone}
        if phone
        else _("If the pain is sharp, or keeps getting worse, call the clinic.")
    )
    hold = safety.running_hold(patient_id=patient.pk)
    if hold is not None:
        # A red flag or an uncleared bone stress injury: the plan's dose steps do not apply.
        return " ".join(
            [_("Your pain went over the limit your therapist set."), *_hold_text(hold, phone, call)]
        )
    names = ", ".join(f.name for f in found)
    if morning and any(f.bone for f in found):
        opening = _(
            "You have pain this morning. Under your plan's rule for bone there should be none, "
            "so yesterday's load was too much."
        )
    elif morning:
        opening = _(
            "Your pain this morning is above your usual level (%(baseline)s/10), which your plan "
            "reads as too much load yesterday."
        ) % {"baseline": program.baseline_pain}
    else:
        opening = _("Your pain went over your plan's limit on: %(names)s.") % {"names": names}
    parts = [opening, _what_next(found)]
    if any(f.twice for f in found):
        parts.append(
            _("This is the second time in a row, so your therapist will review your program.")
        )
    else:
        parts.append(
            _(
                "This goes to your therapist, who will confirm the new dose with you. Until "
                "then, use the lower dose."
            )
        )
    parts.append(_("Tomorrow morning, tell us how it feels."))
    parts.append(call)
    return " ".join(parts)
