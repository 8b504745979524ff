"""The current page in the menus: ``<a href="…"{% nav_current "app:route" %}>``.

A page belongs to the menu section of the nearest route at or above its path: ``/clinical/
patients/7/outcomes/lefs/`` resolves, shortening the path one segment at a time, to the chart,
then to ``assessments:patient_list``, which is a section; a chart page marks "Patients". Routes
whose path is not under their section's say so in ``BELONGS_TO``. Route names are strings, so
the core imports no app.
"""

from django import template
from django.urls import Resolver404, resolve, reverse
from django.utils.html import format_html

from dangpt.menus import MENUS, Group, menu_sections

register = template.Library()

# Every route a menu links to: the sections a page can belong to.
SECTIONS = menu_sections()

# Pages whose path is not under their section's.
BELONGS_TO = {
    "patients:schedule": "patients:calendar",
    "patients:appointment": "patients:calendar",
    "patients:cancel": "patients:calendar",
    "patients:status": "patients:calendar",
    "patients:status_undo": "patients:calendar",
    "patients:move": "patients:calendar",
    "patients:move_review": "patients:calendar",
    "patients:freed": "patients:calendar",
    "patients:waitlist_book": "patients:waitlist",
    "patients:setup": "patients:clinic_overview",
    "patients:setup_add": "patients:clinic_overview",
    "patients:setup_edit": "patients:clinic_overview",
    "patients:setup_delete": "patients:clinic_overview",
    # A gait analysis, a video and a result's history are parts of a patient's chart.
    "assessments:gait_detail": "assessments:patient_list",
    "assessments:gait_edit": "assessments:patient_list",
    "assessments:attachment_detail": "assessments:patient_list",
    "assessments:attachment_retry": "assessments:patient_list",
    "assessments:attachment_share": "assessments:patient_list",
    "assessments:attachment_delete": "assessments:patient_list",
    "assessments:clip_measure": "assessments:patient_list",
    "assessments:schedule_discharge": "assessments:patient_list",
    "assessments:outcome_history": "assessments:outcome_overview",
    "programs:create": "programs:list",
    # The runner's pages reached from another one.
    "programs:log_session": "programs:home",
    "programs:my_print": "programs:home",
    "assessments:questionnaire": "assessments:my_measures",
    "assessments:questionnaire_sent": "assessments:my_measures",
    "patients:previsit": "patients:my_appointments",
    "patients:previsit_about": "patients:my_appointments",
    "patients:previsit_running": "patients:my_appointments",
    "patients:previsit_consents": "patients:my_appointments",
}


def _route(path: str) -> str | None:
    try:
        return resolve(path).view_name
    except Resolver404:
        return None


def section_of(path: str) -> str | None:
    """The menu section of a path: the nearest section route at or above it, or None."""
    segments = [part for part in path.split("/") if part]
    for end in range(len(segments), 0, -1):
        prefix = "/" + "/".join(segments[:end])
        for candidate in (prefix + "/", prefix):
            route = _route(candidate)
            route = BELONGS_TO.get(route, route)
            if route in SECTIONS:
                return route
    return None


def _section(context) -> str | None:
    request = context.get("request")
    if request is None:
        return None
    if not hasattr(request, "_nav_section"):
        request._nav_section = section_of(request.path_info)
    return request._nav_section


@register.simple_tag(takes_context=True)
def nav_current(context, *routes: str, value: str = "page") -> str:
    """` aria-current="page"` when the page is in one of the routes' sections, else nothing.

    A dropdown's toggle names all its links' routes and passes ``value="true"``.
    """
    if _section(context) in routes:
        return format_html(' aria-current="{}"', value)
    return ""


@register.simple_tag(takes_context=True)
def staff_menu(context, role: str) -> list[dict]:
    """The role's menu (dangpt.menus.MENUS) ready to draw: each entry has ``label`` and
    ``current``; a link has ``url``, a group ``links`` (each with ``label``, ``url``,
    ``current``)."""
    section = _section(context)

    def link(item) -> dict:
        return {
            "label": item.label,
            "url": reverse(item.route),
            "current": section in item.sections,
        }

    drawn = []
    for item in MENUS.get(role, ()):
        if isinstance(item, Group):
            links = [link(child) for child in item.links]
            drawn.append({
                "label": item.label,
                "links": links,
                "current": any(child["current"] for child in links),
            })  # fmt: skip
        else:
            drawn.append(link(item))
    return drawn
