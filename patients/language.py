"""Which language a request is answered in: a runner's saved preference, English for staff,
and the browser's language (Django's LocaleMiddleware) before anyone signs in."""

from django.conf import settings
from django.utils import translation

from dangpt.roles import Role, role_of
from patients.models import Patient

SESSION_KEY = "dangpt_language"


def remember_language(request, language: str) -> None:
    """Answer this session in `language` from now on (after sign-in or a change of preference)."""
    request.session[SESSION_KEY] = language
    translation.activate(language)
    request.LANGUAGE_CODE = language


def _saved_language(user) -> str:
    saved = Patient.objects.filter(user=user).values_list("preferred_language", flat=True)
    return saved.first() or settings.LANGUAGE_CODE


class LanguageMiddleware:
    """After authentication: a signed-in person's language wins over the browser's.

    The choice is kept in the session, so the patient row is read once per session.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if role_of(user) != Role.RUNNER:
                # Staff pages are in English; nothing stored, so the session is not rewritten.
                language = settings.LANGUAGE_CODE
            else:
                language = request.session.get(SESSION_KEY)
                if language is None:
                    language = _saved_language(user)
                    request.session[SESSION_KEY] = language
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
