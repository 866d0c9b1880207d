#!/usr/bin/env bash
# Restore a dump made by scripts/backup-postgres.sh into the database TARGET_URL names.
# Usage: scripts/restore-postgres.sh FILE TARGET_URL
# A missing target database is created (on the same server, through its `postgres`
# database). An existing one is cleaned first: every object in the dump is dropped and
# recreated (pg_restore --clean --if-exists), so point TARGET_URL at a database you mean
# to replace. Ownership and grants are not restored (--no-owner --no-privileges): the
# objects belong to the user in TARGET_URL. It all happens in one transaction.
set -euo pipefail
if [ $# -ne 2 ]; then
  echo "usage: $0 FILE TARGET_URL" >&2
  exit 2
fi
file=$1
target=$2
if [ ! -r "$file" ]; then
  echo "restore-postgres: cannot read $file" >&2
  exit 2
fi

bindir=$( (ls -d /usr/lib/postgresql/*/bin 2>/dev/null || true) | sort -V | tail -n 1)
pg_restore=${bindir:+$bindir/}pg_restore
psql=${bindir:+$bindir/}psql
createdb=${bindir:+$bindir/}createdb

case $target in
  postgres://* | postgresql://*) ;;
  pgsql://* | postgis://*) target="postgresql://${target#*://}" ;;
  *) echo "restore-postgres: TARGET_URL is not a PostgreSQL URL" >&2; exit 2 ;;
esac
# postgresql://user:pw@host:port/NAME?options -> NAME, and the same URL for `postgres`.
base=${target%%\?*}
query=${target#"$base"}
name=${base##*/}
if [ -z "$name" ] || [ "$name" = "$base" ]; then
  echo "restore-postgres: TARGET_URL names no database" >&2
  exit 2
fi
maintenance="${base%/*}/postgres$query"

"$pg_restore" --list "$file" >/dev/null # a readable custom-format dump, before touching anything
exists=$("$psql" "$maintenance" -X -q -t -A -v ON_ERROR_STOP=1 -v name="$name" \
  <<<"SELECT count(*) FROM pg_database WHERE datname = :'name';")
options=(--no-owner --no-privileges --single-transaction --exit-on-error --no-password)
if [ "$exists" = "1" ]; then
  echo "restore-postgres: database $name exists: cleaning and restoring into it"
  options+=(--clean --if-exists)
else
  "$createdb" --maintenance-db="$maintenance" --no-password "$name"
  echo "restore-postgres: created database $name"
fi
"$pg_restore" "${options[@]}" --dbname="$target" "$file"
echo "restore-postgres: restored $file into $name"
