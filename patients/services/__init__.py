"""Every write of the patients app goes through these keyword-only service functions."""

from patients.services.booking import (
    SlotTaken,
    appointment_book,
    appointment_book_series,
    appointment_cancel,
    appointment_check_in,
    appointment_complete,
    appointment_confirm,
    appointment_mark_no_show,
    appointment_reschedule,
)
from patients.services.calendar import (
    appointment_ics,
    calendar_feed_ics,
    calendar_feed_reset,
    calendar_feed_revoke,
    calendar_feed_therapist,
)
from patients.services.intake import (
    normalise_phone,
    patient_duplicates,
    patient_register,
    patient_update,
)
from patients.services.invitations import (
    runner_invitation_accept,
    runner_invitation_check,
    runner_invitation_send,
)
from patients.services.preferences import patient_preferences_save
from patients.services.setup import clinic_setup_delete, clinic_setup_save
from patients.services.waitlist import waitlist_add, waitlist_book, waitlist_remove

__all__ = [
    "SlotTaken",
    "appointment_book",
    "appointment_book_series",
    "appointment_cancel",
    "appointment_check_in",
    "appointment_complete",
    "appointment_confirm",
    "appointment_ics",
    "appointment_mark_no_show",
    "appointment_reschedule",
    "calendar_feed_ics",
    "calendar_feed_reset",
    "calendar_feed_revoke",
    "calendar_feed_therapist",
    "clinic_setup_delete",
    "clinic_setup_save",
    "normalise_phone",
    "patient_duplicates",
    "patient_preferences_save",
    "patient_register",
    "patient_update",
    "runner_invitation_accept",
    "runner_invitation_check",
    "runner_invitation_send",
    "waitlist_add",
    "waitlist_book",
    "waitlist_remove",
]
