"""The access matrix: every id-bearing URL and API operation, who may open it, and its ids.

A scenario holds a clinic with two locations. At the first: two runners (A and B), two
therapists and a front desk; each runner has appointments, a screening, a draft evaluation with a
gait analysis, outcome results, a program with versions, logs, runs, reminders and a waitlist
entry. At the second: a therapist and a front desk, who see none of the first location's
patients. The manager sees the whole clinic. Every matrix entry points at runner A's objects;
runner B, the staff of the other location (and every role not listed) must get a 404.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.models import Group
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from dangpt.roles import Role

# Who is asked: each is signed in as one user of the scenario.
FRONT_DESK, THERAPIST, THERAPIST_B, MANAGER = "front_desk", "therapist", "therapist_b", "manager"
OWNER, OTHER_RUNNER = "runner_a", "runner_b"
# Staff of the clinic's other location: runner A's chart is not theirs to see.
THERAPIST_ELSEWHERE, FRONT_DESK_ELSEWHERE = "therapist_elsewhere", "front_desk_elsewhere"
ACTORS = (
    FRONT_DESK,
    THERAPIST,
    THERAPIST_B,
    MANAGER,
    OWNER,
    OTHER_RUNNER,
    THERAPIST_ELSEWHERE,
    FRONT_DESK_ELSEWHERE,
)

STAFF = frozenset({FRONT_DESK, THERAPIST, THERAPIST_B, MANAGER})
DESK = frozenset({FRONT_DESK, MANAGER})
CLINICIANS = frozenset({THERAPIST, THERAPIST_B, MANAGER})
THERAPISTS = frozenset({THERAPIST, THERAPIST_B})
NOTE_AUTHOR = frozenset({THERAPIST})  # runner A's notes are written by THERAPIST; only they edit
MANAGERS = frozenset({MANAGER})
RUNNER_OWN = frozenset({OWNER})


@dataclass(frozen=True)
class Entry:
    """Who may open a URL (actors), and how to build its arguments from the scenario."""

    allowed: frozenset
    kwargs: Callable[[Any], dict]
    public: bool = False  # login not required: a signed link or feed token, not an object id
    body: dict = field(default_factory=dict)  # API: a valid body, so a refusal cannot be a 422
    query: Callable[[Any], dict] | None = None  # pages: a query string that changes who may ask

    def url(self, name: str, s) -> str:
        """The page's URL for the scenario, with its query string if it has one."""
        path = reverse(name, kwargs=self.kwargs(s))
        return f"{path}?{urlencode(self.query(s))}" if self.query else path


def _a(s):
    return s.a


