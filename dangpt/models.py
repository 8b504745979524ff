"""Cross-cutting models: API tokens, worker heartbeats, the access log, authenticator devices."""

import hashlib
import secrets

import pghistory
import pgtrigger
from django.conf import settings
from django.contrib.auth.models import User
from django.db import models
from django.db.models import Q
from django.utils import timezone

from dangpt.audit.history import no_truncate, track
from dangpt.mfa.models import AuthenticatorDevice  # noqa: F401 - a model of this app

TOKEN_PREFIX = "dgp_"  # noqa: S105 - a public prefix, not a secret


def hash_token(raw: str) -> str:
    """Tokens are stored as SHA-256 digests; the raw value is shown once."""
    return hashlib.sha256(raw.encode()).hexdigest()


def new_raw_token() -> str:
    """A fresh random token with a recognisable prefix."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, user__is_active=True)


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, blank=True)
    key_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(
        max_length=12, help_text="First characters of the token, to tell tokens apart."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    second_factor = models.BooleanField(
        default=False,
        help_text="Made after a verified second factor (or by the operator's command); a token "
        "without it stops working once the account must use two-step sign-in.",
    )
    credential_stamp = models.CharField(
        max_length=64,
        blank=True,
        help_text="Digest of the account's password, roles and authenticator when the token was "
        "made; when they change, the token is revoked.",
    )
    with_authenticator = models.BooleanField(
        default=False,
        help_text="The account had an authenticator when the token was made: removing or "
        "replacing it revokes the token (a first set-up does not).",
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(
                fields=["user"], condition=Q(revoked_at__isnull=True), name="apitoken_active_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.hint}… ({self.user})"


class Heartbeat(models.Model):
    """Last time a background process proved it runs (the beat-scheduled heartbeat task)."""

    name = models.CharField(max_length=50, primary_key=True)
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} at {self.seen_at:%Y-%m-%d %H:%M:%S}"


class AccessKind(models.TextChoices):
    """The kinds of record a chart read can show; the audit page filters on them."""

    CHART = "chart", "Chart"
    PATIENT = "patient", "Patient"
    RUNNING_PROFILE = "running_profile", "Running profile"
    APPOINTMENT = "appointment", "Appointment"
    SCREENING = "screening", "Screening"
    EVALUATION = "evaluation", "Evaluation"
    EVALUATION_LIST = "evaluation_list", "Evaluations of patient"
    EVALUATION_HISTORY = "evaluation_history", "Evaluation history"
    GAIT_ANALYSIS = "gait_analysis", "Gait analysis"
    GAIT_COMPARISON = "gait_comparison", "Gait comparison"
    OUTCOME_TREND = "outcome_trend", "Outcome trend"
    OUTCOME_HISTORY = "outcome_history", "Outcome result history"
    PROGRAM = "program", "Program"
    PROGRAM_VERSION = "program_version", "Program version"
    SESSION_CALENDAR = "session_calendar", "Session calendar"
    RUN_LOG = "run_log", "Run log"
    ATTACHMENT = "attachment", "Attachment"
    LETTER = "letter", "Letter to referrer"
    RECORD_EXPORT = "record_export", "Record download"
    BULK_EXPORT = "bulk_export", "Clinic export (FHIR)"
    # Lists: one row per patient shown, the ids of the records shown in `what`.
    PATIENT_LIST = "patient_list", "Patient list"
    SCHEDULE = "schedule", "Schedule"
    APPOINTMENT_LIST = "appointment_list", "Appointment list"
    SCREENING_LIST = "screening_list", "Screening list"
    OUTCOME_OVERVIEW = "outcome_overview", "Outcome overview"
    PROGRAM_LIST = "program_list", "Program list"
    WAITLIST = "waitlist", "Waitlist"
    ATTACHMENT_LIST = "attachment_list", "Attachment list"
    ADMIN = "admin", "Admin page"


class AccessLogQuerySet(models.QuerySet):
    def with_related(self):
        return self.select_related("user", "patient")


class AccessLog(models.Model):
    """One read of a patient's data: who, which patient, what, when, from where. Append-only.

    Ids and view names only, never names, notes or diagnoses. The foreign keys carry no database
    constraint so a row outlives the user or patient it names (the trail must never be cut).
    """

    created_at = models.DateTimeField(default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    role = models.CharField(max_length=20, blank=True)
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    view = models.CharField(max_length=100, help_text="URL name or API operation.")
    kind = models.CharField(max_length=30, choices=AccessKind.choices, default="", blank=True)
    what = models.CharField(max_length=100, help_text="Object kind and id, e.g. evaluation 12.")
    method = models.CharField(max_length=10)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The audit page lists newest first (-created_at, -id), whole or by patient or user.
            models.Index(fields=["patient", "-created_at", "-id"], name="accesslog_patient_recent"),
            models.Index(fields=["user", "-created_at", "-id"], name="accesslog_user_recent"),
            models.Index(fields=["-created_at", "-id"], name="accesslog_recent"),
        ]
        triggers = [
            pgtrigger.Protect(
                name="accesslog_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            ),
            no_truncate("accesslog_no_truncate"),
        ]

    def __str__(self) -> str:
        return f"{self.view} {self.what} by user {self.user_id} at {self.created_at:%Y-%m-%d %H:%M}"


# auth's tables are tracked through proxy models, so the triggers' migrations stay in this app.
class UserGroupsProxy(User.groups.through):
    class Meta:
        proxy = True


class UserProxy(User):
    class Meta:
        proxy = True


# Role changes: roles are auth groups, so joining or leaving one is a row of the user-group table.
track(
    pghistory.InsertEvent("group.add"),
    pghistory.DeleteEvent("group.remove"),
    obj_field=None,
    model_name="UserGroupEvent",
)(UserGroupsProxy)

# What opens /admin/ or ends an account; never the password or the rest of the user row.
track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    fields=["username", "is_active", "is_staff", "is_superuser"],
    model_name="UserAccessEvent",
)(UserProxy)
