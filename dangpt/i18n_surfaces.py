"""What runners read: the templates and modules whose every string needs Spanish.

The catalogue test (tests/dangpt/test_catalogues.py) extracts each msgid from these files with
Django's own extraction (templatize + xgettext, as makemessages does) and fails when one has no
non-empty, non-fuzzy Spanish msgstr in the project's catalogues, and renders the pages in
RUNNER_PAGES in Spanish looking for English left over.

LEAD: extend these lists when a runner-facing page, email or module is added. PENDING holds
surfaces another branch translates; empty it as those branches are merged (the test fails when a
pending surface turns out to be translated, and when PENDING names a branch not in
PENDING_BRANCHES).
"""

# Glob patterns relative to the project root.
RUNNER_TEMPLATES = (
    # The frame of every page, the language switch and the error pages.
    "templates/base.html",
    "templates/_language_switch.html",
    "templates/404.html",
    "templates/403.html",
    "templates/500.html",
    "templates/dangpt/no_role.html",
    # Signing in, out, password reset and change, throttling.
    "templates/registration/login.html",
    "templates/registration/logged_out.html",
    "templates/registration/password_change_*.html",
    "templates/registration/password_reset_*.html",
    "templates/registration/password_reset_*.txt",
    "templates/registration/throttled.html",
    "templates/registration/locked_out.html",
    # The portal invitation, reminder links, settings, reminder emails.
    "templates/patients/invitation_*.html",
    "templates/patients/reminders/link_*.html",
    "templates/patients/reminders/unsubscribe*.html",
    "templates/patients/reminders/preferences.html",
    "templates/patients/reminders/_appointment_summary.html",
    "templates/patients/email/reminder.*",
    # The runner's portal, questionnaires, record and clips.
    "templates/programs/_nav.html",
    "templates/programs/home.html",
    "templates/programs/_home_body.html",
    "templates/programs/_exercise_card_body.html",
    "templates/programs/session_calendar.html",
    "templates/programs/run_list.html",
    "templates/assessments/questionnaire_fill.html",
    "templates/assessments/questionnaire_sent.html",
    "templates/assessments/_screening_questions.html",
    "templates/assessments/my_clips.html",
    "templates/records/my_record.html",
    "templates/programs/program_print.html",
    "templates/assessments/measure_list.html",
    "templates/assessments/outcome_record.html",
    # Online booking, the runner's own visits, waitlist offers, the pre-visit checklist.
    "templates/_error_summary.html",
    "templates/patients/_public_book_*.html",
    "templates/patients/public_book*.html",
    "templates/patients/email/booking_hold_confirm.txt",
    "templates/patients/_my_visit.html",
    "templates/patients/my_appointment*.html",
    "templates/patients/offer_claim.html",
    "templates/patients/email/waitlist_offer.*",
    "templates/patients/_previsit_banner.html",
    "templates/patients/previsit*.html",
)

# Python modules (paths) whose gettext strings runners read.
RUNNER_MODULES = (
    "dangpt/roles.py",
    "patients/reminders/messages.py",
    "patients/reminders/forms.py",
    "patients/reminders/models.py",
    "patients/services/preferences.py",
    "patients/services/invitations.py",
    "dangpt/wiring/accounts.py",
    "patients/policy.py",
    "patients/services/self_booking.py",
    "patients/services/runner.py",
    "patients/services/offers.py",
    "patients/services/consents.py",
    "patients/consents.py",
    "programs/portal/advice.py",
    "programs/portal/runs.py",
    "programs/dose.py",
    # The default visit type names (AppointmentType.shown_name).
    "patients/models/scheduling.py",
)

# Branches that translate their own runner pages, merged after this one.
PENDING_BRANCHES: frozenset[str] = frozenset()

# Surface (a pattern above) -> the branch that translates it.
PENDING: dict[str, str] = {}
