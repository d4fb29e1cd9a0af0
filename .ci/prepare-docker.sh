#!/usr/bin/env bash
# What the Docker smoke test needs before it builds: a running engine (.ci/start-docker-engine.sh) and
# the base images the Dockerfiles name, the emulator's (ARG NODE_IMAGE) and the example consumer's
# (FROM), built locally where missing (.ci/build-node-base-image.sh). Idempotent; needs root.
# On a new machine this takes a few minutes, mostly downloads: .ci/run starts it in the background while
# npm test runs, and docker/smoke-test.sh runs it again, when it only finds everything ready.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
base_image=$(sed -n 's/^ARG NODE_IMAGE=//p' "$repo/Dockerfile")
consumer_base_image=$(awk '$1 == "FROM" { print $2; exit }' "$repo/docker/consumer/Dockerfile")
[ -n "$base_image" ] || { echo "prepare-docker.sh: no 'ARG NODE_IMAGE=…' line in the Dockerfile" >&2; exit 1; }
[ -n "$consumer_base_image" ] || { echo "prepare-docker.sh: no FROM line in docker/consumer/Dockerfile" >&2; exit 1; }
timeout 300 bash "$repo/.ci/start-docker-engine.sh"
for tag in $(printf '%s\n' "$base_image" "$consumer_base_image" | sort -u); do
  timeout 600 bash "$repo/.ci/build-node-base-image.sh" "$tag"
done