# --- Pages ------------------------------------------------------------------------------------
PAGES: dict[str, Entry] = {
    # Front desk and scheduling.
    "patients:detail": Entry(STAFF, lambda s: {"pk": s.a.patient.pk}),
    "patients:edit": Entry(DESK, lambda s: {"pk": s.a.patient.pk}),
    "patients:referrer_edit": Entry(STAFF, lambda s: {"pk": s.a.patient.pk}),
    "patients:invite": Entry(DESK, lambda s: {"pk": s.a.patient.pk}),
    "patients:waitlist_add": Entry(DESK, lambda s: {"pk": s.a.patient.pk}),
    "patients:appointment": Entry(STAFF, lambda s: {"pk": s.a.appointment.pk}),
    "patients:cancel": Entry(DESK, lambda s: {"pk": s.a.appointment.pk}),
    "patients:status": Entry(DESK, lambda s: {"pk": s.a.appointment.pk}),
    "patients:move": Entry(DESK, lambda s: {"pk": s.a.appointment.pk}),
    "patients:move_review": Entry(
        DESK,
        lambda s: {"pk": s.a.appointment.pk},
        query=lambda s: {"start": (s.a.appointment.start + dt.timedelta(days=1)).isoformat()},
    ),
    "patients:status_undo": Entry(DESK, lambda s: {"pk": s.a.appointment.pk}),
    "patients:freed": Entry(DESK, lambda s: {"pk": s.a.cancelled.pk}),
    "patients:hold_release": Entry(DESK, lambda s: {"pk": s.hold.pk}),
    "patients:waitlist_book": Entry(
        DESK, lambda s: {"entry_pk": s.b.waitlist.pk, "pk": s.a.cancelled.pk}
    ),
    "patients:waitlist_remove": Entry(DESK, lambda s: {"entry_pk": s.a.waitlist.pk}),
    "patients:ics": Entry(STAFF | RUNNER_OWN, lambda s: {"pk": s.a.appointment.pk}),
    "patients:feed": Entry(frozenset(), lambda s: {"token": "not-a-feed-token"}, public=True),
    "patients:accept_invitation": Entry(
        frozenset(), lambda s: {"uidb64": "MQ", "token": "not-a-token"}, public=True
    ),
    "patients:setup": Entry(MANAGERS, lambda s: {"kind": "locations"}),
    "patients:setup_add": Entry(MANAGERS, lambda s: {"kind": "locations"}),
    "patients:setup_edit": Entry(MANAGERS, lambda s: {"kind": "locations", "pk": s.location.pk}),
    "patients:setup_delete": Entry(MANAGERS, lambda s: {"kind": "locations", "pk": s.location.pk}),
    "patients:my_appointment_cancel": Entry(RUNNER_OWN, lambda s: {"pk": s.a.appointment.pk}),
    "patients:my_appointment_reschedule": Entry(RUNNER_OWN, lambda s: {"pk": s.a.appointment.pk}),
    "patients:offer_claim": Entry(frozenset(), lambda s: {"token": "not-an-offer"}, public=True),
    "reminders:link": Entry(frozenset(), lambda s: {"token": "not-a-signed-link"}, public=True),
    "patients:public_book_confirm": Entry(
        frozenset(), lambda s: {"token": "not-a-signed-link"}, public=True
    ),
    "reminders:retry": Entry(DESK, lambda s: {"pk": s.a.reminder.pk}),
    # Screenings.
    "assessments:screening_detail": Entry(THERAPISTS, lambda s: {"pk": s.a.screening.pk}),
    "assessments:screening_review": Entry(THERAPISTS, lambda s: {"pk": s.a.screening.pk}),
    "assessments:screening_acknowledge": Entry(THERAPISTS, lambda s: {"pk": s.a.screening.pk}),
    "assessments:screening_diagnose": Entry(THERAPISTS, lambda s: {"pk": s.a.screening.pk}),
    # Clinical records.
    "assessments:patient_chart": Entry(CLINICIANS, lambda s: {"patient_id": s.a.patient.pk}),
    "assessments:evaluation_new": Entry(THERAPISTS, lambda s: {"patient_id": s.a.patient.pk}),
    # Asked with runner A's draft note: only its author adds a gait analysis to it.
    "assessments:gait_new": Entry(
        NOTE_AUTHOR,
        lambda s: {"patient_id": s.a.patient.pk},
        query=lambda s: {"evaluation": s.a.evaluation.pk},
    ),
    "assessments:gait_compare": Entry(CLINICIANS, lambda s: {"patient_id": s.a.patient.pk}),
    "assessments:clearance_new": Entry(CLINICIANS, lambda s: {"patient_id": s.a.patient.pk}),
    "assessments:outcome_trend": Entry(
        CLINICIANS | RUNNER_OWN, lambda s: {"patient_id": s.a.patient.pk, "instrument": "lefs"}
    ),
    "assessments:outcome_record": Entry(
        THERAPISTS, lambda s: {"patient_id": s.a.patient.pk, "instrument": "lefs"}
    ),
    "assessments:schedule_new": Entry(THERAPISTS, lambda s: {"patient_id": s.a.patient.pk}),
    "assessments:schedule_discharge": Entry(THERAPISTS, lambda s: {"pk": s.a.schedule.pk}),
    "assessments:evaluation_detail": Entry(CLINICIANS, lambda s: {"pk": s.a.evaluation.pk}),
    "assessments:evaluation_edit": Entry(NOTE_AUTHOR, lambda s: {"pk": s.a.evaluation.pk}),
    "assessments:evaluation_sign": Entry(NOTE_AUTHOR, lambda s: {"pk": s.a.evaluation.pk}),
    "assessments:evaluation_addendum": Entry(CLINICIANS, lambda s: {"pk": s.a.evaluation.pk}),
    "assessments:evaluation_history": Entry(CLINICIANS, lambda s: {"pk": s.a.evaluation.pk}),
    "assessments:gait_detail": Entry(CLINICIANS, lambda s: {"pk": s.a.gait.pk}),
    "assessments:gait_edit": Entry(NOTE_AUTHOR, lambda s: {"pk": s.a.gait.pk}),  # in the note
    "assessments:outcome_history": Entry(CLINICIANS, lambda s: {"pk": s.a.outcome.pk}),
    "assessments:my_measure_fill": Entry(
        RUNNER_OWN,
        lambda s: {
            "schedule_id": s.a.schedule.pk,
            "timepoint": s.a.due_timepoint,
            "instrument": s.a.due_instrument,
        },
    ),
    # Attachments: runner A's gait clip, uploaded by THERAPIST and shared with runner A.
    "assessments:attachment_list": Entry(CLINICIANS, lambda s: {"patient_id": s.a.patient.pk}),
    "assessments:attachment_upload": Entry(THERAPISTS, lambda s: {"patient_id": s.a.patient.pk}),
    "assessments:attachment_detail": Entry(CLINICIANS, lambda s: {"pk": s.a.attachment.pk}),
    "assessments:attachment_retry": Entry(THERAPISTS, lambda s: {"pk": s.a.attachment.pk}),
    "assessments:attachment_share": Entry(THERAPISTS, lambda s: {"pk": s.a.attachment.pk}),
    "assessments:attachment_delete": Entry(CLINICIANS, lambda s: {"pk": s.a.attachment.pk}),
    "assessments:attachment_original": Entry(CLINICIANS, lambda s: {"pk": s.a.attachment.pk}),
    "assessments:attachment_playable": Entry(CLINICIANS, lambda s: {"pk": s.a.attachment.pk}),
    "assessments:attachment_poster": Entry(CLINICIANS, lambda s: {"pk": s.a.attachment.pk}),
    "assessments:my_clip_playable": Entry(RUNNER_OWN, lambda s: {"pk": s.a.attachment.pk}),
    "assessments:my_clip_poster": Entry(RUNNER_OWN, lambda s: {"pk": s.a.attachment.pk}),
    # The side-by-side player of runner A's videos, and a measurement marked on the clip.
    "assessments:clip_compare": Entry(CLINICIANS, lambda s: {"patient_id": s.a.patient.pk}),
    "assessments:clip_measure": Entry(THERAPISTS, lambda s: {"pk": s.a.attachment.pk}),
    # Programs.
    "programs:session_morning": Entry(RUNNER_OWN, lambda s: {"pk": s.a.session.pk}),
    "programs:run_morning": Entry(RUNNER_OWN, lambda s: {"pk": s.a.run.pk}),
    "programs:detail": Entry(THERAPISTS, lambda s: {"pk": s.a.program.pk}),
    "programs:settings": Entry(THERAPISTS, lambda s: {"pk": s.a.program.pk}),
    "programs:item_add": Entry(THERAPISTS, lambda s: {"pk": s.a.program.pk}),
    "programs:item_edit": Entry(
        THERAPISTS, lambda s: {"pk": s.a.program.pk, "item_pk": s.a.item.pk}
    ),
    "programs:item_delete": Entry(
        THERAPISTS, lambda s: {"pk": s.a.program.pk, "item_pk": s.a.item.pk}
    ),
    "programs:item_move": Entry(
        THERAPISTS, lambda s: {"pk": s.a.program.pk, "item_pk": s.a.item.pk}
    ),
    "programs:publish": Entry(THERAPISTS, lambda s: {"pk": s.a.program.pk}),
    "programs:end": Entry(THERAPISTS, lambda s: {"pk": s.a.program.pk}),
    "programs:version": Entry(THERAPISTS, lambda s: {"pk": s.a.program.pk, "number": 1}),
    "programs:print": Entry(THERAPISTS, lambda s: {"pk": s.a.program.pk}),
    "programs:suggest": Entry(THERAPISTS, lambda s: {"pk": s.a.program.pk}),
    "programs:suggestion_approve": Entry(
        THERAPISTS, lambda s: {"pk": s.a.program.pk, "suggestion_pk": s.a.suggestion.pk}
    ),
    "programs:suggestion_dismiss": Entry(
        THERAPISTS, lambda s: {"pk": s.a.program.pk, "suggestion_pk": s.a.suggestion.pk}
    ),
    # The exercise library is the clinic's, not a patient's: every clinician reads it.
    "programs:exercise": Entry(
        CLINICIANS | {THERAPIST_ELSEWHERE}, lambda s: {"slug": s.a.item.exercise.slug}
    ),
    # Letters and the runner's record (issue 18): clinicians of the runner's location.
    "records:letter": Entry(CLINICIANS, lambda s: {"pk": s.a.signed_note.pk}),
    "records:patient_pdf": Entry(CLINICIANS, lambda s: {"patient_id": s.a.patient.pk}),
    "records:patient_json": Entry(CLINICIANS, lambda s: {"patient_id": s.a.patient.pk}),
    # Django's own auth pages: a signed reset link, nobody's object.
    "password_reset_confirm": Entry(
        frozenset(), lambda s: {"uidb64": "MQ", "token": "set-password"}, public=True
    ),
    # The manager's reports (clinic-wide figures, no patient's object): nobody else sees them.
    "reports:detail": Entry(MANAGERS, lambda s: {"name": "attendance"}),
}

