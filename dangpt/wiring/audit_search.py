"""The manager's audit page: search the access log (reads) and the change history (writes).

Project wiring, not core: naming the patient of a change reads the patients and programs models.
"""

import csv
import datetime as dt
import logging
import re
from collections.abc import Iterator

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET
from pghistory.models import Events

from assessments.models import Evaluation
from dangpt.audit import display as say
from dangpt.dates import DayField
from dangpt.models import AccessKind, AccessLog
from dangpt.pagination import CappedPaginator
from dangpt.roles import Role, role_required
from dangpt.wiring.reports import NO_STORE, defused
from patients.models import Patient
from programs.models import Program

logger = logging.getLogger("dangpt.audit")
PAGE_SIZE = 50
MAX_MATCHES = 50  # people a name may match before the search asks for more of it
CSV_ROWS_CAP = 100_000  # rows in one export; narrow the dates for more
CSV_CHUNK = 500
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
    patient = forms.CharField(
        label="Patient",
        max_length=120,
        required=False,
        help_text="Name, or #number from the patient's record",
    )
    user = forms.CharField(
        label="Staff member or runner", max_length=150, required=False, help_text="Name"
    )
    date_from = DayField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = DayField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(
        label="Kind",
        choices=[("", "Any")]
        + [(k, k.capitalize()) for k in EVENT_MODELS]
        + [(k.value, k.label) for k in READ_ONLY_KINDS.values()],
        required=False,
    )

    def clean_patient(self):
        """The ids of the patients the words name (every word in the first or last name)."""
        text = self.cleaned_data["patient"].strip()
        if not text:
            return None
        number = re.fullmatch(r"#?\s*(\d{1,12})", text)
        if number:
            return [int(number.group(1))]
        ids = _ids_matching(Patient.objects.all(), text)
        if not ids:
            raise forms.ValidationError("No patient has that name. Check the spelling.")
        if len(ids) > MAX_MATCHES:
            raise forms.ValidationError(
                f"More than {MAX_MATCHES} patients match. Type more of the name."
            )
        return ids

    def clean_user(self):
        """The ids of the accounts the words name (a username, or first and last name)."""
        text = self.cleaned_data["user"].strip()
        if not text:
            return None
        accounts = get_user_model().objects.all()
        ids = list(accounts.filter(username__iexact=text).values_list("pk", flat=True))
        ids = ids or _ids_matching(accounts, text)
        if not ids:
            raise forms.ValidationError("No account has that name.")
        if len(ids) > MAX_MATCHES:
            raise forms.ValidationError(f"More than {MAX_MATCHES} people match. Type more.")
        return ids


def _ids_matching(rows, text: str) -> list[int]:
    """Ids of the rows whose first or last name contains every word (at most one over the cap,
    so the caller can tell "too many" apart; the trigram indexes serve the search)."""
    for word in text.split()[:4]:
        rows = rows.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    return list(rows.order_by().values_list("pk", flat=True)[: MAX_MATCHES + 1])


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
        rows = rows.filter(patient_id__in=data["patient"])
    if data.get("user"):
        rows = rows.filter(user__in=data["user"])
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


def _patient_events(patient_ids: list[int]) -> Q:
    """Events of the patients' own records and of everything that names them."""
    found = Q(pgh_obj_model="patients.Patient", pgh_obj_id__in=[str(p) for p in patient_ids])
    found |= Q(pgh_data__patient_id__in=patient_ids)
    program_ids = list(
        Program.objects.filter(patient_id__in=patient_ids).values_list("pk", flat=True)
    )
    if program_ids:
        found |= Q(pgh_obj_model__in=PROGRAM_PARTS, pgh_data__program_id__in=program_ids)
    note_ids = list(
        Evaluation.objects.filter(patient_id__in=patient_ids).values_list("pk", flat=True)
    )
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
        rows = rows.filter(pgh_context__user__in=data["user"])
    rows = rows.filter(_within_dates("pgh_created_at", data))
    return rows.order_by("-pgh_created_at", "-pgh_id")


def _describe_changes(events: list) -> list[dict]:
    """Who, which patient and which fields, with one query for users, programs and patients."""
    context_users = {(e.pgh_context or {}).get("user") for e in events} - {None}
    for event in events:
        context_users |= say.user_ids_in(event.pgh_obj_model, event.pgh_diff)
        if event.pgh_obj_model == ROLE_CHANGES:
            context_users.add((event.pgh_data or {}).get("user_id"))
    context_users.discard(None)
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
        context = event.pgh_context or {}
        model = event.pgh_obj_model
        rows.append(
            {
                "event": event,
                "when": say.us_moment(event.pgh_created_at),
                "kind": KIND_OF_MODEL.get(model, "record"),
                "patient_id": patient_id,
                "changes": say.changes(model, event.pgh_diff, users, QUIET_FIELDS),
                "change": say.CHANGE_LABELS.get(event.pgh_label, event.pgh_label.capitalize()),
                "who": say.person(users.get(context.get("user"))) or "System",
                "url": context.get("url", ""),
                "source": say.source(context.get("url", "")),
                "record": _record(event, roles, users),
            }
        )
    names = Patient.objects.in_bulk({r["patient_id"] for r in rows} - {None})
    for row in rows:
        row["patient"] = names.get(row["patient_id"])
    return rows


