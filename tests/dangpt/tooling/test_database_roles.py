"""make run / make test and the compose file connect the app as its own role, migrations as the
owner of the tables."""

from urllib.parse import urlsplit

from dangpt.tooling.localenv import APP_ROLE, app_env, as_role
from tests.dangpt.test_deploy_files import COMPOSE, load

SOCKET_URL = "postgres://postgres@%2Ftmp%2Fpg/dangpt"


def test_as_role_swaps_the_user_and_keeps_the_server():
    """A socket URL and a TCP URL with a password both keep host, port and database."""
    assert as_role(SOCKET_URL, "dangpt_app") == "postgres://dangpt_app@%2Ftmp%2Fpg/dangpt"
    swapped = as_role("postgres://owner:secret@db:5433/clinic", "dangpt_app", "p@ss word")
    parts = urlsplit(swapped)
    assert (parts.username, parts.hostname, parts.port, parts.path) == (
        "dangpt_app",
        "db",
        5433,
        "/clinic",
    )
    assert "secret" not in swapped and parts.password == "p%40ss%20word"


def test_app_env_serves_as_the_app_role_only_when_one_is_named():
    """Without DATABASE_APP_ROLE nothing changes (CI's superuser URL); with it the app's
    processes connect as that role and do not carry the role settings on."""
    given = {"DATABASE_URL": SOCKET_URL, "PORT": "8000"}
    assert app_env(given) == given
    served = app_env({**given, "DATABASE_APP_ROLE": APP_ROLE, "DATABASE_APP_PASSWORD": ""})
    assert served == {"DATABASE_URL": as_role(SOCKET_URL, APP_ROLE), "PORT": "8000"}


def test_compose_migrates_as_the_owner_and_serves_as_the_app_role():
    """Only the one-off migrate service holds the owner's password and grants the app's role."""
    services = load()["services"]
    migrate = services["migrate"]["environment"]
    assert services["migrate"]["env_file"] == [".env", "owner.env"]  # the owner's URL, from:
    owner = (COMPOSE.parent / "owner.env.example").read_text().splitlines()
    url = next(line.split("=", 1)[1] for line in owner if line.startswith("DATABASE_URL="))
    assert urlsplit(url).username == "dangpt"
    assert migrate["DATABASE_APP_ROLE"] == "dangpt_app"
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert urlsplit(env["DATABASE_URL"]).username == "dangpt_app", name
        assert "DATABASE_APP_ROLE" not in env, name