# The Django admin: our roles are not `is_staff`, so every admin page sends them to its login.
ADMIN_NAMESPACE = "admin"


# --- API operations (by operationId of /api/v1/openapi.json) ---------------------------------
API: dict[str, Entry] = {
    "patients_api_get_patient": Entry(STAFF, lambda s: {"patient_id": s.a.patient.pk}),
    "patients_api_update_patient": Entry(STAFF, lambda s: {"patient_id": s.a.patient.pk}),
    "patients_api_get_appointment": Entry(STAFF, lambda s: {"appointment_id": s.a.appointment.pk}),
    "patients_api_cancel_appointment": Entry(
        STAFF | RUNNER_OWN, lambda s: {"appointment_id": s.a.appointment.pk}
    ),
    "assessments_api_get_screening": Entry(
        THERAPISTS, lambda s: {"screening_id": s.a.screening.pk}
    ),
    "assessments_api_get_evaluation": Entry(
        CLINICIANS, lambda s: {"evaluation_id": s.a.evaluation.pk}
    ),
    "assessments_api_update_evaluation": Entry(
        NOTE_AUTHOR, lambda s: {"evaluation_id": s.a.evaluation.pk}
    ),
    "assessments_api_sign_evaluation": Entry(
        NOTE_AUTHOR, lambda s: {"evaluation_id": s.a.evaluation.pk}
    ),
    "assessments_api_add_addendum": Entry(
        CLINICIANS, lambda s: {"evaluation_id": s.a.evaluation.pk}, body={"text": "Seen again."}
    ),
    "assessments_api_patient_outcome_trend": Entry(
        CLINICIANS | RUNNER_OWN, lambda s: {"patient_id": s.a.patient.pk, "instrument": "lefs"}
    ),
    "programs_api_get_program": Entry(THERAPISTS, lambda s: {"program_id": s.a.program.pk}),
    "programs_api_publish_program": Entry(
        THERAPISTS, lambda s: {"program_id": s.a.program.pk}, body={"note": ""}
    ),
    "programs_api_update_program": Entry(
        THERAPISTS, lambda s: {"program_id": s.a.program.pk}, body={"baseline_pain": 1}
    ),
    # The record as a FHIR R4 Bundle: clinicians who see the chart; never the desk or a runner.
    "dangpt_api_patient_fhir": Entry(CLINICIANS, lambda s: {"patient_id": s.a.patient.pk}),
    "dangpt_api_get_report": Entry(MANAGERS, lambda s: {"name": "attendance"}),
}


