"""Inviting a runner to the portal: a signed, expiring, single-use link to set a password,
emailed by a Celery worker (patients.tasks.send_runner_invitation)."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes, force_str
from django.utils.http import base36_to_int, urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext

from dangpt.roles import Role
from patients.models import Patient
from patients.services.intake import move_login_email

INVITATION_DAYS = 7
logger = logging.getLogger(__name__)


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Django's reset token (its hash covers the password, so it works once) with its own salt
    and a seven-day lifetime instead of the two hours of a password reset."""

    key_salt = "patients.runner_invitation"
    timeout_seconds = INVITATION_DAYS * 24 * 3600

    def _make_hash_value(self, user, timestamp):
        # Bound to the address the link was mailed to and to an active login: correcting the
        # patient's email or deactivating the login ends every link sent before.
        email = Patient.objects.filter(user_id=user.pk).values_list("email", flat=True).first()
        return f"{super()._make_hash_value(user, timestamp)}{user.is_active}{email or ''}"

    def check_token(self, user, token):
        if not (user and token) or token.count("-") != 1:
            return False
        try:
            ts = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        expected = self._make_token_with_timestamp(user, ts, self.secret)
        if not constant_time_compare(expected, token):
            return False
        return (self._num_seconds(self._now()) - ts) <= self.timeout_seconds


invitation_tokens = InvitationTokenGenerator()


def _portal_user(patient: Patient):
    user_model = get_user_model()
    user = patient.user
    if user and not user.is_active:
        raise ValidationError(
            "This runner's portal login is deactivated; a manager must reactivate it "
            "before an invitation can be sent."
        )
    if user and user.has_usable_password():
        raise ValidationError("This runner already has a portal login.")
    if not patient.email:
        raise ValidationError({"email": "Add the runner's email address before inviting them."})
    if user:
        # A login made before the desk corrected the address follows the address now mailed.
        if user.email.lower() != patient.email:
            move_login_email(patient=patient, old_email=user.email.lower())
            user.refresh_from_db()
        return user
    if user_model.objects.filter(username__iexact=patient.email).exists():
        raise ValidationError({"email": "Another login already uses this email address."})
    user = user_model(
        username=patient.email,
        email=patient.email,
        first_name=patient.first_name,
        last_name=patient.last_name,
    )
    user.set_unusable_password()
    user.save()
    user.groups.add(Group.objects.get_or_create(name=Role.RUNNER.value)[0])
    patient.user = user
    patient.save(update_fields=["user"])
    return user


@transaction.atomic
def runner_invitation_send(*, patient: Patient, by=None) -> str:
    """Create (or reuse) the runner's login without a password and have the set-password link
    emailed by a worker after commit (an SMTP outage delays the email, never the page).

    The task carries the login's id only: the worker makes its own link. Returns a link good
    for the same login (the desk never shows it; tests and scripts may use it).
    """
    patient = (
        Patient.objects.select_for_update(of=("self",)).select_related("user").get(pk=patient.pk)
    )
    user = _portal_user(patient)
    transaction.on_commit(lambda: _enqueue(user.pk))
    return _invitation_link(user)


def _invitation_link(user) -> str:
    path = reverse(
        "patients:accept_invitation",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": invitation_tokens.make_token(user),
        },
    )
    return f"{settings.SITE_URL}{path}"


def _enqueue(user_id: int) -> None:
    from patients.tasks import send_runner_invitation

    try:
        send_runner_invitation.delay(user_id)
    except Exception:  # noqa: BLE001 - the broker away: the desk sends it again, the page stands
        logger.warning("Portal invitation for user %s not queued", user_id)


def runner_invitation_deliver(*, user_id: int) -> str:
    """The worker's part: email a fresh set-password link to a login still without a password.

    "sent"; "skipped" when no longer wanted (password set, login deactivated, no address);
    SMTP and socket errors propagate, so the task tries again later.
    """
    user = get_user_model().objects.filter(pk=user_id, patient__isnull=False).first()
    if user is None or not user.is_active or user.has_usable_password():
        return "skipped"
    patient = Patient.objects.get(user=user)
    if not patient.email:
        return "skipped"
    subject, body = _invitation_email(patient, _invitation_link(user))
    send_mail(subject, body, None, [patient.email])
    return "sent"


def _invitation_email(patient: Patient, link: str) -> tuple[str, str]:
    """The invitation's subject and body, in the runner's language."""
    with translation.override(patient.preferred_language or settings.LANGUAGE_CODE):
        values = {
            "name": patient.first_name,
            "clinic": settings.CLINIC_NAME,
            "days": INVITATION_DAYS,
            "link": link,
        }
        subject = gettext("Your %(clinic)s runner portal") % values
        body = (
            gettext(
                "Hello %(name)s,\n\n%(clinic)s has set up your runner portal, where you will see "
                "your appointments and home exercises.\n\nChoose your password here (the link "
                "works once, for %(days)s days):\n%(link)s\n"
            )
            % values
        )
    return subject, body


def runner_invitation_check(*, uidb64: str, token: str):
    """The invited user if the link is genuine, unused and unexpired; else None."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
        user = get_user_model().objects.get(pk=pk, patient__isnull=False)
    except (ValueError, TypeError, OverflowError, get_user_model().DoesNotExist):
        return None
    return user if invitation_tokens.check_token(user, token) else None


@transaction.atomic
def runner_invitation_accept(*, user, token: str, password: str):
    """Set the runner's password; the link stops working because the password changed.

    A deactivated login stays deactivated: an invitation never reactivates it.
    """
    if not user.is_active:
        raise ValidationError("This portal login is deactivated; please contact the clinic.")
    if not invitation_tokens.check_token(user, token):
        raise ValidationError("This invitation link has expired or was already used.")
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"new_password1": exc.messages}) from exc
    user.set_password(password)
    user.save()
    return user
