"""The therapist's pages: prescribing, editing, publishing, suggestions, dashboard, scoping."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from programs import services
from programs.models import Program, ProgramItem
from tests.factories import move_elsewhere
from tests.programs.factories import make_runner, program_with_items, staff_at

pytestmark = pytest.mark.django_db


def test_therapist_prescribes_from_a_template(client_for, therapist, runner):
    """A draft with the template's items, then the detail page."""
    services.library_load()
    from programs.models import ProgramTemplate

    staff_at(therapist, runner.patient.preferred_location)
    template = ProgramTemplate.objects.get(slug="achilles_alfredson")
    response = client_for(therapist).post(
        reverse("programs:create"), {"patient": runner.patient.pk, "template": template.pk}
    )
    program = Program.objects.get(patient=runner.patient)
    assert response.status_code == 302 and response.url == reverse(
        "programs:detail", args=[program.pk]
    )
    assert program.items.count() == 4 and program.tissue == "tendon"


def test_therapist_cannot_prescribe_for_a_patient_elsewhere(client_for, therapist, runner):
    """A patient at another location is not a choice: a field error, nothing stored."""
    move_elsewhere(runner.patient)
    response = client_for(therapist).post(
        reverse("programs:create"), {"patient": runner.patient.pk}
    )
    assert response.status_code == 400
    assert not Program.objects.exists()


def test_therapist_edits_reorders_and_publishes(client_for, therapist, program):
    """Edit an item, move it, publish: version 2 with the change named on the version page."""
    client = client_for(therapist)
    first, second, _ = program.items.order_by("order")
    edit = reverse("programs:item_edit", args=[program.pk, first.pk])
    data = {"sets": 4, "reps": 8, "times_per_week": 3, "side": "each", "phase": 1, "load": "10RM"}
    assert client.post(edit, data).status_code == 302
    move = reverse("programs:item_move", args=[program.pk, first.pk])
    assert client.post(move, {"direction": "down"}).status_code == 302
    assert list(program.items.order_by("order").values_list("pk", flat=True))[:2] == [
        second.pk,
        first.pk,
    ]
    assert client.post(reverse("programs:publish", args=[program.pk]), {}).status_code == 302
    body = client.get(reverse("programs:version", args=[program.pk, 2])).content.decode()
    assert f"{first.exercise.name}: sets 3 → 4, reps 10 → 8, load body weight → 10RM" in body
    assert "Order changed" in body
    assert program.versions.count() == 2


def test_item_edit_with_bad_input_keeps_the_item(client_for, therapist, program):
    """No reps and no hold: an error at the field, the item unchanged."""
    item = program.items.first()
    url = reverse("programs:item_edit", args=[program.pk, item.pk])
    data = {"sets": 3, "times_per_week": 3, "side": "each", "phase": 1}
    response = client_for(therapist).post(url, data)
    assert response.status_code == 400
    assert ProgramItem.objects.get(pk=item.pk).reps == 10


def test_item_delete_asks_first_then_removes(client_for, therapist, program):
    """GET shows a confirmation; POST removes the item from the working copy only."""
    item = program.items.first()
    url = reverse("programs:item_delete", args=[program.pk, item.pk])
    client = client_for(therapist)
    assert "Remove" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    assert not ProgramItem.objects.filter(pk=item.pk).exists()
    assert item.pk in [i["item_id"] for i in program.current_version.items]


def test_publish_blocked_by_the_safety_gate_shows_the_reason(client_for, therapist, program):
    """An impact item with an unacknowledged referral: the page names the item and the reason."""
    from tests.assessments.factories import DVT_ANSWERS, ScreeningFactory
    from tests.programs.factories import impact_exercise

    ScreeningFactory(patient=program.patient, answers=dict(DVT_ANSWERS))
    services.program_item_add(program=program, exercise=impact_exercise(name="Pogo hops"))
    response = client_for(therapist).post(reverse("programs:publish", args=[program.pk]), {})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Pogo hops" in body and "no therapist has acknowledged" in body
    assert program.versions.count() == 1


