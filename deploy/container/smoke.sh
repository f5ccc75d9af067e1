#!/bin/sh
# Runs the image built by build.sh as production would (read-only root file system, non-root, secrets from files,
# a data volume each), as two instances started together on one fresh database of the local PostgreSQL
# (127.0.0.1:5432, dropped afterwards) and the local Kafka (127.0.0.1:9092), and checks that:
#   - both apply the migrations together (one waits on the other's advisory lock) and /readyz answers ready;
#   - the image's HEALTHCHECK passes;
#   - the data office's key read from DX_ADMIN_TOKEN_FILE is accepted and a wrong one refused;
#   - a principal made through one instance is seen through the other;
#   - the gateway runs as uid 10001, cannot write its root file system and can write /data;
#   - SIGTERM stops each with exit status 0 within SHUTDOWN_TIMEOUT_MS.
# Exits 0 when all hold. Environment: IMAGE (default localhost/dx-gateway:<version>), SMOKE_PORT (default 18480;
# the second instance uses the next port), KAFKA_BROKERS, PGHOST_URL (default postgresql://postgres@127.0.0.1:5432).
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
  for instance in 1 2; do podman_ logs --tail 30 "$NAME-$instance" >&2 2>/dev/null || true; done
  exit 1
}
cleanup() {
  for instance in 1 2; do
    podman_ rm -f "$NAME-$instance" >/dev/null 2>&1 || true
    podman_ volume rm -f "$NAME-$instance-data" >/dev/null 2>&1 || true
  done
  psql "$PGHOST_URL/postgres" -qc "DROP DATABASE IF EXISTS $DATABASE" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

start_instance() { # instance port
  # shellcheck disable=SC2086
  podman_ run -d --name "$NAME-$1" --network host --read-only $PODMAN_ULIMITS \
    -v "$NAME-$1-data:/data" \
    -v "$WORK/dx_admin_token:/run/secrets/dx_admin_token:ro" \
    -v "$WORK/dx_secret_key:/run/secrets/dx_secret_key:ro" \
    -v "$WORK/dx_audit_key:/run/secrets/dx_audit_key:ro" \
    -e KAFKA_BROKERS="$KAFKA_BROKERS" \
    -e DATABASE_URL="$PGHOST_URL/$DATABASE" \
    -e DX_ADMIN_TOKEN_FILE=/run/secrets/dx_admin_token \
    -e DX_SECRET_KEY_FILE=/run/secrets/dx_secret_key \
    -e DX_AUDIT_KEY_FILE=/run/secrets/dx_audit_key \
    -e HOST=127.0.0.1 -e PORT="$2" -e SHUTDOWN_TIMEOUT_MS="$SHUTDOWN_TIMEOUT_MS" \
    "$IMAGE" >/dev/null
}

wait_ready() { # instance port
  for _ in $(seq 1 120); do
    [ "$(podman_ inspect -f '{{.State.Running}}' "$NAME-$1")" = true ] || fail "instance $1 exited"
    if curl -fsS "http://127.0.0.1:$2/readyz" 2>/dev/null | grep -q '"status":"ready"'; then return; fi
    sleep 1
  done
  fail "/readyz of instance $1 did not answer ready within 120 s"
}

status_of() { # method url key [body]
  curl -s -o /dev/null -w '%{http_code}' -X "$1" -H "Authorization: Bearer $3" -H 'content-type: application/json' ${4:+--data "$4"} "$2"
}

stop_instance() { # instance
  stop_start=$(date +%s%N)
  podman_ kill --signal TERM "$NAME-$1" >/dev/null
  # shellcheck disable=SC2086
  code=$(timeout $((SHUTDOWN_TIMEOUT_MS / 1000 + 5)) podman $PODMAN_RUNTIME_OPTS wait "$NAME-$1") || fail "instance $1 still running $((SHUTDOWN_TIMEOUT_MS / 1000 + 5)) s after SIGTERM"
  elapsed_ms=$((($(date +%s%N) - stop_start) / 1000000))
  [ "$code" = 0 ] || fail "instance $1: exit status $code after SIGTERM"
  [ "$elapsed_ms" -le "$SHUTDOWN_TIMEOUT_MS" ] || fail "instance $1 took $elapsed_ms ms to stop (SHUTDOWN_TIMEOUT_MS $SHUTDOWN_TIMEOUT_MS)"
  podman_ logs "$NAME-$1" 2>&1 | grep -q '"msg":"stopped"' || fail "instance $1: no 'stopped' in the log"
  echo "smoke: instance $1: SIGTERM: exit status 0 after $elapsed_ms ms" >&2
}

psql "$PGHOST_URL/postgres" -qc "CREATE DATABASE $DATABASE" >/dev/null
TOKEN=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
printf '%s\n' "$TOKEN" > "$WORK/dx_admin_token"
chmod 0644 "$WORK/dx_admin_token"
# Both instances seal and chain with the same keys, as a real installation's instances must.
for key in dx_secret_key dx_audit_key; do
  od -An -N32 -tx1 /dev/urandom | tr -d ' \n' > "$WORK/$key"
  chmod 0644 "$WORK/$key"
done

started=$(date +%s)
url1=http://127.0.0.1:$PORT
url2=http://127.0.0.1:$((PORT + 1))
start_instance 1 "$PORT"
start_instance 2 "$((PORT + 1))"
wait_ready 1 "$PORT"
wait_ready 2 "$((PORT + 1))"
echo "smoke: both instances ready after $(($(date +%s) - started)) s" >&2
migrated=0
for instance in 1 2; do
  if podman_ logs "$NAME-$instance" 2>&1 | grep -q '"msg":"database migrations applied"'; then migrated=$((migrated + 1)); fi
done
[ "$migrated" = 1 ] || fail "$migrated instances applied the migrations (one should, the other find them applied)"

podman_ healthcheck run "$NAME-1" >/dev/null || fail "the image's HEALTHCHECK failed"
[ "$(status_of GET "$url1/api/v1/principals" "$TOKEN")" = 200 ] || fail "the key from DX_ADMIN_TOKEN_FILE was refused"
[ "$(status_of GET "$url1/api/v1/principals" not-the-token-000000000000)" = 401 ] || fail "a wrong key was not refused"
created=$(status_of POST "$url1/api/v1/principals" "$TOKEN" '{"kind":"department","name":"smoke","departmentCode":"SMOKE"}')
[ "$created" = 201 ] || fail "creating a principal through instance 1 answered $created"
curl -fsS -H "Authorization: Bearer $TOKEN" "$url2/api/v1/principals?kind=department" | grep -q '"departmentCode":"SMOKE"' \
  || fail "instance 2 does not see the principal made through instance 1"
uid=$(podman_ exec "$NAME-1" id -u)
[ "$uid" = 10001 ] || fail "the gateway runs as uid $uid"
if podman_ exec "$NAME-1" sh -c 'echo x > /app/written' 2>/dev/null; then fail "the root file system is writable"; fi
podman_ exec "$NAME-1" sh -c 'echo x > /data/written && rm /data/written' || fail "the data volume is not writable"
echo "smoke: healthcheck, key from file, shared state, uid 10001, read-only root file system: ok" >&2

stop_instance 1
stop_instance 2
echo "smoke: passed ($IMAGE, $(($(date +%s) - started)) s)" >&2
