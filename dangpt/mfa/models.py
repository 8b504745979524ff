"""The authenticator-app device: django-otp's TOTP device with its key encrypted at rest.

django-otp's `TOTPDevice` keeps the key as hex in an 80-character column, which has no room for
a ciphertext; this model has the same fields and borrows its code checks, with the key in an
encrypted column (`dangpt.mfa.crypto`). The key reads back in clear only in memory.
"""

from django.db import models
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from dangpt.mfa.crypto import decrypt_secret, encrypt_secret


class EncryptedTextField(models.TextField):
    """Text stored encrypted under MFA_ENCRYPTION_KEY and read back in clear."""

    def from_db_value(self, value, expression, connection):
        return None if value is None else decrypt_secret(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return None if value is None else encrypt_secret(value)


class AuthenticatorDevice(TimestampMixin, ThrottlingMixin, Device):
    """An authenticator app (TOTP, RFC 6238) of one user; see django-otp's TOTPDevice."""

    key = EncryptedTextField(default=default_key, help_text="Hex-encoded secret, encrypted.")
    step = models.PositiveSmallIntegerField(default=30)
    t0 = models.BigIntegerField(default=0)
    digits = models.PositiveSmallIntegerField(choices=[(6, 6), (8, 8)], default=6)
    tolerance = models.PositiveSmallIntegerField(default=1)
    drift = models.SmallIntegerField(default=0)
    last_t = models.BigIntegerField(default=-1)

    # The code checks, QR URL and throttling of django-otp's own TOTP device, unchanged.
    bin_key = TOTPDevice.bin_key
    verify_token = TOTPDevice.verify_token
    get_throttle_factor = TOTPDevice.get_throttle_factor
    config_url = TOTPDevice.config_url
    _read_str_from_settings = TOTPDevice._read_str_from_settings

    class Meta(Device.Meta):
        verbose_name = "authenticator app"