# Operations for anyone, without a token (online booking): no session, no patient data.
PUBLIC_API = frozenset(
    {"patients_api_booking_options", "patients_api_public_availability", "patients_api_public_book"}
)


# --- Writes that name runner A in their body (no id in the path) -----------------------------
@dataclass(frozen=True)
class BodyEntry:
    """An API write that takes a patient (and maybe a location) id in its JSON body.

    `body(s, patient_id)` builds a body for the scenario naming that patient. Actors not in
    `allowed` must get the answer an unknown patient id gets (404, or a field error naming
    `patient`); allowed actors must not be refused on the patient or the location.
    """

    method: str
    path: str
    allowed: frozenset
    body: Callable[[Any, int], dict]


def _booking(s, patient_id: int) -> dict:
    start = dt.datetime.combine(
        timezone.localdate() + dt.timedelta(days=30), dt.time(18, 0), tzinfo=dt.UTC
    )
    return {
        "patient": patient_id,
        "therapist": s.therapist.pk,
        "appointment_type": s.kind.pk,
        "start": start.isoformat(),
        "location": s.location.pk,
    }


BODY_WRITES: dict[str, BodyEntry] = {
    "patients_api_book_appointment": BodyEntry("POST", "/appointments", STAFF, _booking),
    "assessments_api_create_evaluation": BodyEntry(
        "POST",
        "/evaluations",
        THERAPISTS,
        lambda s, pk: {"patient": pk, "evaluated_on": timezone.localdate().isoformat()},
    ),
    "assessments_api_create_screening": BodyEntry(
        "POST", "/screenings", THERAPISTS, lambda s, pk: {"patient": pk, "answers": {}}
    ),
    "assessments_api_record_outcome": BodyEntry(
        "POST",
        "/outcomes",
        THERAPISTS,
        lambda s, pk: {"patient": pk, "instrument": "lefs", "answers": {}},
    ),
}