def _record(event, roles: dict, users: dict) -> str:
    """For a role change, whose role and which; other records are named by kind alone."""
    if event.pgh_obj_model != ROLE_CHANGES:
        return ""
    name = roles.get(event.pgh_data.get("group_id"))
    role = Role(name).label if name else "another group"
    account = say.person(users.get(event.pgh_data.get("user_id"))) or "a removed account"
    return f"of {account}: {role}"


def _describe_reads(reads: list) -> list[dict]:
    """A page of access-log rows in words (users and patients came with the rows)."""
    return [
        {
            "row": read,
            "when": say.us_moment(read.created_at),
            "who": say.person(read.user) or "Unknown account",
            "role": say.role_label(read.role),
            "patient": read.patient,
            "what": AccessKind(read.kind).label if read.kind in AccessKind.values else "Record",
            "channel": "API" if read.view.startswith("api") else "Web app",
            "browser": say.browser(read.user_agent),
        }
        for read in reads
    ]


@require_GET
@role_required(Role.MANAGER)
def audit_search(request: HttpRequest) -> HttpResponse:
    """Search who read which chart, and who changed which record, 50 rows a page; ?format=csv
    exports every matching row."""
    form = AuditSearchForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return render(request, "dangpt/audit_search.html", {"form": form, "page": None})
    data = form.cleaned_data if form.is_bound else {}
    log = data.get("log") or "access"
    if request.GET.get("format") == "csv":
        # The export is itself a read of the trail: who took it, and which log, are kept (ids
        # and names of the filters only, never their values: a name typed is a patient's name).
        logger.info(
            "audit export by user %s: %s, filters %s",
            request.user.pk,
            log,
            ",".join(sorted(k for k, v in data.items() if v)) or "none",
        )
        return _csv_response(log, data)
    if log == "changes":
        page = Paginator(_change_rows(data), PAGE_SIZE).get_page(request.GET.get("page"))
        page.object_list = _describe_changes(list(page.object_list))
    else:
        paginator = CappedPaginator(_access_rows(data), PAGE_SIZE, cap=ROWS_CAP)
        page = paginator.get_page(request.GET.get("page"))
        page.object_list = _describe_reads(list(page.object_list))
    query = request.GET.copy()
    query.pop("page", None)
    query["format"] = "csv"
    context = {"form": form, "page": page, "log": log, "csv_query": query.urlencode()}
    return render(request, "dangpt/audit_search.html", context)


READ_COLUMNS = [
    "When (UTC)",
    "Who",
    "Username",
    "Role",
    "Patient",
    "Patient number",
    "What",
    "Record",
    "Method",
    "Address",
    "Browser",
    "User agent",
]
CHANGE_COLUMNS = [
    "When (UTC)",
    "Who",
    "Patient",
    "Patient number",
    "Record",
    "Record number",
    "Change",
    "Field",
    "From",
    "To",
    "Made in",
    "Path",
]


def _read_lines(data: dict) -> Iterator[list]:
    rows = _access_rows(data)[:CSV_ROWS_CAP].iterator(chunk_size=CSV_CHUNK)
    for read in rows:
        yield [
            read.created_at.isoformat(),
            say.person(read.user),
            read.user.username if read.user else "",
            say.role_label(read.role),
            str(read.patient or ""),
            read.patient_id,
            AccessKind(read.kind).label if read.kind in AccessKind.values else "",
            read.what,
            read.method,
            read.ip_address or "",
            say.browser(read.user_agent),
            read.user_agent,
        ]


def _change_lines(data: dict) -> Iterator[list]:
    rows = _change_rows(data)[:CSV_ROWS_CAP].iterator(chunk_size=CSV_CHUNK)
    chunk = []
    for event in rows:
        chunk.append(event)
        if len(chunk) == CSV_CHUNK:
            yield from _change_chunk(chunk)
            chunk = []
    yield from _change_chunk(chunk)


def _change_chunk(events: list) -> Iterator[list]:
    for row in _describe_changes(events) if events else []:
        event = row["event"]
        start = [
            event.pgh_created_at.isoformat(),
            row["who"],
            str(row["patient"] or ""),
            row["patient_id"] or "",
            f"{row['kind'].capitalize()} {row['record']}".strip(),
            event.pgh_obj_id,
            row["change"],
        ]
        end = [row["source"], row["url"]]
        if not row["changes"]:
            yield [*start, "", "", "", *end]
        for change in row["changes"]:
            yield [*start, change["label"], change["old_full"], change["new_full"], *end]


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_response(log: str, data: dict) -> StreamingHttpResponse:
    """Every matching row as CSV, streamed; cells a spreadsheet would run are kept as text."""
    writer = csv.writer(_Echo())
    header, lines = (
        (CHANGE_COLUMNS, _change_lines(data))
        if log == "changes"
        else (READ_COLUMNS, _read_lines(data))
    )

    def stream():
        yield writer.writerow(header)
        for line in lines:
            yield writer.writerow([defused(str(cell)) for cell in line])

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    name = "audit-changes" if log == "changes" else "audit-chart-reads"
    response["Content-Disposition"] = f'attachment; filename="{name}-{timezone.localdate()}.csv"'
    response["Cache-Control"] = NO_STORE
    return response
