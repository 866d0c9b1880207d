#!/usr/bin/env bash
# Check that a backup restores to the same data: run inside a throwaway cluster,
#   bash scripts/with-postgres.sh bash scripts/test-backup.sh
# Creates the database DATABASE_URL names (it must not exist yet: this never touches a
# database it did not create), migrates it, loads the reference, adds a clinician with
# notes and audit events, backs it up with scripts/backup-postgres.sh, restores the dump
# with scripts/restore-postgres.sh into NAME_restore on the same server, and compares the
# two through the app: the row count and a digest of the rows of every model (the notes,
# their audit events, the reference and its history). Then it writes a note into the
# restored copy (sequences restored too). Exits non-zero on any difference.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?DATABASE_URL must name a database to create (scripts/with-postgres.sh sets it)}"
PY=${PY:-.venv/bin/python}
export SECRET_KEY=${SECRET_KEY:-backup-test-only}

bindir=$( (ls -d /usr/lib/postgresql/*/bin 2>/dev/null || true) | sort -V | tail -n 1)
psql=${bindir:+$bindir/}psql
createdb=${bindir:+$bindir/}createdb
dropdb=${bindir:+$bindir/}dropdb

base=${DATABASE_URL%%\?*}
query=${DATABASE_URL#"$base"}
name=${base##*/}
maintenance="${base%/*}/postgres$query"
restored_name="${name}_restore"
restored_url="${base%/*}/$restored_name$query"

database_exists() {
  [ "$("$psql" "$maintenance" -X -q -t -A -v ON_ERROR_STOP=1 -v name="$1" \
    <<<"SELECT count(*) FROM pg_database WHERE datname = :'name';")" = "1" ]
}
for db in "$name" "$restored_name"; do
  if database_exists "$db"; then
    echo "test-backup: database $db exists already; run this in a throwaway cluster" >&2
    exit 2
  fi
done

work=$(mktemp -d /tmp/liptwitch-backup-test.XXXXXX)
restored_created=
cleanup() {
  if [ -n "$restored_created" ]; then
    "$dropdb" --maintenance-db="$maintenance" --if-exists "$restored_name" || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

"$createdb" --maintenance-db="$maintenance" "$name"
$PY manage.py migrate --noinput >/dev/null
$PY manage.py load_reference >/dev/null

# A clinician, a note changed, finalized, printed and amended: every kind of audit event
# the services write, and a final note next to a draft.
$PY manage.py shell --no-imports -c '
from django.contrib.auth.models import User
from notes.models import AuditEvent
from notes.services import audit_record, note_amend, note_create, note_finalize, note_update
user = User.objects.create_user("backup-test", first_name="Ada", last_name="Test")
note = note_create(
    owner=user,
    present=["onset-sudden", "facial-weakness"],
    absent=["forehead-weak"],
    age_years=71,
    clinician_text="Lower face weakness since this morning; forehead spared.",
    follow_up_advice="Emergency department now.",
    clinic_name="Backup test clinic",
)
note_update(note=note, user=user, clinician_text="Lower face weakness since 07:00 today.")
note = note_finalize(note=note, user=user)
audit_record(note=note, user=user, action=AuditEvent.Action.PRINTED, language="es")
note_amend(note=note, user=user)
' >/dev/null

# What the app sees: per model, the row count and a digest of every row (ordered by key).
fingerprint='
import hashlib, json
from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder

class Encoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, (bytes, memoryview)):
            return bytes(o).hex()
        return super().default(o)

out = {}
for model in sorted(apps.get_models(), key=lambda m: m._meta.label):
    rows = list(model._base_manager.order_by("pk").values())
    blob = json.dumps(rows, cls=Encoder, sort_keys=True).encode()
    out[model._meta.label] = {"rows": len(rows), "sha256": hashlib.sha256(blob).hexdigest()}
print(json.dumps(out, indent=1, sort_keys=True))
'
$PY manage.py shell --no-imports -c "$fingerprint" >"$work/source.json"

bash scripts/backup-postgres.sh "$work/backup.dump"
restored_created=1
bash scripts/restore-postgres.sh "$work/backup.dump" "$restored_url"
DATABASE_URL=$restored_url $PY manage.py shell --no-imports -c "$fingerprint" >"$work/restored.json"
DATABASE_URL=$restored_url $PY manage.py migrate --check --noinput >/dev/null

# The comparison, and a guard against comparing two empty databases.
$PY - "$work/source.json" "$work/restored.json" <<'EOF'
import json
import sys

source, restored = (json.load(open(path)) for path in sys.argv[1:3])
problems = [
    f"{label}: source {source.get(label)} != restored {restored.get(label)}"
    for label in sorted(set(source) | set(restored))
    if source.get(label) != restored.get(label)
]
minimum = {
    "notes.Note": 2,
    "notes.AuditEvent": 6,
    "reference.Condition": 1,
    "reference.Finding": 1,
    "reference.EvidenceLink": 1,
    "reference.Source": 1,
}
problems += [
    f"{label}: {source.get(label, {}).get('rows', 0)} rows, expected at least {n}"
    for label, n in minimum.items()
    if source.get(label, {}).get("rows", 0) < n
]
if problems:
    print("test-backup: FAILED, the restored database differs:")
    print("\n".join(f"  {p}" for p in problems))
    sys.exit(1)
rows = sum(v["rows"] for v in source.values())
shown = ", ".join(
    f"{source[label]['rows']} {label.split('.')[1]}"
    for label in ("notes.Note", "notes.AuditEvent", "reference.Condition", "reference.Finding",
                  "reference.EvidenceLink", "reference.Source")
)
print(f"test-backup: restored copy identical: {len(source)} models, {rows} rows ({shown})")
EOF

# The restored copy takes new writes (its sequences came back with it).
DATABASE_URL=$restored_url $PY manage.py shell --no-imports -c '
from django.contrib.auth.models import User
from notes.models import AuditEvent, Note
from notes.services import note_create
before = Note.objects.order_by("-pk").values_list("pk", flat=True).first()
note = note_create(owner=User.objects.get(username="backup-test"), present=["fever"])
assert note.pk > before, (note.pk, before)
assert AuditEvent.objects.filter(note=note, action="created").count() == 1
print(f"test-backup: new note {note.pk} written to the restored copy (after {before})")
'
echo "test-backup: OK"
