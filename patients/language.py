"""Which language a request is answered in: a runner's saved preference, English for staff,
and the browser's language (Django's LocaleMiddleware) before anyone signs in."""

from django.conf import settings
from django.utils import translation

from dangpt.roles import Role, role_of

SESSION_KEY = "dangpt_language"


def _saved_language(user) -> str:
    from patients.models import Patient

    saved = Patient.objects.filter(user=user).values_list("preferred_language", flat=True)
    return saved.first() or settings.LANGUAGE_CODE


def remember_language(request, language: str) -> None:
    """Answer this session in `language` from now on (after a change of preference)."""
    request.session[SESSION_KEY] = language
    translation.activate(language)
    request.LANGUAGE_CODE = language


def on_sign_in(sender, request, user, **kwargs) -> None:
    """Keep a runner's language in the session at sign-in (the session is being saved then)."""
    if request is not None and role_of(user) == Role.RUNNER:
        request.session[SESSION_KEY] = _saved_language(user)


def language_of(request) -> str:
    """A signed-in person's language: the runner's saved preference; staff read English."""
    if role_of(request.user) != Role.RUNNER:
        return settings.LANGUAGE_CODE
    language = request.session.get(SESSION_KEY)
    if language is None:  # a session from before the preference existed: read, do not write
        language = _saved_language(request.user)
    return language


class LanguageMiddleware:
    """After authentication: a signed-in person's language wins over the browser's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = language_of(request)
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
