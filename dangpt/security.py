"""Small security helpers that plug into third-party packages."""

from django.contrib.auth import get_user_model


def axes_client_str(username, ip_address, user_agent, path_info, request) -> str:
    """How django-axes names a client in its log: the account id and IP, never the username.

    Runners sign in with their email address; the log must not carry it.
    """
    account = (
        get_user_model().objects.filter(username=username).values_list("pk", flat=True).first()
        if username
        else None
    )
    return f"{{account: {account or 'unknown'}, ip_address: {ip_address}, path: {path_info}}}"
