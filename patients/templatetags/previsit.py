"""`{% previsit_banner %}`: the runner's "before your visit" banner, for the runner's home page.

`{% previsit_banner checklist %}` shows a checklist the page already read (the home reads the
next visits once for its own card and the banner); without it, the tag reads it itself.
"""

from django import template

from dangpt.roles import Role, role_of
from patients.models import Patient
from patients.previsit import previsit_banner as checklist_for_banner

register = template.Library()
_READ = object()


@register.inclusion_tag("patients/_previsit_banner.html", takes_context=True)
def previsit_banner(context, checklist=_READ) -> dict:
    """The banner for the signed-in runner; empty for anyone else or when nothing is to do."""
    if checklist is not _READ:
        return {"previsit": checklist}
    request = context.get("request")
    user = getattr(request, "user", None)
    checklist = None
    if user is not None and user.is_authenticated and role_of(user) == Role.RUNNER:
        patient = Patient.objects.filter(user=user).first()
        checklist = checklist_for_banner(patient)
    return {"previsit": checklist}
