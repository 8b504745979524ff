"""Loading synthetic data at chain size with COPY, and clearing it (``manage.py seed_scale``)."""

import pghistory.models
import pgtrigger
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.db import connection, transaction

from assessments.models import Evaluation, Screening
from dangpt.audit.database import truncate_allowed
from dangpt.models import AccessLog
from dangpt.tooling.scale import generators as gen
from dangpt.tooling.scale import setup
from dangpt.tooling.scale.copy import Table, reserve_ids
from dangpt.tooling.scale.plan import Plan
from dangpt.tooling.scale.programs import (
    ITEM_FIELDS,
    PROGRAM_FIELDS,
    RUN_FIELDS,
    SESSION_FIELDS,
    VERSION_FIELDS,
    ProgramRows,
)
from patients.models import Appointment, Location, Patient
from programs.models import Program, ProgramItem, ProgramVersion, RunLog, SessionLog
from programs.services import library_load


def reset() -> None:
    """TRUNCATE the clinic's tables, only when the database holds nothing but synthetic data."""
    others = Location.objects.exclude(name__startswith=setup.PREFIX).exists() or (
        get_user_model().objects.exclude(username__startswith=setup.USER_PREFIX).exists()
    )
    if others:
        raise CommandError("This database holds other data than seed_scale's; not resetting it.")
    events = [m._meta.db_table for m in apps.get_models() if issubclass(m, pghistory.models.Event)]
    tables = ["auth_user", "patients_location", "patients_patient", "dangpt_accesslog", *events]
    # Synthetic rows only (checked above): the audit tables' no-truncate triggers let this through.
    with truncate_allowed(), connection.cursor() as cursor:
        # Deferred foreign-key checks still pending in this transaction would block TRUNCATE.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
        # Back to Django's initially-deferred foreign keys (programs and versions refer to each
        # other).
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@transaction.atomic
def load(plan: Plan) -> dict[str, int]:
    """Load the plan's rows with COPY; returns the row count of each table."""
    library_load()
    with pgtrigger.ignore():  # history and protect triggers: a bulk load is not an edit
        therapist_ids, location_ids, types = setup.create(plan)
        ids = {
            "patient": reserve_ids(Patient, plan.patients),
            "appointment": reserve_ids(Appointment, plan.appointments),
            "screening": reserve_ids(Screening, plan.screenings),
            "evaluation": reserve_ids(Evaluation, plan.evaluations),
            "program": reserve_ids(Program, plan.programs),
            "version": reserve_ids(ProgramVersion, plan.programs),
            "item": reserve_ids(ProgramItem, plan.programs * plan.items_per_program),
            "session": reserve_ids(SessionLog, plan.programs * plan.sessions_per_program),
            "run": reserve_ids(RunLog, plan.programs * plan.runs_per_program),
            "access": reserve_ids(AccessLog, plan.access_logs),
        }
        state = gen.State(plan, ids, therapist_ids, location_ids)
        rows = ProgramRows(state)
        items, sessions, runs = (plan.programs * n for n in plan.per_program)
        steps = [
            (Patient, gen.PATIENT_FIELDS, gen.patients(state), plan.patients),
            (
                Appointment,
                gen.APPOINTMENT_FIELDS,
                gen.appointments(state, types),
                plan.appointments,
            ),
            (Screening, gen.SCREENING_FIELDS, gen.screenings(state), plan.screenings),
            (Evaluation, gen.EVALUATION_FIELDS, gen.evaluations(state), plan.evaluations),
            (Program, PROGRAM_FIELDS, rows.programs(), plan.programs),
            (ProgramVersion, VERSION_FIELDS, rows.versions(), plan.programs),
            (ProgramItem, ITEM_FIELDS, rows.items(), items),
            (
                SessionLog,
                SESSION_FIELDS,
                rows.sessions(),
                plan.programs * plan.sessions_per_program,
            ),
            (RunLog, RUN_FIELDS, rows.runs(), runs),
            (AccessLog, gen.ACCESS_FIELDS, gen.access_logs(state), plan.access_logs),
        ]
        counts = {}
        for model, fields, stream, total in steps:
            counts[model._meta.db_table] = Table(model, fields).load(stream, total=total)
    with connection.cursor() as cursor:
        # A bulk load leaves GIN (trigram) entries in each index's pending list, which the
        # planner prices so high it reads the table instead; merge them as VACUUM would.
        cursor.execute(
            "SELECT gin_clean_pending_list(c.oid) FROM pg_class c"
            " JOIN pg_am am ON am.oid = c.relam WHERE am.amname = 'gin' AND c.relkind = 'i'"
        )
        cursor.execute("ANALYZE")
    return counts
