"""The manager's reports: the registry of each app's report rows, the pages, CSV and the API.

Project wiring, not core: the rows come from ``patients.reports``, ``assessments.reports`` and
``programs.reports``. Every report reads inside ``replica_reads()``, so it reads from the replica
when REPLICA_DATABASE_URL is set.
"""

import csv
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Literal

from django import forms
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET
from ninja import Field, Query, Router, Schema

from assessments import reports as clinical
from dangpt.api import ErrorOut, error_response
from dangpt.replica import replica_reads
from dangpt.reports import Column, ReportQuery, cell, json_value, us_date
from dangpt.roles import Role, role_of, role_required
from patients import reports as scheduling
from patients.models import Location
from programs import reports as programs

DEFAULT_WEEKS = 4
LONGEST = 366  # days in one report: a year at most
EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2100, 12, 31)
TABLE_PAGE = 100


@dataclass(frozen=True)
class Report:
    name: str
    title: str
    summary: str
    columns: list[Column]
    rows: Callable[[ReportQuery], list[dict]]
    chart: Callable[[list[dict]], dict]
    empty: str


REPORTS = {
    report.name: report
    for report in (
        Report(
            "attendance",
            "Attendance",
            "Visits scheduled and attended, no-shows and late cancellations, by week and "
            "therapist. Rates are over the visits scheduled (everything but cancellations made "
            "in good time). Upcoming visits (not started yet) are left out.",
            scheduling.ATTENDANCE_COLUMNS,
            scheduling.attendance_rows,
            scheduling.attendance_chart,
            "No appointments in these dates.",
        ),
        Report(
            "utilization",
            "Utilization",
            "Booked hours over working hours (less time off) per therapist, and the slots freed "
            "by cancellations that a patient on the waitlist took.",
            scheduling.UTILIZATION_COLUMNS,
            scheduling.utilization_rows,
            scheduling.utilization_chart,
            "No working hours or appointments in these dates.",
        ),
        Report(
            "outcomes",
            "Outcomes",
            "Per condition and measure: patients whose latest score in these dates follows an "
            "earlier baseline, the share who improved by at least the measure's minimal "
            "clinically important difference (MCID), and the median improvement.",
            clinical.OUTCOME_COLUMNS,
            clinical.outcome_rows,
            clinical.outcome_chart,
            "No patient has a baseline and a later score in these dates.",
        ),
        Report(
            "screening-agreement",
            "Screening agreement",
            "The screening engine's top condition against the final working diagnosis of the "
            "signed evaluation that followed it, by ruleset version: how the clinic tunes the "
            "screening weights.",
            clinical.AGREEMENT_COLUMNS,
            clinical.agreement_rows,
            clinical.agreement_chart,
            "No evaluation that followed a screening was signed in these dates.",
        ),
        Report(
            "caseload",
            "Caseload",
            "Patients seen and visits attended per therapist.",
            scheduling.CASELOAD_COLUMNS,
            scheduling.caseload_rows,
            scheduling.caseload_chart,
            "No visits attended in these dates.",
        ),
        Report(
            "adherence",
            "Program adherence",
            "Per therapist: active home programs, how many runners logged a session in these "
            "dates, and how many sessions they completed.",
            programs.ADHERENCE_COLUMNS,
            programs.adherence_rows,
            programs.adherence_chart,
            "No active programs or logged sessions in these dates.",
        ),
        Report(
            "reminders",
            "Reminder delivery",
            "Reminders due in these dates, by message and channel: sent, failed, skipped "
            "(appointment cancelled or the runner turned them off) and not sent yet.",
            scheduling.REMINDER_COLUMNS,
            scheduling.reminder_rows,
            scheduling.reminder_chart,
            "No reminders were due in these dates.",
        ),
    )
}
# Query parameter -> form field (``from`` is a Python keyword).
PARAMETERS = {"date_from": "from", "date_to": "to"}


class ReportFilterForm(forms.Form):
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    location = forms.ModelChoiceField(
        Location.objects.order_by("name"), required=False, empty_label="All locations"
    )

    def add_prefix(self, field_name: str) -> str:
        return PARAMETERS.get(field_name, field_name)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        last = data.get("date_to") or timezone.localdate()
        first = data.get("date_from") or last - dt.timedelta(weeks=DEFAULT_WEEKS, days=-1)
        for field, day in (("date_from", first), ("date_to", last)):
            if not EARLIEST <= day <= LATEST:
                self.add_error(field, f"Choose a date from {us_date(EARLIEST)} to "
                               f"{us_date(LATEST)}.")  # fmt: skip
        if first > last:
            self.add_error("date_from", "The start must be on or before the end.")
        elif (last - first).days >= LONGEST:
            self.add_error("date_to", f"Choose at most {LONGEST} days.")
        data["date_from"], data["date_to"] = first, last
        return data

    def query(self) -> ReportQuery:
        location = self.cleaned_data["location"]
        return ReportQuery(
            first=self.cleaned_data["date_from"],
            last=self.cleaned_data["date_to"],
            zone=timezone.get_current_timezone(),
            location_id=location.pk if location else None,
        )

    def errors_by_parameter(self) -> dict[str, list[str]]:
        return {PARAMETERS.get(f, f): list(messages) for f, messages in self.errors.items()}


