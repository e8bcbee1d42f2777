"""On PostgreSQL, allow exactly one kind of UPDATE on the ledger: the
retention purge, which clears ``reason``, ``personal`` and ``personal_salt``
to empty while every other column stays as it was (docs/retention.md).
Every other UPDATE, and every DELETE, is still refused.

The other columns are compared as one JSON object of the row without the
three purgeable ones, so a column added later is covered without changing
this trigger. The hash never covered the three (only their salted digests,
which stay), so a purged chain still verifies.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION ledger_refuse_all_but_purge() RETURNS trigger AS $$
BEGIN
    IF NEW.reason = ''
       AND NEW.personal = '{}'::jsonb
       AND NEW.personal_salt = ''
       AND (to_jsonb(NEW) - 'reason' - 'personal' - 'personal_salt')
           = (to_jsonb(OLD) - 'reason' - 'personal' - 'personal_salt')
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'ledger_ledgerentry is append-only: % refused (a purge may only empty the personal part)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS ledger_no_update ON ledger_ledgerentry;
CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_all_but_purge();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS ledger_no_update ON ledger_ledgerentry;
CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
DROP FUNCTION IF EXISTS ledger_refuse_all_but_purge();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0002_append_only_triggers")]
    operations = [migrations.RunPython(forward, backward)]
