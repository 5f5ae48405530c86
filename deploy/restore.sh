#!/usr/bin/env bash
# Restore a backup made by deploy/backup.sh into the database and media directory.
#
#   DATABASE_URL=postgres://user:pass@host:5432/citynews MEDIA_ROOT=/srv/citynews/media \
#     deploy/restore.sh /var/backups/citynews/20260101T030000Z
#
# Replaces every table that is in the dump (pg_restore --clean) in one transaction, then unpacks
# the media and checks each file against the checksums taken at backup time. Stop the app first
# (or accept that requests fail while it runs). With MEDIA_BUCKET set, the checked files are
# uploaded to the bucket through `manage.py copy_media_files` ($PYTHON, default python3) instead of
# unpacked into MEDIA_ROOT. See deploy/README.md.
set -euo pipefail

source_dir="${1:?usage: restore.sh BACKUP_DIRECTORY}"
: "${DATABASE_URL:?DATABASE_URL must be set (postgres://...)}"
if [ -z "${MEDIA_BUCKET:-}" ]; then
  : "${MEDIA_ROOT:?MEDIA_ROOT must be set}"
fi
case "$DATABASE_URL" in
  postgres://* | postgresql://*) ;;
  *) echo "restore.sh: DATABASE_URL must be a postgres:// URL" >&2; exit 2 ;;
esac

source_dir="$(cd "$source_dir" && pwd)"

# Refuse a damaged or incomplete backup before touching anything.
(cd "$source_dir" && sha256sum --check --quiet SHA256SUMS)

pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction --exit-on-error \
  --dbname="$DATABASE_URL" "$source_dir/database.dump"

if [ -n "${MEDIA_BUCKET:-}" ]; then
  media="$(mktemp -d)"
  trap 'rm -rf "$media"' EXIT
else
  media="$MEDIA_ROOT"
  mkdir -p "$media"
fi
tar --extract --gzip --file="$source_dir/media.tar.gz" --directory="$media"
(cd "$media" && sha256sum --check --quiet "$source_dir/media.sha256")
if [ -n "${MEDIA_BUCKET:-}" ]; then
  "${PYTHON:-python3}" "$(dirname "$0")/../manage.py" copy_media_files import "$media" >/dev/null
fi
echo "restore.sh: database and media restored from $source_dir"
