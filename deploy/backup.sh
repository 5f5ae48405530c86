#!/usr/bin/env bash
# Back up the citynews database and uploaded media into a new directory.
#
#   DATABASE_URL=postgres://user:pass@host:5432/citynews MEDIA_ROOT=/srv/citynews/media \
#     deploy/backup.sh /var/backups/citynews/$(date -u +%Y%m%dT%H%M%SZ)
#
# The directory receives database.dump (pg_dump custom format), media.tar.gz, media.sha256 (a
# checksum per media file, checked again after a restore) and SHA256SUMS (covering the three).
# See deploy/README.md.
set -euo pipefail

destination="${1:?usage: backup.sh NEW_BACKUP_DIRECTORY}"
: "${DATABASE_URL:?DATABASE_URL must be set (postgres://...)}"
: "${MEDIA_ROOT:?MEDIA_ROOT must be set}"
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

mkdir -p "$MEDIA_ROOT"
(cd "$MEDIA_ROOT" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 --no-run-if-empty sha256sum) \
  > "$destination/media.sha256"
tar --create --gzip --file="$destination/media.tar.gz" --directory="$MEDIA_ROOT" .

# SHA256SUMS is written last, under a temporary name: a directory that has it is a complete backup.
(cd "$destination" && sha256sum database.dump media.tar.gz media.sha256 > SHA256SUMS.partial \
  && mv SHA256SUMS.partial SHA256SUMS)
echo "backup.sh: backup written to $destination"
