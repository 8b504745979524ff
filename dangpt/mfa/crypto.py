"""Second-factor secrets at rest: authenticator keys encrypted, recovery codes hashed.

Authenticator (TOTP) keys must be read back to check a code, so they are encrypted with Fernet
(AES-128-CBC with HMAC-SHA256) under MFA_ENCRYPTION_KEY; several keys, comma-separated, allow a
rotation (the first encrypts, any decrypts). Recovery codes are only compared, so only a keyed
digest is kept: HMAC-SHA256 under SECRET_KEY, so a database dump alone cannot be used to test
guesses, whatever the code's length (codes carry 120 random bits). Changing SECRET_KEY ends every
recovery code, as it ends every API token.
"""

import base64
import secrets
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.crypto import salted_hmac

RECOVERY_CODE_CHARS = 24  # base32: 5 bits a character, 120 bits in all
RECOVERY_DIGEST_CHARS = 16  # django-otp's StaticToken.token holds 16 characters (96 bits)


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def encrypt_secret(plain: str) -> str:
    """Encrypt a secret under the first MFA_ENCRYPTION_KEY."""
    return _fernet(tuple(settings.MFA_ENCRYPTION_KEYS)).encrypt(plain.encode()).decode()


def decrypt_secret(token: str) -> str:
    """Decrypt a stored secret with any of the MFA_ENCRYPTION_KEYS."""
    try:
        return _fernet(tuple(settings.MFA_ENCRYPTION_KEYS)).decrypt(token.encode()).decode()
    except InvalidToken:
        raise ImproperlyConfigured(
            "A stored authenticator key cannot be decrypted: MFA_ENCRYPTION_KEY is not the key "
            "it was encrypted with (keep the old key after the new one while rotating)."
        ) from None


def new_recovery_code() -> str:
    """A fresh recovery code, shown once in groups of four (`abcd-efgh-…`)."""
    raw = base64.b32encode(secrets.token_bytes(RECOVERY_CODE_CHARS * 5 // 8)).decode().lower()
    return "-".join(raw[i : i + 4] for i in range(0, RECOVERY_CODE_CHARS, 4))


def recovery_code_digest(code: str) -> str:
    """What is stored for a recovery code (already normalised: no spaces or dashes, lowercase)."""
    digest = salted_hmac("dangpt.mfa.recovery-code", code, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).decode()[:RECOVERY_DIGEST_CHARS]
