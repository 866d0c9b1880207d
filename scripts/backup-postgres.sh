#!/usr/bin/env bash
# Back up the PostgreSQL database named in DATABASE_URL with pg_dump (custom format).
# Usage: DATABASE_URL=postgres://user:pw@host:5432/liptwitch scripts/backup-postgres.sh [FILE]
# FILE defaults to ./liptwitch-YYYYMMDDTHHMMSSZ.dump. The dump is written to FILE.partial,
# checked with pg_restore --list, then renamed, so FILE is never a half-written dump.
# Restore with scripts/restore-postgres.sh FILE TARGET_URL.
set -euo pipefail
: "${DATABASE_URL:?DATABASE_URL must name the PostgreSQL database to back up}"

# The newest client installed, as scripts/with-postgres.sh finds the server; else PATH.
bindir=$( (ls -d /usr/lib/postgresql/*/bin 2>/dev/null || true) | sort -V | tail -n 1)
pg_dump=${bindir:+$bindir/}pg_dump
pg_restore=${bindir:+$bindir/}pg_restore

# libpq reads postgres:// and postgresql:// URLs; dj-database-url also accepts these aliases.
url=$DATABASE_URL
case $url in
  postgres://* | postgresql://*) ;;
  pgsql://* | postgis://*) url="postgresql://${url#*://}" ;;
  *) echo "backup-postgres: DATABASE_URL is not a PostgreSQL URL" >&2; exit 2 ;;
esac

file=${1:-liptwitch-$(date -u +%Y%m%dT%H%M%SZ).dump}
partial="$file.partial"
umask 077 # the dump holds clinicians' notes: readable by its owner only
trap 'rm -f "$partial"' EXIT
"$pg_dump" --format=custom --compress=6 --no-password --file="$partial" --dbname="$url"
"$pg_restore" --list "$partial" >/dev/null
mv "$partial" "$file"
echo "backup-postgres: wrote $file ($(stat -c %s "$file") bytes, $("$pg_dump" --version))"
