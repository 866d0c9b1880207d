"""Turn each DRF token (rest_framework.authtoken) into a hashed project token.

The old key keeps working: its digest is stored, under the SECRET_KEY this migration runs
with, and the plain keys are then deleted from `authtoken_token`. The migrated tokens do
not expire (DRF's never did); replace them with new ones and revoke them when you can.

No dependency on the authtoken app: it is no longer installed. Its table is read if it
exists (a database that had it), and the step does nothing otherwise.
"""

import datetime

from django.db import migrations
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from apitokens.keys import key_digest, key_prefix

TABLE = "authtoken_token"
NAME = "migrated DRF token"


def as_datetime(value: object) -> datetime.datetime:
    if isinstance(value, str):
        value = parse_datetime(value)
    if not isinstance(value, datetime.datetime):
        return timezone.now()
    if timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return value


def drf_tokens_migrate(apps, schema_editor):
    connection = schema_editor.connection
    if TABLE not in connection.introspection.table_names():
        return
    ApiToken = apps.get_model("apitokens", "ApiToken")
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quote('key')}, {quote('user_id')}, {quote('created')} FROM {quote(TABLE)}")
        rows = cursor.fetchall()
        ApiToken.objects.using(connection.alias).bulk_create(
            ApiToken(
                name=NAME,
                owner_id=user_id,
                prefix=key_prefix(key),
                digest=key_digest(key),
                created_at=as_datetime(created),
                expires_at=None,
            )
            for key, user_id, created in rows
        )
        # The plain keys must not stay in the database.
        cursor.execute(f"DELETE FROM {quote(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("apitokens", "0001_initial")]

    operations = [
        # Not reversible in substance: the plain keys are gone. Reversing leaves the
        # migrated tokens in place.
        migrations.RunPython(drf_tokens_migrate, migrations.RunPython.noop),
    ]
