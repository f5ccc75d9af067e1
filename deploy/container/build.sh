#!/bin/sh
# Builds the gateway's container image on a machine that reaches no image registry, only Debian's packages and the
# npm registry. Two base images are assembled first from Debian 12 (bookworm) packages with mmdebstrap:
#   localhost/dx-node:<node version>        minbase, tini, ca-certificates and the node binary (the runtime stage)
#   localhost/dx-node-build:<node version>  the same plus npm (the build stage)
# Debian 12's own nodejs is 18 and the gateway needs Node.js >= 20.12, so the node binary and npm of this machine are
# copied in (NODE_BIN, default the node on PATH: a glibc build for Debian 12, such as NodeSource's package).
# Then deploy/container/Containerfile builds the image on top of them, with the npm registry reached from the build.
#
#   deploy/container/build.sh                 # the bases when missing, then the image
#   REBUILD_BASE=1 deploy/container/build.sh  # the bases again too
# Environment: IMAGE (default localhost/dx-gateway:<package.json version>), NODE_BIN, DEBIAN_MIRROR, NPM_CA_FILE
# (CA bundle for reaching the npm registry; default NODE_EXTRA_CA_CERTS or the system's bundle).
# Needs root (or a rootless podman with subuids) and the Debian packages podman and mmdebstrap (and runc where
# cgroups are hybrid: see podman-env.sh).
set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/deploy/container/podman-env.sh"
NODE_BIN=${NODE_BIN:-$(command -v node)}
NODE_VERSION=$("$NODE_BIN" --version | sed 's/^v//')
NPM_DIR=${NPM_DIR:-$(readlink -f "$(dirname "$(readlink -f "$(command -v npm)")")/..")}
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
VERSION=$("$NODE_BIN" -p "require('$ROOT/package.json').version")
IMAGE=${IMAGE:-localhost/dx-gateway:$VERSION}
NODE_IMAGE=localhost/dx-node:$NODE_VERSION
NODE_BUILD_IMAGE=localhost/dx-node-build:$NODE_VERSION
NPM_CA_FILE=${NPM_CA_FILE:-${NODE_EXTRA_CA_CERTS:-/etc/ssl/certs/ca-certificates.crt}}

case "$NODE_VERSION" in
  20.1[2-9].* | 20.[2-9][0-9].* | 2[1-9].*) ;;
  *) echo "build.sh: node $NODE_VERSION at $NODE_BIN is older than 20.12" >&2; exit 1 ;;
esac

import_rootfs() {
  tar -C "$1" --numeric-owner -c . | podman import --change 'CMD ["/bin/sh"]' - "$2" >/dev/null
}

build_bases() {
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  rootfs=$work/rootfs
  echo "build.sh: assembling Debian bookworm (minbase) from $DEBIAN_MIRROR" >&2
  mmdebstrap --variant=minbase --include=tini,ca-certificates,libstdc++6 \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*' \
    bookworm "$rootfs" "$DEBIAN_MIRROR" </dev/null >&2
  install -D -m 0755 "$NODE_BIN" "$rootfs/usr/local/bin/node"
  import_rootfs "$rootfs" "$NODE_IMAGE"
  mkdir -p "$rootfs/usr/local/lib/node_modules"
  cp -a "$NPM_DIR" "$rootfs/usr/local/lib/node_modules/npm"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
  import_rootfs "$rootfs" "$NODE_BUILD_IMAGE"
  echo "build.sh: base images $NODE_IMAGE and $NODE_BUILD_IMAGE" >&2
}

if [ "${REBUILD_BASE:-}" = 1 ] || ! podman image exists "$NODE_IMAGE" || ! podman image exists "$NODE_BUILD_IMAGE"; then
  build_bases
fi

# The docker format keeps HEALTHCHECK (the OCI image format has no field for it).
# shellcheck disable=SC2086
podman_ build --format docker --network host $PODMAN_ULIMITS \
  --secret "id=npm-ca,src=$NPM_CA_FILE" \
  --ignorefile "$ROOT/deploy/container/containerignore" \
  --build-arg "NODE_IMAGE=$NODE_IMAGE" --build-arg "NODE_BUILD_IMAGE=$NODE_BUILD_IMAGE" \
  --label "org.opencontainers.image.version=$VERSION" \
  -f "$ROOT/deploy/container/Containerfile" -t "$IMAGE" "$ROOT" >&2
echo "$IMAGE"
