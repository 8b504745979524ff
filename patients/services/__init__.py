"""Every write of the patients app goes through these keyword-only service functions."""

from patients.services.booking import (
    SlotTaken,
    action_refusal,
    appointment_actions,
    appointment_book,
    appointment_book_series,
    appointment_cancel,
    appointment_check_in,
    appointment_complete,
    appointment_confirm,
    appointment_mark_no_show,
    appointment_reschedule,
    appointment_status_undo,
    conflict_message,
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
from patients.services.offers import (
    offer_claim,
    slot_freed,
    waitlist_offer_send,
    waitlist_offers_unsent,
)
from patients.services.preferences import patient_preferences_save
from patients.services.runner import runner_book_follow_up, runner_cancel, runner_reschedule
from patients.services.setup import (
    booking_settings_save,
    clinic_setup_delete,
    clinic_setup_save,
)
from patients.services.waitlist import waitlist_add, waitlist_book, waitlist_remove

__all__ = [
    "booking_settings_save",
    "offer_claim",
    "runner_book_follow_up",
    "runner_cancel",
    "runner_reschedule",
    "slot_freed",
    "waitlist_offer_send",
    "waitlist_offers_unsent",
    "SlotTaken",
    "action_refusal",
    "appointment_actions",
    "appointment_book",
    "appointment_book_series",
    "appointment_cancel",
    "appointment_check_in",
    "appointment_complete",
    "appointment_confirm",
    "appointment_ics",
    "appointment_mark_no_show",
    "appointment_reschedule",
    "appointment_status_undo",
    "calendar_feed_ics",
    "calendar_feed_reset",
    "calendar_feed_revoke",
    "calendar_feed_therapist",
    "clinic_setup_delete",
    "conflict_message",
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