def test_suggestions_are_generated_and_approved_from_the_page(client_for, therapist, runner):
    """Logs within the rule → a progress suggestion; one click publishes a new version."""
    program = program_with_items(therapist=therapist, patient=runner.patient, count=1)
    today = timezone.localdate()
    for days_ago in (3, 1):
        entries = [
            {"item_id": i["item_id"], "done": True, "pain_during": 1}
            for i in program.current_version.items
        ]
        session = services.session_log(
            program=program, date=today - dt.timedelta(days=days_ago), entries=entries
        )
        services.session_next_morning(session=session, pain=0)
    client = client_for(therapist)
    assert client.post(reverse("programs:suggest", args=[program.pk])).status_code == 302
    suggestion = program.suggestions.get()
    assert (
        "Approve and publish"
        in client.get(reverse("programs:detail", args=[program.pk])).content.decode()
    )
    url = reverse("programs:suggestion_approve", args=[program.pk, suggestion.pk])
    assert client.post(url).status_code == 302
    assert program.versions.count() == 2
    assert client.get(url).status_code == 405


def test_dashboard_lists_inactive_breaching_and_pending_runners(client_for, therapist, runner):
    """A runner with a broken pain rule shows up; one who logged well today does not."""
    program = program_with_items(therapist=therapist, patient=runner.patient, count=1)
    fine = make_runner(program.patient.preferred_location)
    fine_program = program_with_items(therapist=therapist, patient=fine.patient, count=1)
    today = timezone.localdate()
    services.session_log(
        program=program,
        date=today,
        entries=[
            {"item_id": program.current_version.items[0]["item_id"], "done": True, "pain_during": 6}
        ],
    )
    services.session_log(
        program=fine_program,
        date=today,
        entries=[
            {
                "item_id": fine_program.current_version.items[0]["item_id"],
                "done": True,
                "pain_during": 1,
            }
        ],
    )
    body = client_for(therapist).get(reverse("programs:dashboard")).content.decode()
    assert f'data-program="{program.pk}"' in body and "Pain rule broken" in body
    assert f'data-program="{fine_program.pk}"' not in body
    # Each breach names the exercise, so three of one session do not read as one line thrice.
    exercise = program.items.get().exercise
    assert f"{escape(exercise.name)}: pain 6/10 during" in body


def test_dashboard_query_count_is_constant(client_for, therapist, django_assert_max_num_queries):
    """1 or 20 runners: the same number of queries."""
    client = client_for(therapist)
    program_with_items(therapist=therapist, patient=make_runner().patient, count=1)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("programs:dashboard"))
    for _ in range(19):
        program_with_items(therapist=therapist, patient=make_runner().patient, count=1)
    with CaptureQueriesContext(connection) as many:
        body = client.get(reverse("programs:dashboard")).content.decode()
    assert body.count("Nothing logged for 7 days") == 20
    assert len(one) == len(many)


def test_program_list_query_count_is_constant(client_for, therapist):
    """The program list runs the same queries for 1 and 25 programs."""
    client = client_for(therapist)
    program_with_items(therapist=therapist, patient=make_runner().patient, count=1)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("programs:list"))
    for _ in range(24):
        program_with_items(therapist=therapist, patient=make_runner().patient, count=1)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("programs:list"))
    assert response.content.decode().count("Knee program") == 25
    assert len(one) == len(many)


def test_therapist_gets_404_for_a_program_of_another_clinic(client_for, make_user, program):
    """A therapist at another location sees none of this program's pages."""
    from dangpt.roles import Role

    stranger = move_elsewhere(make_user(Role.THERAPIST))
    client = client_for(stranger)
    item = program.items.first()
    for url in (
        reverse("programs:detail", args=[program.pk]),
        reverse("programs:print", args=[program.pk]),
        reverse("programs:version", args=[program.pk, 1]),
        reverse("programs:item_edit", args=[program.pk, item.pk]),
    ):
        assert client.get(url).status_code == 404
    assert client.post(reverse("programs:publish", args=[program.pk])).status_code == 404


def test_therapist_pages_reject_wrong_methods_and_anonymous(client, client_for, therapist, program):
    """POST-only actions answer 405 to GET; anonymous users go to login."""
    for name in ("programs:publish", "programs:suggest", "programs:settings", "programs:item_add"):
        assert client_for(therapist).get(reverse(name, args=[program.pk])).status_code == 405
    client.logout()
    response = client.get(reverse("programs:detail", args=[program.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response.url
