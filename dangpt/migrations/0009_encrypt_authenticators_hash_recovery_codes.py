"""Authenticator keys move to the encrypted device table; recovery codes are kept as digests.

Rows of django-otp's TOTPDevice are copied (the key encrypted on save) and deleted, so no clear
key stays behind. Recovery codes are replaced by their digest in place and keep working.
Backwards, keys go back in clear; recovery codes cannot be recovered and are deleted.
"""

from django.db import migrations

from dangpt.mfa.crypto import recovery_code_digest

DEVICE_FIELDS = (
    "user_id",
    "name",
    "confirmed",
    "throttling_failure_timestamp",
    "throttling_failure_count",
    "created_at",
    "last_used_at",
    "key",
    "step",
    "t0",
    "digits",
    "tolerance",
    "drift",
    "last_t",
)


def _copy(source, target) -> None:
    for device in source.objects.order_by("pk").iterator():
        copy = target.objects.create(**{field: getattr(device, field) for field in DEVICE_FIELDS})
        # created_at is auto_now_add: create() stamps it now, so set the original afterwards.
        target.objects.filter(pk=copy.pk).update(created_at=device.created_at)
    source.objects.all().delete()


def forwards(apps, schema_editor):
    _copy(apps.get_model("otp_totp", "TOTPDevice"), apps.get_model("dangpt", "AuthenticatorDevice"))
    StaticToken = apps.get_model("otp_static", "StaticToken")
    for token in StaticToken.objects.iterator():
        token.token = recovery_code_digest(token.token)
        token.save(update_fields=["token"])


def backwards(apps, schema_editor):
    _copy(apps.get_model("dangpt", "AuthenticatorDevice"), apps.get_model("otp_totp", "TOTPDevice"))
    apps.get_model("otp_static", "StaticToken").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("dangpt", "0008_authenticator_device_and_token_stamp"),
        ("otp_totp", "0003_add_timestamps"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
