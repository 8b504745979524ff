"""Recovery codes are kept as keyed digests (HMAC under SECRET_KEY): the stored plain SHA-256
digests, among them those of the old 8-character codes that a dump would give up to brute force,
cannot be converted and are deleted. Users keep their authenticator app and make new recovery
codes on the two-step sign-in page.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    apps.get_model("otp_static", "StaticToken").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("dangpt", "0010_merge_audit_and_authenticators"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