def _without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return query.urlencode()


def read_rows(report: Report, query: ReportQuery) -> list[dict]:
    """The report's rows, read from the replica when there is one."""
    with replica_reads():
        return report.rows(query)


def defused(text: str) -> str:
    """A cell a spreadsheet would run as a formula, kept as text."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(report: Report, query: ReportQuery) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow([column.label for column in report.columns])
    with replica_reads():
        rows = report.rows(query)
    for row in rows:
        yield writer.writerow(
            [
                defused(cell(row[c.key], c.kind)) if c.kind == "text" else cell(row[c.key], c.kind)
                for c in report.columns
            ]
        )


# Reports name patients and staff: no shared cache or browser disk cache keeps them.
NO_STORE = "no-store, private"


def csv_response(report: Report, query: ReportQuery) -> StreamingHttpResponse:
    """The report as CSV with a header row, streamed row by row."""
    response = StreamingHttpResponse(
        _csv_lines(report, query), content_type="text/csv; charset=utf-8"
    )
    name = f"{report.name}-{query.first.isoformat()}-to-{query.last.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = NO_STORE
    return response


def report_json(report: Report, query: ReportQuery, location: Location | None) -> dict:
    rows = read_rows(report, query)
    return {
        "report": report.name,
        "title": report.title,
        "from": query.first,
        "to": query.last,
        "location": {"id": location.pk, "name": location.name} if location else None,
        "columns": [{"key": c.key, "label": c.label, "kind": c.kind} for c in report.columns],
        "rows": [{c.key: json_value(row[c.key], c.kind) for c in report.columns} for row in rows],
    }


# --- Pages ------------------------------------------------------------------------------------
@require_GET
@role_required(Role.MANAGER)
def report_list(request: HttpRequest) -> HttpResponse:
    """The reports the manager can run."""
    return render(request, "dangpt/report_list.html", {"reports": REPORTS.values()})


@require_GET
@role_required(Role.MANAGER)
def report_detail(request: HttpRequest, name: str) -> HttpResponse:
    """One report as a chart and a table for the chosen dates and location; ?format=csv: CSV."""
    report = REPORTS.get(name)
    if report is None:
        raise Http404
    form = ReportFilterForm(request.GET)
    context = {"report": report, "reports": REPORTS.values(), "form": form}
    if not form.is_valid():
        return render(request, "dangpt/report_detail.html", context, status=400)
    query = form.query()
    if request.GET.get("format") == "csv":
        return csv_response(report, query)
    # The date fields show the dates applied (the default range when none were given).
    location = form.cleaned_data["location"]
    context["form"] = ReportFilterForm(
        initial={"date_from": query.first, "date_to": query.last, "location": location}
    )
    rows = read_rows(report, query)
    chart = report.chart(rows)
    # The chart draws every row; the table shows them a page at a time (the CSV has them all).
    page = Paginator(rows, TABLE_PAGE).get_page(request.GET.get("page"))
    context |= {
        "query": query,
        "location": location,
        "headers": report.columns,
        "page": page,
        "table": [[cell(row[c.key], c.kind) for c in report.columns] for row in page],
        "numeric": [c.kind != "text" for c in report.columns],
        "chart": chart,
        "csv_query": _without_page(request),
    }
    response = render(request, "dangpt/report_detail.html", context)
    response["Cache-Control"] = NO_STORE
    return response


report_urls = (
    [
        path("manager/reports/", report_list, name="list"),
        path("manager/reports/<slug:name>/", report_detail, name="detail"),
    ],
    "reports",
)


# --- API --------------------------------------------------------------------------------------
router = Router(tags=["reports"])


class ReportParams(Schema):
    from_: dt.date | None = Field(None, alias="from", description="First day (ISO date)")
    to: dt.date | None = Field(None, description="Last day (ISO date), inclusive")
    location: int | None = Field(None, description="A location id; all locations without it")
    format: Literal["json", "csv"] = "json"


@router.get(
    "/reports/{name}",
    response={200: dict, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="A manager's report as JSON, or CSV with a header row (format=csv)",
)
def get_report(request, response: HttpResponse, name: str, params: Query[ReportParams]):
    """`attendance`, `utilization`, `outcomes`, `screening-agreement`, `caseload`, `adherence`,
    `reminders` for `from`/`to` (both inclusive; the last four weeks by default) and an optional
    `location`. Managers only; anyone else gets a 404."""
    if role_of(request.user) != Role.MANAGER:
        raise Http404
    report = REPORTS.get(name)
    if report is None:
        raise Http404
    form = ReportFilterForm(request.GET)
    if not form.is_valid():
        return error_response(
            request, 422, "The request has invalid fields.", form.errors_by_parameter()
        )
    if params.format == "csv":
        return csv_response(report, form.query())
    response["Cache-Control"] = NO_STORE
    return report_json(report, form.query(), form.cleaned_data["location"])