# --- Enumerating the URLconf and the OpenAPI document -----------------------------------------
@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name", or the route text when the pattern has no name
    namespace: str
    route: str
    params: tuple[str, ...]
    pattern: URLPattern

    @property
    def methods(self) -> frozenset[str] | None:
        """The methods the view accepts (from require_http_methods), or None for any."""
        return view_methods(self.pattern.callback)


def _params(pattern) -> list[str]:
    converters = getattr(pattern, "converters", None)
    if converters:
        return list(converters)
    regex = getattr(pattern, "regex", None)
    return list(regex.groupindex) if regex is not None else []


def all_routes() -> list[Route]:
    """Every URL pattern of the project, with its namespace and the arguments it takes."""
    found: list[Route] = []

    def walk(patterns, namespaces: tuple[str, ...], prefix: str, params: tuple[str, ...]):
        for entry in patterns:
            text = prefix + str(entry.pattern)
            here = params + tuple(_params(entry.pattern))
            if isinstance(entry, URLResolver):
                inner = namespaces + ((entry.namespace,) if entry.namespace else ())
                walk(entry.url_patterns, inner, text, here)
            elif isinstance(entry, URLPattern):
                namespace = ":".join(namespaces)
                name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
                found.append(Route(name or text, namespace, text, here, entry))

    walk(get_resolver().url_patterns, (), "", ())
    return found


def id_routes(*, include_api: bool = False) -> list[Route]:
    """Routes that take an argument from the path (an id, slug or token)."""
    return [
        r for r in all_routes() if r.params and (include_api or not r.namespace.startswith("api"))
    ]


