"""Sign-in backend: Django's ModelBackend, loading each request's user with what every page asks.

Every signed-in request needs the user's role (its auth group) and whether it has a confirmed
authenticator (the second-factor gate). Loading both with the user, in the one query the session
already costs, saves two queries on every page. They are read fresh on each request, as before.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Exists, OuterRef, Value
from django_otp.plugins.otp_totp.models import TOTPDevice

from dangpt.roles import remember_role

PATH = "dangpt.auth_backend.ModelBackend"


class ModelBackend(DjangoModelBackend):
    def get_user(self, user_id):
        user = (
            get_user_model()
            ._default_manager.filter(pk=user_id)
            .annotate(
                group_names=ArrayAgg("groups__name", default=Value([])),
                has_confirmed_totp=Exists(
                    TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
                ),
            )
            .first()
        )
        if user is None or not self.user_can_authenticate(user):
            return None
        remember_role(user, user.group_names)
        return user
