"""Range tests for each clinical number: the table, every form, API and service path, the database.

Each key of dangpt/clinical_ranges.py is tried below its minimum, above its maximum and (when it
must be whole) with a fraction: refused with the plain message; its two bounds are accepted.
"""

from decimal import Decimal

import pghistory.models
import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from assessments import exam as exam_fields
from assessments.forms import EvaluationForm, GaitAnalysisForm
from assessments.models import GAIT_NUMBERS, Evaluation, GaitAnalysis
from assessments.screening.questions import QUESTIONS
from assessments.services import gait_create
from dangpt.clinical_ranges import RANGES, RangeCheck
from dangpt.services import api_token_create
from dangpt.staff_units import miles_bound
from patients.forms import RunningProfileForm
from patients.models import RunningProfile
from programs import services as program_services
from programs.forms import ItemAddForm, ItemForm, ProgramSettingsForm
from programs.models import ITEM_RANGES, Program, ProgramItem
from tests.assessments.factories import EvaluationFactory, GaitAnalysisFactory
from tests.factories import PatientFactory
from tests.programs.factories import program_with_items

# Numeric fields of the clinical apps, by model, that the table covers as "<prefix>.<field>".
COVERED = {
    "patients.RunningProfile": "running_profile",
    "assessments.Evaluation": "evaluation",
    "assessments.GaitAnalysis": "gait",
    "programs.Program": "program",
    "programs.ProgramItem": "program_item",
}
# Numeric fields that are not a clinical number a staff member types, each with the reason.
EXEMPT = {
    "patients.WorkingHours.weekday": "a day chosen from a list (database check 0-6)",
    "patients.AppointmentType.duration_minutes": "scheduling, not clinical (form and check)",
    "patients.BookingPolicy.horizon_days": "booking policy, not clinical",
    "patients.BookingPolicy.min_notice_hours": "booking policy, not clinical",
    "patients.BookingPolicy.cancel_cutoff_hours": "booking policy, not clinical",
    "patients.BookingPolicy.reschedule_cutoff_hours": "booking policy, not clinical",
    "patients.BookingPolicy.hold_minutes": "booking policy, not clinical",
    "patients.Reminder.attempts": "a counter the system keeps",
    "assessments.Attachment.size_bytes": "read from the uploaded file",
    "assessments.Attachment.processing_attempts": "a counter the system keeps",
    "assessments.Attachment.duration_s": "read from the video by ffprobe",
    "assessments.Attachment.frame_rate": "read from the video by ffprobe",
    "assessments.Attachment.width": "read from the video by ffprobe",
    "assessments.Attachment.height": "read from the video by ffprobe",
    "assessments.ClipMeasurement.time_s": "checked against the clip's own length",
    "assessments.ClipMeasurement.value": "computed on the server from marks; the gait range "
    "applies when it fills the record (test_clip_value_outside_the_gait_range_is_refused)",
    "assessments.OutcomeResult.score": "computed by the PROM scoring from chosen answers",
    "assessments.OutcomeResult.max_score": "from the instrument's definition",
    "programs.ProgramTemplate.duration_weeks": "library data the manager loads, not typed",
    "programs.TemplateItem.phase": "library data the manager loads, not typed",
    "programs.TemplateItem.order": "a position the system numbers",
    "programs.ProgramItem.order": "a position the system numbers",
    "programs.ProgramVersion.number": "numbered by the system",
    "programs.ProgramVersion.phase": "copied from the program",
    "programs.SessionEntry.pain_during": "the runner's own log (choices 0-10, database check)",
    "programs.SessionEntry.pain_after": "the runner's own log (choices 0-10, database check)",
    "programs.SessionEntry.next_morning_pain": "the runner's own log (choices 0-10, check)",
    "programs.RunLog.distance_km": "the runner's own log (runner portal's checks)",
    "programs.RunLog.duration_min": "the runner's own log (runner portal's checks)",
    "programs.RunLog.rpe": "the runner's own log (choices 1-10, database check)",
    "programs.RunLog.pain_during": "the runner's own log (choices 0-10, database check)",
    "programs.RunLog.pain_after": "the runner's own log (choices 0-10, database check)",
    "programs.RunLog.next_morning_pain": "the runner's own log (choices 0-10, database check)",
}


def _numeric_fields():
    for model in apps.get_models():
        if model._meta.app_label not in ("patients", "assessments", "programs"):
            continue
        if issubclass(model, pghistory.models.Event):
            continue  # history copies of the tracked models
        for field in model._meta.concrete_fields:
            numeric = isinstance(field, models.IntegerField | models.DecimalField)
            if numeric and not isinstance(field, models.AutoField) and not field.is_relation:
                yield model, field


