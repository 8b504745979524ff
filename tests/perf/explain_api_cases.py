"""The API calls the EXPLAIN check runs at scale: every GET operation, each of its query filters.

Each case names an OpenAPI path (as the document spells it), the caller (a key of the scale
context built in ``test_explain_at_scale``) and its query. Values in braces are filled from that
context; ``NEXT`` asks for the cursor of the first page of the same call (its ``X-Next-Cursor``).
``test_explain_api_coverage`` fails when a GET operation, or one of its query parameters, has
no case here, so a new operation or filter must come with its EXPLAIN check.
"""

from dataclasses import dataclass, field

NEXT = "<next page>"


@dataclass(frozen=True)
class Case:
    path: str
    who: str
    params: dict = field(default_factory=dict)
    fill: dict = field(default_factory=dict)  # path values of this case, over the context's

    @property
    def label(self) -> str:
        query = "&".join(f"{k}={v}" for k, v in self.params.items())
        path = self.path
        for key, value in self.fill.items():
            path = path.replace("{" + key + "}", str(value))
        return f"GET {path}{'?' + query if query else ''} as {self.who}"


APPOINTMENTS = "/api/v1/appointments"
PATIENTS = "/api/v1/patients"
EVALUATIONS = "/api/v1/evaluations"
REPORT = "/api/v1/reports/{name}"
REPORTS = (
    "attendance",
    "utilization",
    "outcomes",
    "screening-agreement",
    "caseload",
    "adherence",
    "reminders",
)

CASES = [
    Case("/api/v1/me", "desk"),
    # Patient search: the first page, each kind of search text, a full page, the next page.
    Case(PATIENTS, "desk"),
    Case(PATIENTS, "therapist"),
    Case(PATIENTS, "manager"),
    Case(PATIENTS, "desk", {"q": "{surname_part}"}),
    Case(PATIENTS, "desk", {"q": "{full_name}"}),
    Case(PATIENTS, "desk", {"q": "{email_part}"}),
    Case(PATIENTS, "desk", {"q": "{phone_digits}"}),
    Case(PATIENTS, "desk", {"q": "{date_of_birth}"}),
    Case(PATIENTS, "desk", {"limit": 200}),
    Case(PATIENTS, "desk", {"limit": 20, "cursor": NEXT}),
    Case(PATIENTS, "desk", {"q": "{surname_part}", "limit": 2, "cursor": NEXT}),
    Case(PATIENTS, "desk", {"offset": 200}),
    Case("/api/v1/patients/{patient_id}", "desk"),
    Case("/api/v1/therapists", "desk"),
    # Online booking: the caller's token is ignored (anyone may ask).
    Case("/api/v1/public/booking-options", "desk"),
    Case(
        "/api/v1/public/availability",
        "desk",
        {
            "location": "{location_id}",
            "appointment_type": "{appointment_type}",
            "date": "{public_day}",
        },
    ),
    Case(
        "/api/v1/public/availability",
        "desk",
        {
            "location": "{location_id}",
            "appointment_type": "{appointment_type}",
            "date": "{public_day}",
            "therapist": "{therapist_id}",
        },
    ),
    Case("/api/v1/locations", "desk"),
    Case("/api/v1/appointment-types", "desk"),
    Case(
        "/api/v1/availability",
        "therapist",
        {"appointment_type": "{appointment_type}", "date": "{upcoming_day}"},
    ),
    Case(
        "/api/v1/availability",
        "therapist",
        {
            "appointment_type": "{appointment_type}",
            "date": "{upcoming_day}",
            "therapist": "{therapist_id}",
            "location": "{location_id}",
        },
    ),
    # The appointment list: the default window for each staff role, each filter, full and next
    # pages, in today's window and in a busy past month.
    Case(APPOINTMENTS, "desk"),
    Case(APPOINTMENTS, "therapist"),
    Case(APPOINTMENTS, "manager"),
    Case(APPOINTMENTS, "desk", {"date": "{busy_day}"}),
    Case(APPOINTMENTS, "therapist", {"date": "{busy_day}"}),
    Case(APPOINTMENTS, "desk", {"date_from": "{busy_day}"}),
    Case(APPOINTMENTS, "desk", {"date_to": "{busy_day}"}),
    Case(APPOINTMENTS, "desk", {"date_from": "{month_start}", "date_to": "{month_end}"}),
    Case(APPOINTMENTS, "desk", {"therapist": "{therapist_id}"}),
    Case(APPOINTMENTS, "desk", {"therapist": "{therapist_id}", "date": "{busy_day}"}),
    Case(APPOINTMENTS, "desk", {"patient": "{patient_id}"}),
    Case(APPOINTMENTS, "desk", {"patient": "{patient_id}", "date_from": "2000-01-01"}),
    Case(APPOINTMENTS, "desk", {"location": "{location_id}"}),
    Case(APPOINTMENTS, "desk", {"location": "{location_id}", "date": "{busy_day}"}),
    Case(APPOINTMENTS, "desk", {"limit": 500}),
    Case(APPOINTMENTS, "desk", {"cursor": NEXT}),
    Case(APPOINTMENTS, "manager", {"date_from": "{month_start}", "limit": 50, "cursor": NEXT}),
    Case(APPOINTMENTS, "desk", {"offset": 300}),
    Case("/api/v1/appointments/{appointment_id}", "desk"),
    Case("/api/v1/me/appointments", "runner"),
    Case("/api/v1/me/appointments", "runner", {"upcoming": "true"}),
    Case("/api/v1/me/appointments", "runner", {"limit": 1, "cursor": NEXT}),
    Case("/api/v1/screenings/{screening_id}", "therapist"),
    Case(EVALUATIONS, "therapist", {"patient": "{notes_patient_id}"}),
    Case(EVALUATIONS, "manager", {"patient": "{notes_patient_id}", "limit": 1}),
    Case(EVALUATIONS, "therapist", {"patient": "{notes_patient_id}", "limit": 1, "cursor": NEXT}),
    Case("/api/v1/evaluations/{evaluation_id}", "therapist"),
    Case("/api/v1/patients/{patient_id}/outcomes/{instrument}", "therapist"),
    Case("/api/v1/me/outcomes/due", "runner"),
    Case("/api/v1/me/program", "runner"),
    Case("/api/v1/programs/{program_id}", "therapist"),
    Case("/api/v1/patients/{patient_id}/fhir", "therapist"),
    # Each report over its default four weeks, and over a month, at one location, as CSV.
    *(Case(REPORT, "manager", fill={"name": name}) for name in REPORTS),
    *(
        Case(REPORT, "manager", {"from": "{month_start}", "to": "{month_end}"}, {"name": name})
        for name in REPORTS
    ),
    Case(REPORT, "manager", {"location": "{location_id}"}, {"name": "attendance"}),
    Case(REPORT, "manager", {"format": "csv"}, {"name": "utilization"}),
]