def view_methods(view) -> frozenset[str] | None:
    """Read the method list a require_http_methods/require_GET/require_POST wrapper closes over."""
    while view is not None:
        code = getattr(view, "__code__", None)
        if code is not None and "request_method_list" in code.co_freevars:
            cell = view.__closure__[code.co_freevars.index("request_method_list")]
            return frozenset(m.upper() for m in cell.cell_contents)
        view = getattr(view, "__wrapped__", None)
    return None


def api_operations(schema: dict) -> list[dict]:
    """Every operation of the OpenAPI document: operationId, method, path and path params."""
    ops = []
    for path, item in schema["paths"].items():
        for method, op in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            params = [p["name"] for p in op.get("parameters", []) if p.get("in") == "path"]
            ops.append(
                {
                    "operationId": op["operationId"],
                    "method": method.upper(),
                    "path": path,
                    "params": params,
                    "security": op.get("security", None),
                }
            )
    return ops


def fill_path(path: str, values: dict) -> str:
    for key, value in values.items():
        path = path.replace("{" + key + "}", str(value))
    return path


# --- The scenario ----------------------------------------------------------------------------
def _user(role: Role, **fields):
    from tests.factories import UserFactory

    user = UserFactory(**fields)
    user.groups.add(Group.objects.get_or_create(name=role.value)[0])
    return user


def _runner_world(s, *, therapist, index: int) -> SimpleNamespace:
    """One runner with a record of every kind at the scenario's clinic."""
    from assessments.models import OutcomeSource
    from assessments.selectors import due_measures
    from patients.reminders.models import Reminder
    from programs import services as program_services
    from programs.models import ProgressionSuggestion, RunLog, SessionLog
    from tests.assessments.attachment_files import stored_attachment
    from tests.assessments.factories import (
        EvaluationFactory,
        GaitAnalysisFactory,
        OutcomeResultFactory,
        PromScheduleFactory,
        ScreeningFactory,
        lefs_answers,
    )
    from tests.factories import PatientFactory
    from tests.patients.factories import AppointmentFactory, WaitlistEntryFactory
    from tests.programs.factories import program_with_items

    user = _user(Role.RUNNER, username=f"runner-{index}-{s.tag}")
    patient = PatientFactory(
        user=user,
        first_name=user.first_name,
        last_name=user.last_name,
        preferred_location=s.location,
    )
    start = dt.datetime.combine(
        timezone.localdate() + dt.timedelta(days=14 + index), dt.time(17, 0), tzinfo=dt.UTC
    )
    common = {"patient": patient, "location": s.location, "appointment_type": s.kind}
    appointment = AppointmentFactory(therapist=therapist, start=start, **common)
    cancelled = AppointmentFactory(
        therapist=therapist,
        start=start + dt.timedelta(hours=2),
        status="cancelled",
        cancelled_at=timezone.now(),
        **common,
    )
    reminder = Reminder.objects.create(
        patient=patient, appointment=appointment, kind="reminder_24h", due_at=start
    )
    waitlist = WaitlistEntryFactory(patient=patient, appointment_type=s.kind)
    screening = ScreeningFactory(patient=patient)
    evaluation = EvaluationFactory(patient=patient, therapist=therapist)
    gait = GaitAnalysisFactory(patient=patient, therapist=therapist, evaluation=evaluation)
    attachment = stored_attachment(patient, therapist, shared=True, gait_analysis=gait)
    schedule = PromScheduleFactory(
        patient=patient, created_by=therapist, starts_on=timezone.localdate()
    )
    outcome = OutcomeResultFactory(
        patient=patient,
        instrument="lefs",
        answers=lefs_answers(2),
        score=40,
        max_score=80,
        collected_by=therapist,
        source=OutcomeSource.CLINIC,
    )
    program = program_with_items(therapist=therapist, patient=patient, count=2)
    item = program.items.order_by("pk").first()
    program_services.program_item_update(item=item, sets=4)
    program_services.program_publish(program=program, by=therapist, note="Second version")
    program.refresh_from_db()
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    session = program_services.session_log(
        program=program,
        date=yesterday,
        entries=[{"item_id": item.pk, "done": True, "pain_during": 2, "pain_after": 2}],
    )
    run = program_services.run_log(patient=patient, date=yesterday, distance_km=5, duration_min=30)
    dosage = {"sets": 4, "reps": 10, "hold_seconds": None, "load_kg": None, "times_per_week": 3}
    suggestion = ProgressionSuggestion.objects.create(
        program=program,
        item=item,
        action="hold",
        code="test",
        reason="Test suggestion.",
        current_dosage=dosage,
        proposed_dosage=dosage,
    )
    due = list(due_measures(patient=patient))
    signed_note = EvaluationFactory(
        patient=patient,
        therapist=therapist,
        status="signed",
        signed_by=therapist,
        signed_at=timezone.now(),
    )
    return SimpleNamespace(
        signed_note=signed_note,
        user=user,
        patient=patient,
        appointment=appointment,
        cancelled=cancelled,
        reminder=reminder,
        waitlist=waitlist,
        screening=screening,
        evaluation=evaluation,
        gait=gait,
        attachment=attachment,
        schedule=schedule,
        outcome=outcome,
        program=program,
        item=item,
        session=SessionLog.objects.get(pk=session.pk),
        run=RunLog.objects.get(pk=run.pk),
        suggestion=suggestion,
        due_timepoint=due[0].timepoint if due else "baseline",
        due_instrument=due[0].instrument if due else "lefs",
    )