def test_every_numeric_clinical_field_has_a_range_or_a_reason():
    """A new numeric field in a clinical app fails here until it has a range or a stated reason."""
    missing = []
    for model, field in _numeric_fields():
        name = f"{model._meta.label}.{field.name}"
        prefix = COVERED.get(model._meta.label)
        if name in EXEMPT:
            continue
        if prefix is None or f"{prefix}.{field.name}" not in RANGES:
            missing.append(name)
    assert missing == []


def test_every_covered_field_has_its_database_check():
    """Each ranged model field has a RangeCheck: the database refuses what skips validation."""
    for model, field in _numeric_fields():
        prefix = COVERED.get(model._meta.label)
        if prefix is None or f"{model._meta.label}.{field.name}" in EXEMPT:
            continue
        checks = [c for c in model._meta.constraints if isinstance(c, RangeCheck)]
        assert f"{prefix}.{field.name}" in {c.key for c in checks}, field.name


def test_exam_and_screening_numbers_have_ranges():
    """The JSON exam's measures and the screening's numeric answers each have a range."""
    for group, rows in (("rom", exam_fields.ROM), ("strength", exam_fields.STRENGTH)):
        for key, _label in rows:
            assert f"exam.{group}.{key}" in RANGES
    numeric = [q for q in QUESTIONS if q["type"] in ("integer", "number")]
    assert numeric
    for question in numeric:
        # The engine cannot import the table (it runs without Django): the bounds must agree.
        spec = RANGES[f"screening.{question['key']}"]
        assert (question["min"], question.get("max")) == (spec.low, spec.high), question["key"]
        assert (question["type"] == "integer") == spec.whole, question["key"]


# --- Values to try -----------------------------------------------------------------------------


# Kept in km (km/h), typed on staff forms in miles (mph): range key → form field name. Their
# forms refuse and accept by the range in miles (dangpt.staff_units), which keeps the km range.
STAFF_MILES = {
    "gait.speed_kmh": "speed_mph",
    "gait.shoe_km": "shoe_miles",
    "running_profile.weekly_km": "weekly_miles",
    "running_profile.longest_run_km_30d": "longest_run_miles_30d",
    "running_profile.shoes_km": "shoes_miles",
}


def _form_spec(key):
    """The range a staff form checks: the table's, or its miles version."""
    if key in STAFF_MILES:
        return miles_bound(key, per_hour=key == "gait.speed_kmh")
    return RANGES[key]


def _form_name(key) -> str:
    """The form field's name of the number (without the note's "profile_" prefix)."""
    return STAFF_MILES.get(key, key.split(".", 1)[1])


def _refused(key, spec=None):
    """(value, expected message) pairs that must be refused."""
    spec = spec or RANGES[key]
    step = 1 if spec.whole else 0.5
    cases = [(spec.low - step, spec.range_message)]
    if spec.high is not None:
        cases.append((spec.high + step, spec.range_message))
    if spec.whole:
        cases.append((spec.low + 0.5, spec.whole_message))
    return cases


def _accepted(key, spec=None):
    spec = spec or RANGES[key]
    return [spec.low] if spec.high is None else [spec.low, spec.high]


def _cases(keys, staff=False):
    return [
        pytest.param(key, value, message, id=f"{key}={value}")
        for key in keys
        for value, message in _refused(key, _form_spec(key) if staff else None)
    ]


def _bounds(keys, staff=False):
    return [
        pytest.param(key, value, id=f"{key}={value}")
        for key in keys
        for value in _accepted(key, _form_spec(key) if staff else None)
    ]


def test_messages_are_plain_words():
    """The range and whole-number messages read as sentences with the unit."""
    assert RANGES["exam.rom.knee_flexion_deg"].range_message == (
        "Knee flexion must be between 0° and 160°."
    )
    assert RANGES["program_item.reps"].whole_message == "Reps must be a whole number."
    assert RANGES["gait.cadence_spm"].range_message == (
        "Cadence must be between 100 steps/min and 260 steps/min."
    )


@pytest.mark.parametrize(("key", "value", "message"), _cases(RANGES))
def test_table_refuses(key, value, message):
    """Each range refuses a value below, above, or a fraction where it must be whole."""
    assert RANGES[key].problem(value) == message
    assert RANGES[key].problem(Decimal(str(value))) == message


@pytest.mark.parametrize(("key", "value"), _bounds(RANGES))
def test_table_accepts_bounds(key, value):
    """Both bounds are inside the range (also as the Decimal a form gives)."""
    assert RANGES[key].problem(value) is None
    assert RANGES[key].problem(Decimal(str(value))) is None


# --- Forms ------------------------------------------------------------------------------------

