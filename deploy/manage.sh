#!/bin/sh
# manage.py with the service's settings, for the operator: `sudo -u citynews deploy/manage.sh migrate`.
# Reads the same file as the systemd units (CITYNEWS_ENV_FILE, default /etc/citynews/citynews.env):
# one KEY=value per line, no quotes, which systemd and the shell read alike.
set -eu
cd "$(dirname "$0")/.."
set -a
. "${CITYNEWS_ENV_FILE:-/etc/citynews/citynews.env}"
set +a
exec .venv/bin/python manage.py "$@"
