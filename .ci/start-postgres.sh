#!/usr/bin/env bash
# Start a throwaway PostgreSQL on 127.0.0.1 for the test suite; prints the URL to use.
# Installs Debian's postgresql when missing. Usage: eval "$(.ci/start-postgres.sh)"
set -euo pipefail
PORT=${PGPORT_TEST:-54329}
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  (apt-get update -qq && apt-get install -y -qq postgresql >/dev/null) >&2
fi
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
DATA=$(mktemp -d /tmp/mentordesk-pg.XXXXXX)
chown postgres:postgres "$DATA"
runuser -u postgres -- "$BIN/initdb" -D "$DATA" -A trust -U postgres >/dev/null
command -v openssl >/dev/null || (apt-get update -qq && apt-get install -y -qq openssl >/dev/null) >&2
# A self-signed certificate, so the suite proves connections use TLS when the server offers it.
openssl req -new -x509 -days 2 -nodes -subj "/CN=127.0.0.1" -keyout "$DATA/server.key" -out "$DATA/server.crt" 2>/dev/null
chown postgres:postgres "$DATA/server.key" "$DATA/server.crt" && chmod 600 "$DATA/server.key"
runuser -u postgres -- "$BIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w \
  -o "-h 127.0.0.1 -p $PORT -k $DATA -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c ssl=on" start >&2
echo "export MENTORDESK_TEST_PG_URL=postgresql+psycopg://postgres@127.0.0.1:$PORT/postgres"
echo "export MENTORDESK_TEST_PG_DATA=$DATA"
