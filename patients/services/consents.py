"""Recording consents: at the desk, or signed electronically by the runner with a typed name.

A consent is recorded once per text version: giving it again for the same version is refused
(and the database refuses it too), and a row, once written, is never changed. A new version of a
text is a new row, asked for again; the row of the old version stays as it was.
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from patients.consents import current_text
from patients.models import Consent, ConsentKind, ConsentMethod, Language, Patient


def _comparable(name: str) -> str:
    """A name for comparison: accents, case and spacing set aside (José ≈ jose)."""
    plain = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


def typed_name_matches(patient: Patient, typed: str) -> bool:
    """Whether a typed signature is the patient's full name (accents, case, spacing aside)."""
    return _comparable(typed) == _comparable(f"{patient.first_name} {patient.last_name}")


def _create(*, patient, text, method, typed_name, address, by) -> Consent:
    try:
        with transaction.atomic():
            return Consent.objects.create(
                patient=patient,
                kind=text.kind,
                text_version=text.version,
                text_sha256=text.sha256,
                language=text.language,
                method=method,
                typed_name=typed_name,
                client_address=address or None,
                given_at=timezone.now(),
                recorded_by=by,
            )
    except IntegrityError as exc:  # a second tab, or a double click, got there first
        raise ValidationError(
            {"kind": _("This consent is already signed for the current text.")}
        ) from exc


def record_desk_consents(*, patient: Patient, kinds, by=None, address: str = "") -> list[Consent]:
    """Record consents given at the desk now (English text); kinds already current are skipped."""
    kinds = list(kinds)
    for kind in kinds:
        if kind not in ConsentKind.values:
            raise ValidationError({"consents": f"Unknown consent '{kind}'."})
    given = set(
        Consent.objects.filter(patient=patient).values_list("kind", "text_version").distinct()
    )
    recorded = []
    for kind in dict.fromkeys(kinds):
        text = current_text(kind, Language.ENGLISH)
        if (kind, text.version) in given:
            continue  # given before for this text: a desk edit never records it again
        recorded.append(
            _create(
                patient=patient,
                text=text,
                method=ConsentMethod.DESK,
                typed_name="",
                address=address,
                by=by,
            )
        )
    return recorded


@transaction.atomic
def consent_sign(
    *,
    patient: Patient,
    kind: str,
    language: str,
    shown_sha256: str,
    typed_name: str,
    address: str = "",
    by=None,
) -> Consent:
    """The runner signs the current text of a consent, as shown to them, with their typed name."""
    if kind not in ConsentKind.values:
        raise ValidationError({"kind": _("Unknown consent.")})
    patient = Patient.objects.select_for_update().get(pk=patient.pk)
    text = current_text(kind, language)
    if shown_sha256 != text.sha256:
        raise ValidationError(
            {"kind": _("The text of this consent has changed. Please read it again and sign.")}
        )
    typed_name = " ".join((typed_name or "").split())
    if not typed_name:
        raise ValidationError({"typed_name": _("Type your full name to sign.")})
    if not typed_name_matches(patient, typed_name):
        raise ValidationError(
            {
                "typed_name": _("Type your full name as the clinic has it: %(name)s.")
                % {"name": f"{patient.first_name} {patient.last_name}"}
            }
        )
    if Consent.objects.filter(patient=patient, kind=kind, text_version=text.version).exists():
        raise ValidationError({"kind": _("This consent is already signed for the current text.")})
    return _create(
        patient=patient,
        text=text,
        method=ConsentMethod.ELECTRONIC,
        typed_name=typed_name,
        address=address,
        by=by,
    )
