"""The manager's audit page: search the access log (reads) and the change history (writes).

Project wiring, not core: naming the patient of a change reads the patients and programs models.
"""

import datetime as dt

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET
from pghistory.models import Events

from assessments.models import Evaluation
from dangpt.models import AccessKind, AccessLog
from dangpt.pagination import CappedPaginator
from dangpt.roles import Role, role_required
from patients.models import Patient
from programs.models import Program

PAGE_SIZE = 50
ROWS_CAP = 5_000  # access-log rows counted for the pager; narrow the search to see older ones

# Object kind -> (event model, tracked model label). The tracked label is what pghistory reports.
EVENT_MODELS = {
    "patient": ("patients.PatientEvent", "patients.Patient"),
    "appointment": ("patients.AppointmentEvent", "patients.Appointment"),
    "evaluation": ("assessments.EvaluationEvent", "assessments.Evaluation"),
    "outcome result": ("assessments.OutcomeResultEvent", "assessments.OutcomeResult"),
    "screening": ("assessments.ScreeningEvent", "assessments.Screening"),
    "gait analysis": ("assessments.GaitAnalysisEvent", "assessments.GaitAnalysis"),
    "addendum": ("assessments.EvaluationAddendumEvent", "assessments.EvaluationAddendum"),
    "measure schedule": ("assessments.PromScheduleEvent", "assessments.PromSchedule"),
    "running profile": ("patients.RunningProfileEvent", "patients.RunningProfile"),
    "consent": ("patients.ConsentEvent", "patients.Consent"),
    "program": ("programs.ProgramEvent", "programs.Program"),
    "program item": ("programs.ProgramItemEvent", "programs.ProgramItem"),
    "program version": ("programs.ProgramVersionEvent", "programs.ProgramVersion"),
    "role": ("dangpt.UserGroupEvent", "dangpt.UserGroupsProxy"),
    "account": ("dangpt.UserAccessEvent", "dangpt.UserProxy"),
}
KIND_OF_MODEL = {tracked: kind for kind, (_, tracked) in EVENT_MODELS.items()}
PROGRAM_PARTS = ("programs.ProgramItem", "programs.ProgramVersion")
NOTE_PARTS = ("assessments.EvaluationAddendum",)
ROLE_CHANGES = "dangpt.UserGroupsProxy"
# Reads of records with no write history here; the other access kinds share a name with a
# change kind above.
READ_ONLY_KINDS = {
    kind.value: kind for kind in AccessKind if kind.label.lower() not in EVENT_MODELS
}
# Bookkeeping columns that change on every save say nothing about what a person changed.
QUIET_FIELDS = {"updated_at"}


class AuditSearchForm(forms.Form):
    log = forms.ChoiceField(
        choices=[("access", "Chart reads"), ("changes", "Changes")], required=False
    )
    patient = forms.IntegerField(label="Patient id", min_value=1, required=False)
    user = forms.CharField(label="Username", max_length=150, required=False)
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    kind = forms.ChoiceField(
        label="Kind",
        choices=[("", "Any")]
        + [(k, k.capitalize()) for k in EVENT_MODELS]
        + [(k.value, k.label) for k in READ_ONLY_KINDS.values()],
        required=False,
    )


def _user_ids(username: str) -> list[int]:
    """Ids of the accounts with this username (any case): one small query, then index lookups."""
    return list(
        get_user_model().objects.filter(username__iexact=username).values_list("pk", flat=True)
    )


def _within_dates(column: str, data: dict) -> Q:
    """From the start of date_from to the end of date_to, local days as instants, so the
    time index serves the range (a ::date cast of the column would read every row)."""
    zone = timezone.get_current_timezone()
    bounds = Q()
    if data.get("date_from"):
        start = dt.datetime.combine(data["date_from"], dt.time.min, tzinfo=zone)
        bounds &= Q(**{f"{column}__gte": start})
    if data.get("date_to"):
        after = dt.datetime.combine(data["date_to"] + dt.timedelta(days=1), dt.time.min, zone)
        bounds &= Q(**{f"{column}__lt": after})
    return bounds


def _access_rows(data: dict):
    rows = AccessLog.objects.with_related()
    if data.get("patient"):
        rows = rows.filter(patient_id=data["patient"])
    if data.get("user"):
        rows = rows.filter(user__in=_user_ids(data["user"]))
    rows = rows.filter(_within_dates("created_at", data))
    if data.get("kind"):
        kind = _access_kind(data["kind"])
        rows = rows.filter(kind=kind) if kind else rows.none()
    return rows.order_by("-created_at", "-id")


