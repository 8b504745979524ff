"""Small security helpers that plug into third-party packages, and the client's address."""

import ipaddress

from django.conf import settings
from django.contrib.auth import get_user_model

from dangpt.config import DEFAULT_PROXY_NETWORKS, parse_networks

DEFAULT_NETWORKS = parse_networks("TRUSTED_PROXY_NETWORKS", DEFAULT_PROXY_NETWORKS)


def peer_is_trusted(remote_addr: str, networks) -> bool:
    """Whether the peer is in one of the networks a trusted proxy connects from."""
    try:
        peer = ipaddress.ip_address(remote_addr)
    except ValueError:
        return False
    if peer.version == 6 and peer.ipv4_mapped is not None:
        peer = peer.ipv4_mapped
    return any(peer.version == net.version and peer in net for net in networks)


def forwarded_client(
    remote_addr: str, forwarded_for: str, trusted_proxies: int, networks=DEFAULT_NETWORKS
) -> str:
    """The client's address: the peer, or the entry the nearest trusted proxy vouches for.

    Each proxy appends the address it was reached from to `X-Forwarded-For`, so with N trusted
    proxies in front of the app the client is the N-th entry from the right; anything left of it
    was written by the client and is ignored. With no trusted proxy, or a header shorter than
    the chain or not an address, the peer's own address is the answer: a forged header never
    changes whom a lockout or a log line names. The header is read only from a peer inside
    `networks` (`TRUSTED_PROXY_NETWORKS`): a client reaching the app past the proxy cannot name
    its own address.
    """
    if trusted_proxies <= 0 or not peer_is_trusted(remote_addr, networks):
        return remote_addr
    hops = [part.strip() for part in forwarded_for.split(",") if part.strip()]
    if len(hops) < trusted_proxies:
        return remote_addr
    candidate = hops[-trusted_proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote_addr


def client_ip(request) -> str:
    """The client address of a request, under `BEHIND_PROXY` (django-axes and the throttles)."""
    return forwarded_client(
        request.META.get("REMOTE_ADDR", ""),
        request.META.get("HTTP_X_FORWARDED_FOR", ""),
        settings.TRUSTED_PROXY_COUNT,
        settings.TRUSTED_PROXY_NETWORKS,
    )


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
