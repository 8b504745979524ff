"""The consent texts, word for word in each language the runner can read them in.

A change of wording is a new version (the key of the dict): the runner is asked again, and the
consents given for the old version stay as they were. The Spanish is a faithful translation of
the English of the same version; what a consent records is the SHA-256 of the exact text shown.
"""

import hashlib
from dataclasses import dataclass

from patients.models import ConsentKind, Language

CONSENT_TEXTS: dict[ConsentKind, tuple[str, dict[str, str]]] = {
    ConsentKind.TREATMENT: (
        "2026-01",
        {
            Language.ENGLISH: (
                "I agree to assessment and treatment by Dang PT's physical therapists, including "
                "hands-on techniques and exercise, and know I can stop at any time."
            ),
            Language.SPANISH: (
                "Acepto la evaluación y el tratamiento por los fisioterapeutas de Dang PT, "
                "incluidas las técnicas manuales y el ejercicio, y sé que puedo detenerlo en "
                "cualquier momento."
            ),
        },
    ),
    ConsentKind.PRIVACY: (
        "2026-01",
        {
            Language.ENGLISH: (
                "I have received the notice of privacy practices describing how my health "
                "information is used and protected."
            ),
            Language.SPANISH: (
                "He recibido el aviso de prácticas de privacidad que describe cómo se usa y se "
                "protege mi información de salud."
            ),
        },
    ),
    ConsentKind.COMMUNICATIONS: (
        "2026-01",
        {
            Language.ENGLISH: (
                "I agree to receive appointment and program reminders by the channels I chose. "
                "Reminders never contain clinical details."
            ),
            Language.SPANISH: (
                "Acepto recibir recordatorios de citas y del programa por los medios que elegí. "
                "Los recordatorios nunca contienen detalles clínicos."
            ),
        },
    ),
}


@dataclass(frozen=True)
class ConsentText:
    """One consent's current wording in one language, with its fingerprint."""

    kind: str
    version: str
    language: str
    text: str

    @property
    def sha256(self) -> str:
        return fingerprint(self.text)


def fingerprint(text: str) -> str:
    """SHA-256 (hex) of the exact text, as UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def version_of(kind: str) -> str:
    """The current version of a consent text."""
    return CONSENT_TEXTS[ConsentKind(kind)][0]


def language_for(language: str | None) -> str:
    """The consent language to show: the one asked for when it exists, else English."""
    code = (language or "").split("-")[0].lower()
    return code if code in Language.values else Language.ENGLISH


def current_text(kind: str, language: str | None = None) -> ConsentText:
    """The current wording of a consent in a language (English when the language is unknown)."""
    version, texts = CONSENT_TEXTS[ConsentKind(kind)]
    code = language_for(language)
    return ConsentText(
        kind=ConsentKind(kind).value, version=version, language=code, text=texts[code]
    )


def current_versions() -> dict[str, str]:
    """Each consent kind with its current version."""
    return {kind.value: version for kind, (version, _) in CONSENT_TEXTS.items()}
