"""The staff menus, one per role, grouped by task: data, so a link is named once.

A link is a label and a route; a group is a dropdown of links. The runner's menu, translated
and partly conditional, is its own template (templates/programs/_nav.html). Route names are
strings, so the core imports no app.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Link:
    label: str
    route: str
    also: tuple[str, ...] = ()  # further sections that mark this link current
    marks: bool = True  # False: never marked (a way out of the app, as Admin)

    @property
    def sections(self) -> tuple[str, ...]:
        return (self.route, *self.also) if self.marks else ()


@dataclass(frozen=True)
class Group:
    label: str
    links: tuple[Link, ...]

    @property
    def sections(self) -> tuple[str, ...]:
        return tuple(route for link in self.links for route in link.sections)


DESK = (
    Link("Schedule", "patients:calendar"),
    Link("Patients", "patients:list"),
    Link("Book", "patients:book"),
    Link("Waitlist", "patients:waitlist"),
    Link("Reminders", "reminders:outbox"),
)

MENUS: dict[str, tuple[Link | Group, ...]] = {
    "front_desk": DESK,
    "therapist": (
        Link("My day", "patients:my_day"),
        Link("Calendar", "patients:calendar"),
        # The clinical chart list; the front desk's record of a patient belongs here too.
        Link("Patients", "assessments:patient_list", also=("patients:list",)),
        Group(
            "Clinical",
            (
                Link("Screenings", "assessments:screening_list"),
                Link("Notes", "assessments:evaluation_list"),
                Link("Outcomes", "assessments:outcome_overview"),
            ),
        ),
        Group(
            "Programs",
            (
                Link("Runners to check", "programs:dashboard"),
                Link("Programs", "programs:list"),
                Link("Exercise library", "programs:library"),
            ),
        ),
    ),
    "manager": (
        Link("Clinic", "patients:clinic_overview"),
        *DESK,
        Group(
            "Clinical",
            (
                Link("Patient charts", "assessments:patient_list"),
                Link("Notes", "assessments:evaluation_list"),
                Link("Outcomes", "assessments:outcome_overview"),
                Link("Exercise library", "programs:library"),
            ),
        ),
        Group(
            "Manage",
            (
                Link("Reports", "reports:list"),
                Link("Online booking", "patients:booking_settings"),
                Link("Audit", "audit:search"),
                Link("Admin", "admin:index", marks=False),
            ),
        ),
    ),
}

# The runner's menu (templates/programs/_nav.html) marks these sections.
RUNNER_SECTIONS = (
    "programs:home",
    "programs:runs",
    "programs:calendar",
    "assessments:my_measures",
    "patients:my_appointments",
    "assessments:my_clips",
    "records:mine",
    "reminders:preferences",
    "patients:my_settings",
)


def menu_sections() -> frozenset[str]:
    """Every route a menu marks: the sections a page can belong to."""
    staff = {route for items in MENUS.values() for item in items for route in item.sections}
    return frozenset(staff | set(RUNNER_SECTIONS))
