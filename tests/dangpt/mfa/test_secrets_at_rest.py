"""Second-factor secrets at rest: authenticator keys encrypted, recovery codes hashed, not shown."""

import importlib
from binascii import unhexlify

import pytest
from cryptography.fernet import Fernet
from django.apps import apps
from django.db import connection
from django.urls import NoReverseMatch, reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from dangpt.mfa.crypto import RECOVERY_CODE_CHARS, decrypt_secret, recovery_code_digest
from dangpt.mfa.factors import check_code, normalise_code, recovery_codes_regenerate
from dangpt.mfa.models import AuthenticatorDevice
from tests.conftest import confirmed_totp_device

MIGRATION = importlib.import_module(
    "dangpt.migrations.0009_encrypt_authenticators_hash_recovery_codes"
)


def _stored(sql: str, *params) -> list:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def _code(hex_key: str) -> str:
    return f"{TOTP(unhexlify(hex_key)).token():06d}"


def test_authenticator_key_is_encrypted_in_the_database(therapist):
    """The column holds a Fernet token under MFA_ENCRYPTION_KEY, never the hex key."""
    device = confirmed_totp_device(therapist)
    (stored,) = _stored("SELECT key FROM dangpt_authenticatordevice WHERE id = %s", device.pk)
    assert device.key not in stored
    assert decrypt_secret(stored) == device.key
    device.refresh_from_db()
    assert check_code(therapist, _code(device.key)).device == device


def test_a_key_rotation_keeps_old_secrets_readable(therapist, settings):
    """A new key first, the old one after it: old rows decrypt, new writes use the new key."""
    device = confirmed_totp_device(therapist)
    new_key = Fernet.generate_key().decode()
    settings.MFA_ENCRYPTION_KEYS = [new_key, *settings.MFA_ENCRYPTION_KEYS]
    device.refresh_from_db()
    device.save()
    (stored,) = _stored("SELECT key FROM dangpt_authenticatordevice WHERE id = %s", device.pk)
    assert Fernet(new_key).decrypt(stored.encode()).decode() == device.key


def test_recovery_codes_are_stored_as_digests_and_carry_120_bits(therapist):
    """Only a SHA-256 digest is kept; codes have 24 base32 characters (120 bits)."""
    codes = recovery_codes_regenerate(user=therapist)
    stored = set(_stored("SELECT token FROM otp_static_statictoken"))
    assert len(stored) == 10
    for code in codes:
        plain = normalise_code(code)
        assert len(plain) == RECOVERY_CODE_CHARS
        assert not any(plain[:8] in token for token in stored)
        assert recovery_code_digest(plain) in stored
    assert check_code(therapist, codes[0]).device is not None
    assert check_code(therapist, codes[0]).device is None  # used up


def test_admin_shows_no_secret_and_no_django_otp_pages(therapist, django_user_model, client):
    """Our device admin lists without the key; django-otp's pages (key, QR, codes) are gone."""
    device = confirmed_totp_device(therapist)
    recovery_codes_regenerate(user=therapist)
    admin = django_user_model.objects.create_superuser("boss", "boss@example.test", "x" * 20)
    client.force_login(admin)
    for name in ("changelist", "change"):
        args = [device.pk] if name == "change" else []
        page = client.get(reverse(f"admin:dangpt_authenticatordevice_{name}", args=args))
        assert page.status_code == 200
        assert device.key not in page.content.decode()
        assert 'name="key"' not in page.content.decode()
    for model in (TOTPDevice, StaticDevice):
        with pytest.raises(NoReverseMatch):
            reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def test_the_migration_moves_keys_encrypted_and_hashes_codes(therapist):
    """Existing rows: keys copied encrypted and the clear rows deleted; codes go on working."""
    key = "3132333435363738393031323334353637383930"
    old = TOTPDevice.objects.create(user=therapist, name="Phone", key=key, confirmed=True)
    recovery = StaticDevice.objects.create(user=therapist, name="Recovery codes")
    StaticToken.objects.create(device=recovery, token="abcdefgh")

    MIGRATION.forwards(apps, None)

    assert not TOTPDevice.objects.exists()
    moved = AuthenticatorDevice.objects.get(user=therapist)
    assert (moved.name, moved.key, moved.confirmed) == ("Phone", key, True)
    assert moved.created_at == old.created_at
    (stored,) = _stored("SELECT key FROM dangpt_authenticatordevice WHERE id = %s", moved.pk)
    assert key not in stored
    assert _stored("SELECT token FROM otp_static_statictoken") == [recovery_code_digest("abcdefgh")]
    assert check_code(therapist, _code(key)).device == moved
    assert check_code(therapist, "ABCD-EFGH").device is not None


def test_recovery_code_digests_are_keyed_so_a_dump_alone_cannot_test_guesses(therapist, settings):
    """HMAC under SECRET_KEY: the unsalted SHA-256 of a code is not what is stored."""
    import base64
    import hashlib

    codes = recovery_codes_regenerate(user=therapist)
    plain = normalise_code(codes[0])
    stored = set(_stored("SELECT token FROM otp_static_statictoken"))
    unkeyed = base64.urlsafe_b64encode(hashlib.sha256(plain.encode()).digest()).decode()[:16]
    assert recovery_code_digest(plain) in stored and unkeyed not in stored
    settings.SECRET_KEY = "another-" + settings.SECRET_KEY
    assert recovery_code_digest(plain) not in stored


def test_the_keyed_digest_migration_deletes_the_old_unkeyed_codes(therapist):
    """Old digests (the 8-character codes among them) cannot be converted: they are deleted."""
    migration = importlib.import_module("dangpt.migrations.0011_recovery_codes_keyed_digest")
    recovery = StaticDevice.objects.create(user=therapist, name="Recovery codes")
    StaticToken.objects.create(device=recovery, token="oldunkeyeddigest")
    migration.forwards(apps, None)
    assert not StaticToken.objects.exists()
