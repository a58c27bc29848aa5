#!/bin/sh
# Build LOFTESKARTAN_DB from parts, reading the password from its secret file, so the
# password is never in the image, the compose file or `docker inspect`.
set -eu
if [ -z "${LOFTESKARTAN_DB:-}" ] && [ -n "${LOFTESKARTAN_DB_PASSWORD_FILE:-}" ]; then
    password=$(python -c 'import sys, urllib.parse; print(urllib.parse.quote(open(sys.argv[1]).read().strip(), safe=""))' "$LOFTESKARTAN_DB_PASSWORD_FILE")
    LOFTESKARTAN_DB="postgresql://${LOFTESKARTAN_DB_USER}:${password}@${LOFTESKARTAN_DB_HOST}/${LOFTESKARTAN_DB_NAME}"
    export LOFTESKARTAN_DB
fi
exec "$@"
