"""Each role lands on its own home; anonymous users go to login; other roles get 404."""

import pytest
from django.urls import reverse

from dangpt.roles import STAFF_ROLES, Role
from tests.conftest import confirmed_totp_device, totp_code

HOMES = {
    Role.FRONT_DESK: "patients:calendar",
    Role.THERAPIST: "patients:my_day",
    Role.MANAGER: "patients:clinic_overview",
    Role.RUNNER: "programs:home",
}
STAFF_PAGES = ["patients:schedule", "patients:my_day", "patients:clinic_overview"]


@pytest.mark.parametrize("role", list(Role))
def test_each_role_lands_on_its_home(role, make_user, client):
    """Signing in and opening / redirects to the role's home, which renders."""
    user = make_user(role)
    if role == Role.RUNNER:
        from tests.factories import PatientFactory

        PatientFactory(user=user)
    client.force_login(user)
    response = client.get("/", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse(HOMES[role])


@pytest.mark.parametrize("role", list(Role))
def test_login_form_sends_each_role_home(role, make_user, client):
    """Posting the real login form (and, for staff, the MFA code) lands the user on their home."""
    user = make_user(role)
    device = confirmed_totp_device(user) if role in STAFF_ROLES else None
    response = client.post(
        reverse("login"),
        {"username": user.username, "password": "correct-horse-battery-staple"},
        follow=True,
    )
    if device is not None:
        assert response.redirect_chain[-1][0].startswith(reverse("mfa:verify"))
        response = client.post(
            response.redirect_chain[-1][0],
            {"code": totp_code(device)},
            follow=True,
        )
    assert response.redirect_chain[-1][0] == reverse(HOMES[role])


def test_wrong_password_shows_an_error_and_signs_nobody_in(runner, client):
    """A bad password re-renders the form with a message."""
    response = client.post(reverse("login"), {"username": runner.username, "password": "nope"})
    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("url", ["/", "/desk/schedule/", "/therapist/day/", "/manager/", "/me/"])
def test_anonymous_users_are_sent_to_login(url, client, db):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("page", STAFF_PAGES)
def test_runner_gets_404_for_staff_pages(page, runner, client):
    client.force_login(runner)
    assert client.get(reverse(page)).status_code == 404


@pytest.mark.parametrize(
    ("role", "page"),
    [
        (Role.FRONT_DESK, "programs:home"),
        (Role.FRONT_DESK, "patients:clinic_overview"),
        (Role.THERAPIST, "patients:schedule"),
        (Role.MANAGER, "programs:home"),
        (Role.THERAPIST, "programs:home"),
    ],
)
def test_other_roles_get_404_for_pages_not_theirs(role, page, make_user, client):
    client.force_login(make_user(role))
    assert client.get(reverse(page)).status_code == 404


def test_user_without_a_role_is_told_so(make_user, client):
    client.force_login(make_user(None))
    response = client.get("/")
    assert response.status_code == 403
    assert "no role yet" in response.content.decode()


def test_homes_refuse_post(runner, client):
    """Home pages only read; POST is 405."""
    client.force_login(runner)
    assert client.post(reverse("programs:home")).status_code == 405


def test_logout_ends_the_session(runner, client):
    client.force_login(runner)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("programs:home")).status_code == 302


def test_password_reset_sends_a_link(runner, client, mailoutbox):
    """The reset page mails a link to a known address and says the same for an unknown one."""
    client.post(reverse("password_reset"), {"email": runner.email})
    client.post(reverse("password_reset"), {"email": "nobody@example.test"})
    assert len(mailoutbox) == 1
    assert "/accounts/reset/" in mailoutbox[0].body


def test_password_change_applies_validators(runner, client):
    """A short new password is refused at the field."""
    client.force_login(runner)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "correct-horse-battery-staple",
            "new_password1": "short",
            "new_password2": "short",
        },
    )
    assert response.status_code == 200
    assert "at least 12 characters" in response.content.decode()


def test_404_page_uses_the_layout(runner, client):
    client.force_login(runner)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
