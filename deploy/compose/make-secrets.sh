#!/bin/sh
# Writes the secrets compose.yaml reads into deploy/compose/secrets/ (git ignores them), keeping any that exist.
set -eu
dir=$(cd "$(dirname "$0")" && pwd)/secrets
mkdir -p "$dir"
# The directory keeps other users of the host out; the files inside are bind-mounted for the uid 10001 of the image.
chmod 0700 "$dir"
random() { od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'; }
write() {
  if [ -s "$dir/$1" ]; then return; fi
  printf '%s\n' "$2" > "$dir/$1"
  chmod 0644 "$dir/$1"
  echo "wrote $dir/$1" >&2
}
write postgres_password "$(random 24)"
write database_url "postgresql://dx:$(cat "$dir/postgres_password")@postgres:5432/dx"
write dx_admin_token "$(random 32)"
write dx_subscription_secret "$(random 32)"
write dx_secret_key "$(random 32)"
write dx_audit_key "$(random 32)"
echo "The data office's API key is in $dir/dx_admin_token." >&2
