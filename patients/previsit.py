"""Before the first visit: the runner's checklist (about you, running, consents, symptom
questionnaire), and the same as a badge on the staff's day views.

The questionnaire belongs to the assessments app, which this app may not import: assessments
registers a reader of its screenings here when Django starts (`register_screening_source`), and
everything else in this module reads only this app's rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from dangpt.dates import format_for
from patients.consents import ConsentText, current_text, current_versions
from patients.models import (
    ACTIVE_STATUSES,
    Appointment,
    AppointmentStatus,
    Consent,
    ConsentKind,
    Patient,
    RunningProfile,
    VisitKind,
)

# A screening older than this before the visit is of an earlier complaint: the runner is asked
# again (the questionnaire takes five minutes; a stale answer misleads the first visit).
SCREENING_FRESH_DAYS = 90
ABOUT_YOU_FIELDS = ("phone", "address", "emergency_contact_name", "emergency_contact_phone")
CONSENT_TITLES = {
    ConsentKind.TREATMENT: _("Consent to treatment"),
    ConsentKind.PRIVACY: _("Privacy notice acknowledged"),
    ConsentKind.COMMUNICATIONS: _("Consent to reminders and messages"),
}
ITEMS = ("about", "running", "consents", "questionnaire")


# --- The screening source (registered by the assessments app) ---------------------------------
@dataclass(frozen=True)
class ScreeningSummary:
    """What the day views show of a screening: whether it suggests referral, and why."""

    pk: int
    patient_id: int
    created_at: dt.datetime
    refer: bool
    red_flag: bool
    suspected_bsi: bool
    url: str  # the screening's page for a therapist

    @property
    def label(self) -> str:
        """The staff badge: decision support, with the reason a referral is suggested."""
        if self.red_flag:
            return "Screening suggests referral — red flag"
        if self.suspected_bsi:
            return "Screening suggests referral — possible bone stress injury"
        if self.refer:
            return "Screening suggests referral"
        return "Screening done"


ScreeningSource = Callable[[Iterable[int], dt.datetime], list[ScreeningSummary]]
_source: list[ScreeningSource] = []


def register_screening_source(source: ScreeningSource) -> None:
    """Set the reader of screenings: (patient ids, since) -> summaries, in one query."""
    _source[:] = [source]


def _screenings(patient_ids: Iterable[int], since: dt.datetime) -> dict[int, list]:
    """Each patient's screenings since a time, newest first."""
    found: dict[int, list[ScreeningSummary]] = {}
    ids = list(set(patient_ids))
    if not ids or not _source:
        return found
    for summary in sorted(_source[0](ids, since), key=lambda s: (s.created_at, s.pk), reverse=True):
        found.setdefault(summary.patient_id, []).append(summary)
    return found


# --- What each item needs ----------------------------------------------------------------------
def about_you_done(patient: Patient) -> bool:
    """Contact details and an emergency contact are on file (name and birth date always are)."""
    return all(getattr(patient, name) for name in ABOUT_YOU_FIELDS)


def running_done(profile) -> bool:
    """The running profile says how often and how far the runner runs."""
    return profile is not None and None not in (profile["runs_per_week"], profile["weekly_km"])


def consents_done(given: set[tuple[str, str]]) -> bool:
    """Every consent is given for its current text."""
    return all((kind, version) in given for kind, version in current_versions().items())


def _profiles(patient_ids) -> dict[int, dict]:
    rows = RunningProfile.objects.filter(patient_id__in=patient_ids)
    return {r["patient_id"]: r for r in rows.values("patient_id", "runs_per_week", "weekly_km")}


def _consents(patient_ids) -> dict[int, set]:
    given: dict[int, set] = {}
    rows = Consent.objects.filter(patient_id__in=patient_ids).order_by()
    for patient_id, kind, version in rows.values_list("patient_id", "kind", "text_version"):
        given.setdefault(patient_id, set()).add((kind, version))
    return given


