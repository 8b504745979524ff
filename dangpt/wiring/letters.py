"""Letters to the referring provider from a signed note, as PDF (issue 18).

A signed initial evaluation becomes an initial evaluation summary, a signed follow-up a progress
note, a signed discharge a discharge summary. The letter needs the note (assessments), the
patient, referrer and letterhead (patients) and the home program (programs): only the wiring
may read all three apps, so it is composed here.
"""

import re
import unicodedata

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from assessments.loaders import get_evaluation_for_user
from assessments.record import letter_content
from dangpt.audit import audit_patient_access
from dangpt.models import AccessKind
from dangpt.roles import CLINICIAN_ROLES, role_required
from dangpt.wiring.pdf import pdf_response
from patients.models import Location, ReferringProvider, phone_for_people
from programs.record import home_program_for_letter

LETTER_FILE_KINDS = {
    "initial": "evaluation-summary",
    "follow_up": "progress-note",
    "discharge": "discharge-summary",
}


def _ascii_words(text: str) -> str:
    """ "José María" -> "Jose-Maria": safe in any download's file name."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "-".join(re.findall(r"[A-Za-z0-9]+", plain))


def letter_filename(patient, kind: str, day) -> str:
    """e.g. "Santos-Riley-evaluation-summary-2026-10-23.pdf" (last name first, ASCII only)."""
    name = "-".join(
        part for part in (_ascii_words(patient.last_name), _ascii_words(patient.first_name)) if part
    )
    words = [name or "patient", LETTER_FILE_KINDS.get(kind, "letter"), day.isoformat()]
    return "-".join(words) + ".pdf"


def letterhead(evaluation) -> Location | None:
    """The clinic location the letter comes from: the visit's, else the runner's home location,
    else the clinic's first active one."""
    if evaluation.appointment_id:
        return evaluation.appointment.location
    if evaluation.patient.preferred_location_id:
        return evaluation.patient.preferred_location
    return Location.objects.filter(is_active=True).order_by("name").first()


@require_GET
@role_required(*CLINICIAN_ROLES)
def evaluation_letter(request: HttpRequest, pk: int) -> HttpResponse:
    """The letter of a signed note as a PDF download; a draft has none (404)."""
    evaluation = get_evaluation_for_user(request, pk, kind=None)
    if not evaluation.is_signed:
        raise Http404("A note has a letter once it is signed.")
    audit_patient_access(
        request, patient_id=evaluation.patient_id, kind=AccessKind.LETTER, ref=evaluation.pk
    )
    patient = evaluation.patient
    location = letterhead(evaluation)
    content = letter_content(evaluation=evaluation)
    signer = evaluation.signed_by
    profile = getattr(signer, "staff_profile", None)
    referrer = ReferringProvider.objects.filter(patient=patient).first()
    context = {
        "letter": content,
        "patient": patient,
        "referrer": referrer,
        # "Dear Dr. Maya Chen," from "Dr. Maya Chen, MD": credentials stay in the address block.
        "salutation": referrer.name.split(",")[0].strip() if referrer else "",
        "location": location,
        "location_phone": phone_for_people(location.phone) if location else "",
        "program": home_program_for_letter(patient=patient, evaluation_id=evaluation.pk),
        "signer_name": signer.get_full_name() or signer.get_username(),
        "signer_title": profile.title if profile else "",
        "today": timezone.localdate(),
    }
    filename = letter_filename(patient, content["kind"], evaluation.evaluated_on)
    return pdf_response(
        "records/letter.html",
        context,
        filename=filename,
        footer="Confidential: protected health information. For the addressee only.",
    )
