# Sourced by build.sh and smoke.sh: how podman is called on this host.
# crun refuses hosts that mount cgroups v1 and v2 side by side (hybrid, as in some sandboxes and older systemd
# setups): there runc is used (Debian package runc). Podman raises the limits of open files and processes of root's
# containers to values such sandboxes forbid, so both are set to values the gateway is content with.
PODMAN_RUNTIME_OPTS=
if grep -q ' /sys/fs/cgroup/unified cgroup2 ' /proc/mounts && command -v runc >/dev/null 2>&1; then
  PODMAN_RUNTIME_OPTS="--runtime runc"
fi
PODMAN_ULIMITS="--ulimit nofile=16384:16384 --ulimit nproc=8192:8192"
podman_() {
  # shellcheck disable=SC2086
  podman $PODMAN_RUNTIME_OPTS "$@"
}