EXAM_KEYS = [k for k in RANGES if k.startswith("exam.")]
PROFILE_KEYS = [k for k in RANGES if k.startswith("running_profile.")]
PLAN_KEYS = ["evaluation.visits_per_week", "evaluation.plan_weeks"]
GAIT_KEYS = [f"gait.{name}" for name in GAIT_NUMBERS]
PROGRAM_KEYS = ["program.baseline_pain", "program.current_phase", "program.walk_run_stage"]
ITEM_KEYS = [f"program_item.{name}" for name in ITEM_RANGES]


def _form_for(key, value, patient):
    """The staff form that asks this number, bound to the value, and the field's name."""
    group, name = key.split(".", 1)
    if group == "exam":
        part, measure = name.split(".")
        field = f"{part}_{measure}_left"
        return EvaluationForm({field: str(value)}, patient=patient), field
    if group == "evaluation":
        return EvaluationForm({name: str(value)}, patient=patient), name
    if group == "gait":
        name = _form_name(key)
        return GaitAnalysisForm({name: str(value)}), name
    if group == "program":
        return ProgramSettingsForm({name: str(value)}), name
    if group == "program_item":
        return ItemForm({name: str(value)}, instance=ProgramItem()), name
    raise AssertionError(key)


FORM_KEYS = EXAM_KEYS + PLAN_KEYS + GAIT_KEYS + PROGRAM_KEYS + ITEM_KEYS


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "value", "message"), _cases(FORM_KEYS, staff=True))
def test_form_refuses(key, value, message):
    """The staff form refuses the value at its field with the table's message (in miles for
    distances and speeds)."""
    form, field = _form_for(key, value, PatientFactory())
    assert not form.is_valid()
    assert form.errors[field] == [message]
    spec = _form_spec(key)
    attrs = form.fields[field].widget.attrs
    assert (attrs["min"], attrs.get("max")) == (spec.low, spec.high)


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "value"), _bounds(FORM_KEYS, staff=True))
def test_form_accepts_bounds(key, value):
    """Both bounds pass the field."""
    form, field = _form_for(key, value, PatientFactory())
    form.is_valid()
    assert field not in form.errors


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "value", "message"), _cases(PROFILE_KEYS, staff=True))
def test_running_profile_forms_refuse(key, value, message):
    """Intake's running profile and the note's snapshot of it refuse the same values alike."""
    name = _form_name(key)
    intake = RunningProfileForm({name: str(value)})
    assert not intake.is_valid() and intake.errors[name] == [message]
    note = EvaluationForm({f"profile_{name}": str(value)}, patient=PatientFactory())
    if f"profile_{name}" in note.fields:  # the note's form shows the training numbers only
        assert not note.is_valid() and note.errors[f"profile_{name}"] == [message]


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "value"), _bounds(PROFILE_KEYS, staff=True))
def test_running_profile_forms_accept_bounds(key, value):
    """Both bounds pass intake's form and the note's snapshot."""
    name = _form_name(key)
    intake = RunningProfileForm({name: str(value)})
    intake.is_valid()
    assert name not in intake.errors
    note = EvaluationForm({f"profile_{name}": str(value)}, patient=PatientFactory())
    note.is_valid()
    assert f"profile_{name}" not in note.errors


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "value", "message"), _cases(["program_item.phase"]))
def test_item_add_form_refuses_phase(key, value, message):
    """Adding an exercise to a phase checks the phase as editing it does."""
    form = ItemAddForm({"phase": str(value)})
    assert not form.is_valid() and form.errors["phase"] == [message]


# --- API --------------------------------------------------------------------------------------


def _api(client, user, method, url, data):
    _, token = api_token_create(user=user, name="t", second_factor=True)
    return getattr(client, method)(
        url,
        data=data,
        headers={"Authorization": f"Bearer {token}"},
        content_type="application/json",
    )


def _evaluation_body(key, value, patient) -> tuple[dict, str]:
    group, name = key.split(".", 1)
    body = {"patient": patient.pk, "evaluated_on": "2026-03-02"}
    if group == "exam":
        part, measure = name.split(".")
        body["exam"] = {part: {measure: {"left": value}}}
        return body, f"exam.{part}.{measure}.left"
    if group == "running_profile":
        body["running_profile"] = {name: value}
        return body, f"running_profile.{name}"
    body[name] = value
    return body, name


EVALUATION_API_KEYS = EXAM_KEYS + PROFILE_KEYS + PLAN_KEYS


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "value", "message"), _cases(EVALUATION_API_KEYS))
def test_evaluation_api_refuses(key, value, message, therapist, client):
    """POST /api/v1/evaluations refuses the value with the form's message at the field."""
    body, field = _evaluation_body(key, value, PatientFactory())
    response = _api(client, therapist, "post", "/api/v1/evaluations", body)
    assert response.status_code in (400, 422), response.content
    assert response.json()["errors"][field] == [message]
    assert not Evaluation.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "value"), _bounds(EVALUATION_API_KEYS))