# --- Staff: a badge per appointment --------------------------------------------------------------
@dataclass(frozen=True)
class VisitReadiness:
    """How far a patient got with the pre-visit intake, and their latest screening."""

    done: int
    total: int
    screening: ScreeningSummary | None

    @property
    def ready(self) -> bool:
        return self.done == self.total


def readiness_by_appointment(appointments: Iterable[Appointment]) -> dict[int, VisitReadiness]:
    """Each appointment's intake progress and screening, in three queries for any number of rows.

    The appointments must carry their patient (`with_related`).
    """
    rows = list(appointments)
    if not rows:
        return {}
    ids = {a.patient_id for a in rows}
    fresh = dt.timedelta(days=SCREENING_FRESH_DAYS)
    profiles, consents = _profiles(ids), _consents(ids)
    screenings = _screenings(ids, min(a.start for a in rows) - fresh)
    found = {}
    for appointment in rows:
        latest = next(
            (
                s
                for s in screenings.get(appointment.patient_id, ())
                if appointment.start - fresh <= s.created_at <= appointment.end
            ),
            None,
        )
        done = (
            about_you_done(appointment.patient),
            running_done(profiles.get(appointment.patient_id)),
            consents_done(consents.get(appointment.patient_id, set())),
            latest is not None,
        )
        found[appointment.pk] = VisitReadiness(done=sum(done), total=len(done), screening=latest)
    return found


def attach_readiness(appointments: list[Appointment]) -> None:
    """Put each appointment's `readiness` on it, for the day views' badges (three queries)."""
    found = readiness_by_appointment(appointments)
    for appointment in appointments:
        appointment.readiness = found.get(appointment.pk)


# --- The runner: the checklist -----------------------------------------------------------------
@dataclass(frozen=True)
class ChecklistItem:
    key: str
    title: str
    done: bool
    url: str


@dataclass(frozen=True)
class Checklist:
    """The runner's four items and their next first visit, if one is booked."""

    items: list[ChecklistItem]
    first_visit: Appointment | None

    @property
    def done(self) -> int:
        return sum(item.done for item in self.items)

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def complete(self) -> bool:
        return self.done == self.total

    @property
    def shown(self) -> bool:
        """Whether the runner is pointed at it: a first visit is coming, or something is missing."""
        return self.first_visit is not None or not self.complete


FIRST_VISIT_STATUSES = [s for s in ACTIVE_STATUSES if s != AppointmentStatus.COMPLETED]


def _is_first_visit(appointment: Appointment) -> bool:
    return (
        appointment.appointment_type.visit_kind == VisitKind.NEW_PATIENT
        and appointment.status in FIRST_VISIT_STATUSES
    )


def upcoming_first_visit(patient: Patient) -> Appointment | None:
    """The runner's next booked new-patient evaluation, if any."""
    return (
        Appointment.objects.with_related()
        .filter(
            patient=patient,
            appointment_type__visit_kind=VisitKind.NEW_PATIENT,
            status__in=FIRST_VISIT_STATUSES,
            end__gte=timezone.now(),
        )
        .order_by("start")
        .first()
    )


@dataclass(frozen=True)
class UpcomingVisits:
    """The runner's next appointment of any kind and their next first visit (often the same)."""

    next: Appointment | None
    first_visit: Appointment | None


def upcoming_visits(patient_id: int) -> UpcomingVisits:
    """The next active appointment and the next new-patient evaluation, in one query (the
    runner's home shows the first and its pre-visit banner needs the second)."""
    ahead = Appointment.objects.filter(patient_id=patient_id, end__gte=timezone.now()).order_by(
        "start", "id"
    )
    next_pk = ahead.filter(status__in=ACTIVE_STATUSES).values("pk")[:1]
    first_pk = ahead.filter(
        appointment_type__visit_kind=VisitKind.NEW_PATIENT, status__in=FIRST_VISIT_STATUSES
    ).values("pk")[:1]
    rows = list(
        Appointment.objects.with_related()
        .filter(pk__in=next_pk.union(first_pk))  # an OR of the two would scan the table
        .order_by("start", "id")
    )
    return UpcomingVisits(
        next=rows[0] if rows else None,
        first_visit=next((a for a in rows if _is_first_visit(a)), None),
    )