def _online_hold(s):
    """A live online-booking hold at the location, waiting for its runner to confirm."""
    from tests.patients.factories import BookingHoldFactory

    start = dt.datetime.combine(
        timezone.localdate() + dt.timedelta(days=20), dt.time(18, 0), tzinfo=dt.UTC
    )
    return BookingHoldFactory(
        therapist=s.therapist, location=s.location, appointment_type=s.kind, start=start
    )


def build_scenario(tag: str = "m") -> SimpleNamespace:
    """Two runners, two therapists and a front desk at one location, a therapist and a front
    desk at another, and the clinic's manager."""
    from tests.factories import LocationFactory
    from tests.patients.factories import AppointmentTypeFactory
    from tests.programs.factories import staff_at

    s = SimpleNamespace(tag=tag)
    s.location = LocationFactory(name=f"Matrix clinic {tag}", time_zone="America/Los_Angeles")
    s.kind = AppointmentTypeFactory(name=f"Matrix follow-up {tag}", duration_minutes=45)
    s.front_desk = _user(Role.FRONT_DESK, username=f"desk-{tag}")
    s.manager = _user(Role.MANAGER, username=f"manager-{tag}")
    s.therapist = _user(Role.THERAPIST, username=f"therapist-{tag}")
    s.therapist_b = _user(Role.THERAPIST, username=f"therapist-b-{tag}")
    for person in (s.therapist, s.therapist_b, s.front_desk):
        staff_at(person, s.location)
    s.other_location = LocationFactory(name=f"Matrix clinic {tag} east")
    s.therapist_elsewhere = _user(Role.THERAPIST, username=f"therapist-east-{tag}")
    s.front_desk_elsewhere = _user(Role.FRONT_DESK, username=f"desk-east-{tag}")
    for person in (s.therapist_elsewhere, s.front_desk_elsewhere):
        staff_at(person, s.other_location)
    s.a = _runner_world(s, therapist=s.therapist, index=0)
    s.b = _runner_world(s, therapist=s.therapist_b, index=1)
    s.hold = _online_hold(s)
    s.users = {
        FRONT_DESK: s.front_desk,
        THERAPIST: s.therapist,
        THERAPIST_B: s.therapist_b,
        MANAGER: s.manager,
        OWNER: s.a.user,
        OTHER_RUNNER: s.b.user,
        THERAPIST_ELSEWHERE: s.therapist_elsewhere,
        FRONT_DESK_ELSEWHERE: s.front_desk_elsewhere,
    }
    return s
