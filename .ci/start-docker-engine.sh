#!/usr/bin/env bash
# Makes a Docker engine answer: does nothing when `docker info` already reaches one; otherwise installs
# Debian's docker.io and docker-compose (v1, `docker-compose`) where dockerd or docker-compose is missing,
# and starts dockerd in the background, detached from the caller (it keeps running after CI's shell ends).
# Idempotent; needs root. docker/smoke-test.sh calls it first. Log: $DOCKERD_LOG (default
# <tmpdir>/dockerd.log).
set -euo pipefail
if docker info >/dev/null 2>&1; then echo "docker engine already running"; exit 0; fi
if ! command -v dockerd >/dev/null || ! command -v docker-compose >/dev/null; then
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io docker-compose >/dev/null
fi
log=${DOCKERD_LOG:-$(dirname "$(mktemp -u)")/dockerd.log}
setsid dockerd >"$log" 2>&1 < /dev/null &
for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && { echo "docker engine started"; exit 0; }; sleep 1; done
echo "dockerd did not start; see $log" >&2
exit 1