def previsit_checklist(patient: Patient, *, visits: UpcomingVisits | None = None) -> Checklist:
    """The runner's checklist: what is done and what is still to do before the first visit
    (``visits``, when the caller has read them, saves reading the first visit again)."""
    profile = _profiles([patient.pk]).get(patient.pk)
    given = _consents([patient.pk]).get(patient.pk, set())
    since = timezone.now() - dt.timedelta(days=SCREENING_FRESH_DAYS)
    screened = bool(_screenings([patient.pk], since).get(patient.pk))
    items = [
        ChecklistItem(
            "about", _("About you"), about_you_done(patient), reverse("patients:previsit_about")
        ),
        ChecklistItem(
            "running",
            _("Your running"),
            running_done(profile),
            reverse("patients:previsit_running"),
        ),
        ChecklistItem(
            "consents",
            _("Consents"),
            consents_done(given),
            reverse("patients:previsit_consents"),
        ),
        ChecklistItem(
            "questionnaire",
            _("Symptom questionnaire"),
            screened,
            reverse("assessments:questionnaire"),
        ),
    ]
    first_visit = visits.first_visit if visits is not None else upcoming_first_visit(patient)
    return Checklist(items=items, first_visit=first_visit)


def previsit_banner(
    patient: Patient | None, *, visits: UpcomingVisits | None = None
) -> Checklist | None:
    """The checklist for the runner's home banner, or None when there is nothing to point at."""
    if patient is None:
        return None
    checklist = previsit_checklist(patient, visits=visits)
    return checklist if checklist.shown else None


# --- Consents, current or outdated -----------------------------------------------------------
@dataclass(frozen=True)
class ConsentState:
    """One consent for the runner: its current text, and what they signed of it or of an older."""

    kind: str
    title: str
    text: ConsentText
    signed: Consent | None  # for the current version
    outdated: Consent | None  # the latest given for an older version, if none for the current


def consent_states(patient: Patient, language: str) -> list[ConsentState]:
    """Each consent's current text in the language, with the patient's consent to it, if any."""
    given = list(Consent.objects.filter(patient=patient).order_by("-given_at", "-pk"))
    states = []
    for kind in ConsentKind:
        text = current_text(kind, language)
        mine = [c for c in given if c.kind == kind]
        signed = next((c for c in mine if c.text_version == text.version), None)
        outdated = None if signed else next(iter(mine), None)
        states.append(ConsentState(kind, CONSENT_TITLES[kind], text, signed, outdated))
    return states


@dataclass(frozen=True)
class ConsentRow:
    consent: Consent
    current: bool


def consent_rows(patient: Patient) -> list[ConsentRow]:
    """The patient's consents, every version, each marked current or outdated (the desk's view)."""
    versions = current_versions()
    return [
        ConsentRow(c, versions.get(c.kind) == c.text_version)
        for c in Consent.objects.filter(patient=patient).order_by("kind", "-given_at")
    ]


def local_zone(patient: Patient) -> ZoneInfo:
    """The time zone the runner's times are shown in: their clinic's."""
    location = patient.preferred_location
    return ZoneInfo(location.time_zone if location else settings.TIME_ZONE)


def when_text(moment: dt.datetime, zone: ZoneInfo) -> tuple[str, str]:
    """A moment as people read it: ("Dec 4, 2026", "3:12 PM") in the active language."""
    local = timezone.localtime(moment, zone)
    return (
        date_format(local, format_for("date")),
        date_format(local, format_for("time")),
    )
