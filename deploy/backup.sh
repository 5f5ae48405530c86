#!/usr/bin/env bash
# Back up the citynews database and uploaded media into a new directory.
#
#   DATABASE_URL=postgres://user:pass@host:5432/citynews MEDIA_ROOT=/srv/citynews/media \
#     deploy/backup.sh /var/backups/citynews/$(date -u +%Y%m%dT%H%M%SZ)
#
# The directory receives database.dump (pg_dump custom format), media.tar.gz, media.sha256 (a
# checksum per media file, checked again after a restore) and SHA256SUMS (covering the three).
# With photos in a bucket (MEDIA_BUCKET set, with the app's other MEDIA_* settings and its
# credentials), its objects are downloaded through `manage.py copy_media_files` (run with $PYTHON,
# default python3) and archived the same way instead of MEDIA_ROOT. See deploy/README.md.
set -euo pipefail

destination="${1:?usage: backup.sh NEW_BACKUP_DIRECTORY}"
: "${DATABASE_URL:?DATABASE_URL must be set (postgres://...)}"
if [ -z "${MEDIA_BUCKET:-}" ]; then
  : "${MEDIA_ROOT:?MEDIA_ROOT must be set}"
fi
case "$DATABASE_URL" in
  postgres://* | postgresql://*) ;;
  *) echo "backup.sh: DATABASE_URL must be a postgres:// URL" >&2; exit 2 ;;
esac
if [ -e "$destination" ]; then
  echo "backup.sh: $destination already exists; refusing to overwrite a backup" >&2
  exit 2
fi

mkdir -p "$destination"
chmod 700 "$destination"
pg_dump --format=custom --no-owner --no-privileges --file="$destination/database.dump" "$DATABASE_URL"

if [ -n "${MEDIA_BUCKET:-}" ]; then
  media="$(mktemp -d)"
  trap 'rm -rf "$media"' EXIT
  "${PYTHON:-python3}" "$(dirname "$0")/../manage.py" copy_media_files export "$media" >/dev/null
else
  media="$MEDIA_ROOT"
  mkdir -p "$media"
fi
(cd "$media" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 --no-run-if-empty sha256sum) \
  > "$destination/media.sha256"
tar --create --gzip --file="$destination/media.tar.gz" --directory="$media" .

# SHA256SUMS is written last, under a temporary name: a directory that has it is a complete backup.
(cd "$destination" && sha256sum database.dump media.tar.gz media.sha256 > SHA256SUMS.partial \
  && mv SHA256SUMS.partial SHA256SUMS)
echo "backup.sh: backup written to $destination"