def _access_kind(choice: str) -> str | None:
    """The access kind of a search choice: a read-only kind, or the reads of a change kind
    (None for a change kind that is never read on its own, such as a program item)."""
    if choice in READ_ONLY_KINDS:
        return choice
    return next((k.value for k in AccessKind if k.label.lower() == choice), None)


def _patient_events(patient_id: int) -> Q:
    """Events of the patient's own record and of everything that names the patient."""
    found = Q(pgh_obj_model="patients.Patient", pgh_obj_id=str(patient_id))
    found |= Q(pgh_data__patient_id=patient_id)
    program_ids = list(Program.objects.filter(patient_id=patient_id).values_list("pk", flat=True))
    if program_ids:
        found |= Q(pgh_obj_model__in=PROGRAM_PARTS, pgh_data__program_id__in=program_ids)
    note_ids = list(Evaluation.objects.filter(patient_id=patient_id).values_list("pk", flat=True))
    if note_ids:
        found |= Q(pgh_obj_model__in=NOTE_PARTS, pgh_data__evaluation_id__in=note_ids)
    return found


def _change_rows(data: dict):
    kinds = [data["kind"]] if data.get("kind") else list(EVENT_MODELS)
    if not set(kinds) <= set(EVENT_MODELS):
        return Events.objects.none()  # reads only, such as a screening: no write history here
    rows = Events.objects.across(*(EVENT_MODELS[k][0] for k in kinds))
    if data.get("patient"):
        rows = rows.filter(_patient_events(data["patient"]))
    if data.get("user"):
        rows = rows.filter(pgh_context__user__in=_user_ids(data["user"]))
    rows = rows.filter(_within_dates("pgh_created_at", data))
    return rows.order_by("-pgh_created_at", "-pgh_id")


def _describe_changes(events: list) -> list[dict]:
    """Who, which patient and which fields, with one query for users, programs and patients."""
    context_users = {(e.pgh_context or {}).get("user") for e in events} - {None}
    users = get_user_model().objects.in_bulk(context_users)
    program_ids = {e.pgh_data.get("program_id") for e in events if e.pgh_obj_model in PROGRAM_PARTS}
    program_patient = dict(
        Program.objects.filter(pk__in=program_ids - {None}).values_list("pk", "patient_id")
    )
    note_ids = {e.pgh_data.get("evaluation_id") for e in events if e.pgh_obj_model in NOTE_PARTS}
    note_patient = dict(
        Evaluation.objects.filter(pk__in=note_ids - {None}).values_list("pk", "patient_id")
    )
    # The four role groups, always (a lookup only when role changes are on the page would make
    # the page's query count depend on what it shows).
    roles = dict(Group.objects.filter(name__in=Role.values).values_list("pk", "name"))
    rows = []
    for event in events:
        data = event.pgh_data or {}
        if event.pgh_obj_model == "patients.Patient":
            patient_id = data.get("id")
        elif event.pgh_obj_model in PROGRAM_PARTS:
            patient_id = program_patient.get(data.get("program_id"))
        elif event.pgh_obj_model in NOTE_PARTS:
            patient_id = note_patient.get(data.get("evaluation_id"))
        else:
            patient_id = data.get("patient_id")
        fields = sorted(set(event.pgh_diff or {}) - QUIET_FIELDS)
        context = event.pgh_context or {}
        rows.append(
            {
                "event": event,
                "kind": KIND_OF_MODEL.get(event.pgh_obj_model, event.pgh_obj_model),
                "patient_id": patient_id,
                "fields": fields,
                "user": users.get(context.get("user")),
                "url": context.get("url", ""),
                "record": _record(event, roles),
            }
        )
    names = Patient.objects.in_bulk({r["patient_id"] for r in rows} - {None})
    for row in rows:
        row["patient"] = names.get(row["patient_id"])
    return rows


def _record(event, roles: dict) -> str:
    """Which record changed: its id, or for a role change the account and the role."""
    if event.pgh_obj_model != ROLE_CHANGES:
        return f"#{event.pgh_obj_id}"
    name = roles.get(event.pgh_data.get("group_id"))
    role = Role(name).label if name else "another group"
    return f"of user #{event.pgh_data.get('user_id')}: {role}"


@require_GET
@role_required(Role.MANAGER)
def audit_search(request: HttpRequest) -> HttpResponse:
    """Search who read which chart, and who changed which record, 50 rows a page."""
    form = AuditSearchForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    log = data.get("log") or "access"
    if log == "changes":
        page = Paginator(_change_rows(data), PAGE_SIZE).get_page(request.GET.get("page"))
        page.object_list = _describe_changes(list(page.object_list))
    else:
        paginator = CappedPaginator(_access_rows(data), PAGE_SIZE, cap=ROWS_CAP)
        page = paginator.get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "log": log}
    return render(request, "dangpt/audit_search.html", context)
