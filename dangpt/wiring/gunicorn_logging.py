"""gunicorn's access log without query strings or tokens, naming the client behind the proxy.

Used by the image and the compose file: `gunicorn --logger-class
dangpt.wiring.gunicorn_logging.RedactingLogger ...`. It runs in gunicorn's master before Django
is set up, so it reads `BEHIND_PROXY` and `TRUSTED_PROXY_NETWORKS` from the environment itself.
"""

from gunicorn.glogging import Logger

from dangpt.config import DEFAULT_PROXY_NETWORKS, env_networks, env_proxy_count
from dangpt.logs import RedactPaths, redact_path, redact_url
from dangpt.security import forwarded_client

# Request and response headers and environ entries that hold URLs, or secrets of their own.
URL_ATOMS = {"f", "{referer}i", "{location}o", "{http_referer}e"}
DROPPED_ATOMS = {"{authorization}i", "{cookie}i", "{set-cookie}o", "{http_authorization}e"}
DROPPED_ATOMS |= {"{http_cookie}e", "{query_string}e", "{raw_uri}e", "{request_uri}e"}


class RedactingLogger(Logger):
    """gunicorn's Logger; every atom that can hold a query string or a token is redacted, and
    so is every message of its error log ("Error handling request /path?query", warnings)."""

    trusted_proxies = env_proxy_count("BEHIND_PROXY")
    trusted_networks = env_networks("TRUSTED_PROXY_NETWORKS", DEFAULT_PROXY_NETWORKS)

    def __init__(self, cfg):
        super().__init__(cfg)
        # On the logger, not a handler: setup() and reopening files replace the handlers.
        if not any(isinstance(f, RedactPaths) for f in self.error_log.filters):
            self.error_log.addFilter(RedactPaths())

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        path = redact_path(environ.get("RAW_URI") or environ.get("PATH_INFO") or "")
        atoms["r"] = f"{environ['REQUEST_METHOD']} {path} {environ['SERVER_PROTOCOL']}"
        atoms["U"] = redact_path(environ.get("PATH_INFO") or "")
        atoms["{path_info}e"] = atoms["U"]
        atoms["q"] = ""
        atoms["h"] = forwarded_client(
            environ.get("REMOTE_ADDR", "-"),
            environ.get("HTTP_X_FORWARDED_FOR", ""),
            self.trusted_proxies,
            self.trusted_networks,
        )
        for name in URL_ATOMS & atoms.keys():
            atoms[name] = redact_url(atoms[name])
        for name in DROPPED_ATOMS & atoms.keys():
            atoms[name] = "-"
        return atoms
