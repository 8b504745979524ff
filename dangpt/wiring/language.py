"""The language switch: Django's set_language, and a signed-in runner's choice saved."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from dangpt.roles import Role, role_of
from patients.language import remember_language
from patients.models import Patient
from patients.services import patient_preferences_save


@login_not_required
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Answer in the chosen language from now on; a runner's choice becomes their preference.

    Django's view sets the cookie the LocaleMiddleware reads before sign-in and sends the
    person back to `next` (only a path on this site).
    """
    response = django_set_language(request)
    language = request.POST.get("language")
    if language in dict(settings.LANGUAGES) and role_of(request.user) == Role.RUNNER:
        patient = Patient.objects.filter(user=request.user).first()
        if patient is not None:
            patient_preferences_save(patient=patient, language=language)
            remember_language(request, language)
    return response
