"""The consent texts the front desk reads out or hands over; a wording change bumps the version."""

from patients.models import ConsentKind

CONSENT_TEXTS = {
    ConsentKind.TREATMENT: (
        "2026-01",
        "I agree to assessment and treatment by Dang PT's physical therapists, including "
        "hands-on techniques and exercise, and know I can stop at any time.",
    ),
    ConsentKind.PRIVACY: (
        "2026-01",
        "I have received the notice of privacy practices describing how my health information "
        "is used and protected.",
    ),
    ConsentKind.COMMUNICATIONS: (
        "2026-01",
        "I agree to receive appointment and program reminders by the channels I chose. "
        "Reminders never contain clinical details.",
    ),
}


def version_of(kind: str) -> str:
    """The current version of a consent text."""
    return CONSENT_TEXTS[ConsentKind(kind)][0]