def test_evaluation_api_accepts_bounds(key, value, therapist, client):
    """Both bounds are stored."""
    body, _field = _evaluation_body(key, value, PatientFactory())
    response = _api(client, therapist, "post", "/api/v1/evaluations", body)
    assert response.status_code == 201, response.content


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "value", "message"), _cases(PROFILE_KEYS))
def test_patient_api_refuses_running_profile(key, value, message, front_desk, client):
    """Registering through the API refuses the running profile's numbers as intake does."""
    name = key.split(".", 1)[1]
    body = {
        "first_name": "Ana",
        "last_name": "Ruiz",
        "date_of_birth": "1990-01-01",
        "running_profile": {name: value},
    }
    response = _api(client, front_desk, "post", "/api/v1/patients", body)
    assert response.status_code == 422, response.content
    assert response.json()["errors"][f"running_profile.{name}"] == [message]


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "value", "message"), _cases(PROGRAM_KEYS))
def test_program_api_refuses(key, value, message, therapist, client):
    """PATCH /api/v1/programs/{id} refuses the settings with the form's message."""
    program = program_with_items(therapist=therapist, patient=PatientFactory(), publish=False)
    name = key.split(".", 1)[1]
    response = _api(client, therapist, "patch", f"/api/v1/programs/{program.pk}", {name: value})
    assert response.status_code == 422, response.content
    assert response.json()["errors"][name] == [message]


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "value"), _bounds(PROGRAM_KEYS))
def test_program_api_accepts_bounds(key, value, therapist, client):
    """Both bounds are saved (stage past 0 only while running is allowed, as here)."""
    program = program_with_items(therapist=therapist, patient=PatientFactory(), publish=False)
    name = key.split(".", 1)[1]
    response = _api(client, therapist, "patch", f"/api/v1/programs/{program.pk}", {name: value})
    assert response.status_code == 200, response.content
    program.refresh_from_db()
    assert getattr(program, name) == value


SCREENING_KEYS = [k for k in RANGES if k.startswith("screening.")]


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "value", "message"), _cases(SCREENING_KEYS))
def test_screening_api_refuses(key, value, message, therapist, client):
    """The screening API refuses numeric answers outside the table's range, naming the field."""
    from tests.assessments.factories import knee_answers

    name = key.split(".", 1)[1]
    body = {"patient": PatientFactory().pk, "answers": knee_answers(**{name: value})}
    response = _api(client, therapist, "post", "/api/v1/screenings", body)
    assert response.status_code in (400, 422), response.content
    assert any(name in field for field in response.json()["errors"])


# --- Services ---------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "value", "message"), _cases(GAIT_KEYS))
def test_gait_service_refuses(key, value, message, therapist):
    """gait_create (every path's writer) refuses the value at its field."""
    name = key.split(".", 1)[1]
    fields = {"recorded_on": "2026-03-02", "surface": "treadmill", "speed_kmh": 10, name: value}
    with pytest.raises(ValidationError) as refused:
        gait_create(patient=PatientFactory(), therapist=therapist, fields=fields)
    assert refused.value.message_dict[name] == [message]
    assert not GaitAnalysis.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "value", "message"), _cases(ITEM_KEYS))
def test_item_service_refuses(key, value, message, therapist):
    """program_item_update refuses the dose value at its field; the item keeps its dose."""
    program = program_with_items(therapist=therapist, patient=PatientFactory(), count=1)
    item = program.items.get()
    name = key.split(".", 1)[1]
    with pytest.raises(ValidationError) as refused:
        program_services.program_item_update(item=item, **{name: value})
    assert refused.value.message_dict[name] == [message]
    item.refresh_from_db()
    assert getattr(item, name) != value


# --- Database ---------------------------------------------------------------------------------


def _rows(therapist):
    program = program_with_items(therapist=therapist, patient=PatientFactory(), count=1)
    patient = PatientFactory()
    return {
        RunningProfile: RunningProfile.objects.create(patient=patient),
        Evaluation: EvaluationFactory(patient=patient, therapist=therapist),
        GaitAnalysis: GaitAnalysisFactory(patient=patient, therapist=therapist),
        Program: program,
        ProgramItem: program.items.get(),
    }


@pytest.mark.django_db
def test_database_refuses_what_skips_validation(therapist):
    """An UPDATE past a range (no model validation) fails on each range check."""
    rows = _rows(therapist)
    for model, row in rows.items():
        for check in (c for c in model._meta.constraints if isinstance(c, RangeCheck)):
            with pytest.raises(IntegrityError), transaction.atomic():
                model.objects.filter(pk=row.pk).update(**{check.field: RANGES[check.key].high + 1})
