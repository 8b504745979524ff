"""People and places: locations, staff profiles and patients."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from dangpt.roles import Role


class Location(models.Model):
    name = models.CharField(max_length=120, unique=True)
    time_zone = models.CharField(max_length=64, default="America/Los_Angeles")
    address = models.CharField(max_length=250, blank=True)
    phone = models.CharField(max_length=32, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class StaffProfileQuerySet(models.QuerySet):
    def therapists(self):
        return self.filter(user__groups__name=Role.THERAPIST, user__is_active=True).select_related(
            "user"
        )


class StaffProfile(models.Model):
    """What the clinic knows about a member of staff beyond their login."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile"
    )
    title = models.CharField(max_length=80, blank=True, help_text="e.g. PT, DPT, OCS")
    locations = models.ManyToManyField(Location, blank=True, related_name="staff")
    colour = models.CharField(max_length=7, default="#0d6efd")

    objects = StaffProfileQuerySet.as_manager()

    class Meta:
        ordering = ["user__last_name", "user__first_name"]

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.get_username()


class PatientQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff see the clinic's patients; a runner sees only their own record."""
        from dangpt.roles import STAFF_ROLES, role_of

        role = role_of(user)
        if role in STAFF_ROLES:
            return self
        if role == Role.RUNNER:
            return self.filter(user=user)
        return self.none()


class Patient(models.Model):
    """A runner under the clinic's care; the portal login is optional."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="patient",
    )
    first_name = models.CharField(max_length=80)
    last_name = models.CharField(max_length=80)
    date_of_birth = models.DateField()
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=32, blank=True)
    preferred_location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PatientQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        indexes = [models.Index(Lower("last_name"), Lower("first_name"), name="patient_name_ci")]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"
