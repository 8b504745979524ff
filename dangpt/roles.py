"""The four roles of the clinic, kept as auth groups, and helpers to scope views by role."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.db import models
from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    FRONT_DESK = "front_desk", _("Front desk")
    THERAPIST = "therapist", _("Therapist")
    MANAGER = "manager", _("Manager")
    RUNNER = "runner", _("Runner")


# The role groups that pages and API operations let through; one definition each.
STAFF_ROLES = (Role.FRONT_DESK, Role.THERAPIST, Role.MANAGER)
DESK_ROLES = (Role.FRONT_DESK, Role.MANAGER)
CLINICIAN_ROLES = (Role.THERAPIST, Role.MANAGER)


def role_of(user) -> Role | None:
    """Return the user's role (cached on the user), or None for anonymous or role-less users."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if not hasattr(user, "_dangpt_role"):
        remember_role(user, user.groups.values_list("name", flat=True))
    return user._dangpt_role


def reaches_staff_pages(user) -> bool:
    """A staff role, or Django's staff or superuser flag (the admin): staff rules apply to it."""
    return bool(user.is_staff or user.is_superuser or role_of(user) in STAFF_ROLES)


def remember_role(user, group_names) -> None:
    """Cache the role on the user from its group names (the sign-in backend loads them)."""
    names = set(group_names)
    user._dangpt_role = next((role for role in Role if role.value in names), None)


def role_required(*roles: Role) -> Callable:
    """Let only the given roles through; anonymous users go to login, anyone else gets a 404."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if role_of(request.user) not in roles:
                raise Http404
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def role_context(request: HttpRequest) -> dict:
    """Template context: the signed-in user's role, for the role-aware navigation."""
    role = role_of(getattr(request, "user", None))
    return {"role": role, "Role": Role, "is_staff_role": role in STAFF_ROLES}
