"""Shared fixtures: users of each role, and signed-in clients."""

import time

import pytest

from dangpt.roles import Role


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """A request activates its reader's language in this thread; the next test starts English
    (as each real request does, through the locale middleware)."""
    yield
    from django.utils import translation

    translation.activate("en")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 is deliberately slow; tests create many users. Production keeps Argon2 (tested)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_sign_in_throttle():
    """Each test starts with no failed sign-ins counted (the counters live in the real Redis)."""
    clear_sign_in_throttle()


def clear_sign_in_throttle() -> None:
    """Delete the throttle's counters only: the same Redis database holds Celery's queue."""
    from django.core.cache import caches

    cache = caches["throttle"]
    try:
        client = cache._cache.get_client(write=True)
        keys = list(client.scan_iter(match=cache.make_key("*"), count=500))
        if keys:
            client.delete(*keys)
    except Exception:  # noqa: BLE001, S110 - tests that need Redis fail on their own
        pass


@pytest.fixture(autouse=True)
def _staff_sign_in_with_both_factors(monkeypatch):
    """`client.force_login(staff)` stands for a sign-in with password and TOTP (MFA is required).

    For a staff user (a staff role, `is_staff` or superuser) it also gives them a confirmed TOTP
    device and marks the session verified exactly as `django_otp.login` does; the MFA middleware
    still checks every request. Tests of the password-only state use `force_login_password_only`.
    """
    from django.test import Client

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        if is_staff_user(user):
            mark_session_verified(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)
    monkeypatch.setattr(Client, "force_login_password_only", original, raising=False)


def is_staff_user(user) -> bool:
    """Whether the account must use the second factor: a staff role, `is_staff` or superuser."""
    from dangpt.roles import STAFF_ROLES

    if not user.is_active:
        return False
    if user.is_staff or user.is_superuser:
        return True
    # Not role_of(): it caches the role on the user object the test goes on using.
    return user.groups.filter(name__in=list(STAFF_ROLES)).exists()


def confirmed_totp_device(user):
    """The user's confirmed TOTP device, created if needed."""
    from dangpt.mfa.models import AuthenticatorDevice

    device = AuthenticatorDevice.objects.filter(user=user, confirmed=True).first()
    return device or AuthenticatorDevice.objects.create(user=user, name="Test app", confirmed=True)


def mark_session_verified(client, user) -> None:
    """Store the verified device in the client's session, as `django_otp.login` does."""
    from django_otp import DEVICE_ID_SESSION_KEY

    session = client.session
    session[DEVICE_ID_SESSION_KEY] = confirmed_totp_device(user).persistent_id
    session.save()


def totp_code(device) -> str:
    """The device's code for now, or for the next time step when this one was already used."""
    from django_otp.oath import TOTP

    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    now_t = totp.t()
    wanted_t = max(now_t, device.last_t + 1)
    if wanted_t - now_t > device.tolerance:  # two sign-ins in one step used the next one up
        wait = (wanted_t - device.tolerance - device.drift) * device.step + device.t0
        time.sleep(wait - time.time() + 0.5)
    totp.time = (wanted_t - device.drift) * device.step + device.t0
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture
def make_user(db):
    """Create a user with the given role (or none)."""

    from django.contrib.auth.models import Group

    from patients.models import StaffProfile
    from tests.factories import UserFactory, default_location

    def make(role: Role | None = None, **fields):
        user = UserFactory(**fields)
        if role is not None:
            user.groups.add(Group.objects.get_or_create(name=role.value)[0])
        if role in (Role.THERAPIST, Role.FRONT_DESK):
            # They see the patients at their locations: by default, where PatientFactory puts them.
            profile, _ = StaffProfile.objects.get_or_create(user=user)
            profile.locations.add(default_location())
        return user

    return make


@pytest.fixture
def front_desk(make_user):
    return make_user(Role.FRONT_DESK)


@pytest.fixture
def therapist(make_user):
    return make_user(Role.THERAPIST)


@pytest.fixture
def manager(make_user):
    return make_user(Role.MANAGER)


@pytest.fixture
def runner(make_user):
    from tests.factories import PatientFactory

    user = make_user(Role.RUNNER)
    PatientFactory(user=user, first_name=user.first_name, last_name=user.last_name)
    return user


@pytest.fixture
def client_for(client):
    """Return a test client signed in as the given user."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture(autouse=True)
def _private_attachment_storage(settings, tmp_path_factory):
    """Attachments go to a fresh folder of each test (a worker subprocess gets it through
    ATTACHMENTS_ROOT), never to the developer's .data/attachments."""
    root = tmp_path_factory.mktemp("attachments")
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root), "base_url": "/no-public-url/"},
        },
    }
    return root


@pytest.fixture
def smtp_sink():
    """A running SMTP sink on loopback; `.stop()` / `.start()` take it down and bring it back on
    its port (a worker can be pointed at it by EMAIL_URL)."""
    from tests.smtp import SmtpSink, free_port

    sink = SmtpSink(free_port())
    sink.start()
    yield sink
    sink.stop()


@pytest.fixture
def smtp(settings, smtp_sink):
    """Django in this process sends its mail to the SMTP sink (a stalled server fails the test
    in seconds instead of hanging it). Browser tests also point links at the live server."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp_sink.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    return smtp_sink


@pytest.fixture
def celery_eager():
    """Tasks queued during the test run at once in this process (a unit test that reads the
    email a task sends); tests/integration runs real workers instead."""
    from dangpt.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False
