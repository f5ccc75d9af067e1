#!/bin/sh
# Runs the image built by build.sh as production would (read-only root file system, non-root, secrets from files,
# a data volume) against the local Kafka (127.0.0.1:9092) and PostgreSQL (127.0.0.1:5432, a fresh database made
# here and dropped afterwards), and checks that:
#   - /readyz answers ready and the image's HEALTHCHECK passes;
#   - the data office's key read from DX_ADMIN_TOKEN_FILE is accepted;
#   - the gateway runs as uid 10001 and cannot write its root file system;
#   - SIGTERM stops it with exit status 0 within SHUTDOWN_TIMEOUT_MS.
# Exits 0 when all hold. Environment: IMAGE (default localhost/dx-gateway:<version>), SMOKE_PORT (default 18480),
# KAFKA_BROKERS, PGHOST_URL (default postgresql://postgres@127.0.0.1:5432).
set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/deploy/container/podman-env.sh"
VERSION=$(node -p "require('$ROOT/package.json').version")
IMAGE=${IMAGE:-localhost/dx-gateway:$VERSION}
PORT=${SMOKE_PORT:-18480}
KAFKA_BROKERS=${KAFKA_BROKERS:-127.0.0.1:9092}
PGHOST_URL=${PGHOST_URL:-postgresql://postgres@127.0.0.1:5432}
SHUTDOWN_TIMEOUT_MS=8000
NAME=dx-smoke-$$
DATABASE=dx_smoke_$$
WORK=$(mktemp -d)

fail() {
  echo "smoke: FAILED: $*" >&2
  podman_ logs --tail 40 "$NAME" >&2 2>/dev/null || true
  exit 1
}
cleanup() {
  podman_ rm -f "$NAME" >/dev/null 2>&1 || true
  podman_ volume rm -f "$NAME-data" >/dev/null 2>&1 || true
  psql "$PGHOST_URL/postgres" -qc "DROP DATABASE IF EXISTS $DATABASE" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

psql "$PGHOST_URL/postgres" -qc "CREATE DATABASE $DATABASE" >/dev/null
TOKEN=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
printf '%s\n' "$TOKEN" > "$WORK/dx_admin_token"
chmod 0644 "$WORK/dx_admin_token"

started=$(date +%s)
# shellcheck disable=SC2086
podman_ run -d --name "$NAME" --network host --read-only $PODMAN_ULIMITS \
  -v "$NAME-data:/data" \
  -v "$WORK/dx_admin_token:/run/secrets/dx_admin_token:ro" \
  -e KAFKA_BROKERS="$KAFKA_BROKERS" \
  -e DATABASE_URL="$PGHOST_URL/$DATABASE" \
  -e DX_ADMIN_TOKEN_FILE=/run/secrets/dx_admin_token \
  -e HOST=127.0.0.1 -e PORT="$PORT" -e SHUTDOWN_TIMEOUT_MS="$SHUTDOWN_TIMEOUT_MS" \
  "$IMAGE" >/dev/null

url=http://127.0.0.1:$PORT
ready=
for _ in $(seq 1 120); do
  [ "$(podman_ inspect -f '{{.State.Running}}' "$NAME")" = true ] || fail "the container exited"
  if curl -fsS "$url/readyz" 2>/dev/null | grep -q '"status":"ready"'; then ready=1; break; fi
  sleep 1
done
[ -n "$ready" ] || fail "/readyz did not answer ready within 120 s"
echo "smoke: /readyz ready after $(($(date +%s) - started)) s" >&2

podman_ healthcheck run "$NAME" >/dev/null || fail "the image's HEALTHCHECK failed"
status=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$url/api/v1/principals")
[ "$status" = 200 ] || fail "the key from DX_ADMIN_TOKEN_FILE got $status from /api/v1/principals"
status=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer not-the-token-000000000000" "$url/api/v1/principals")
[ "$status" = 401 ] || fail "a wrong key got $status from /api/v1/principals"
uid=$(podman_ exec "$NAME" id -u)
[ "$uid" = 10001 ] || fail "the gateway runs as uid $uid"
if podman_ exec "$NAME" sh -c 'echo x > /app/written' 2>/dev/null; then fail "the root file system is writable"; fi
podman_ exec "$NAME" sh -c 'echo x > /data/written && rm /data/written' || fail "the data volume is not writable"
echo "smoke: healthcheck, key from file, uid 10001, read-only root file system: ok" >&2

stop_start=$(date +%s%N)
podman_ kill --signal TERM "$NAME" >/dev/null
# shellcheck disable=SC2086
code=$(timeout $((SHUTDOWN_TIMEOUT_MS / 1000 + 5)) podman $PODMAN_RUNTIME_OPTS wait "$NAME") || fail "still running $((SHUTDOWN_TIMEOUT_MS / 1000 + 5)) s after SIGTERM"
elapsed_ms=$((($(date +%s%N) - stop_start) / 1000000))
[ "$code" = 0 ] || fail "exit status $code after SIGTERM"
[ "$elapsed_ms" -le "$SHUTDOWN_TIMEOUT_MS" ] || fail "took $elapsed_ms ms to stop (SHUTDOWN_TIMEOUT_MS $SHUTDOWN_TIMEOUT_MS)"
podman_ logs "$NAME" 2>&1 | grep -q '"msg":"stopped"' || fail "no 'stopped' in the log"
echo "smoke: SIGTERM: exit status 0 after $elapsed_ms ms" >&2
echo "smoke: passed ($IMAGE, $(($(date +%s) - started)) s)" >&2
