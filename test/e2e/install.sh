#!/usr/bin/env bash
# Installs northflank-mock the three ways that need no registry release, each from a fresh clone of this
# repository's HEAD into an empty consumer project: a path, a git+file:// URL, and `npm pack`'s tarball.
# In each consumer, test/e2e/consumer-check.mjs imports startMock and drives it, and runs the installed
# CLI (--version, a start, --log-pretty without pino-pretty); `npx northflank-mock --version` must print
# the version. Then, in the clone installed from a path, `npm start` must reuse a current build and
# rebuild a stale one. Run by .ci/run; uses only the npm registry (through npm's cache when warm).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
check=$repo/test/e2e/consumer-check.mjs
work=$(mktemp -d "${TMPDIR:-/tmp}/northflank-mock-install-XXXXXX")
trap 'rm -rf "$work"' EXIT
version=$(node -p "require('$repo/package.json').version")
npm_flags=(--no-audit --no-fund --loglevel=error)

step () { printf '\n== %s\n' "$*"; }
fail () { printf 'FAIL: %s\n' "$*" >&2; exit 1; }
timed () { local t0=$SECONDS; "$@"; echo "   (${*:1:3}…: $((SECONDS - t0)) s)"; }

consumer () {
  mkdir -p "$work/$1"
  printf '{ "name": "consumer-%s", "version": "1.0.0", "private": true, "type": "module" }\n' "$1" > "$work/$1/package.json"
}

verify () {
  (
    cd "$work/$1"
    [ ! -e node_modules/pino-pretty ] || fail "$1: pino-pretty was installed, so --log-pretty's message cannot be checked"
    node "$check" "$version"
    out=$(npx --no-install northflank-mock --version)
    [ "$out" = "$version" ] || fail "$1: npx northflank-mock --version printed '$out', expected '$version'"
    echo "   npx northflank-mock --version: $out"
  )
}

step "fresh clone of $(git -C "$repo" rev-parse --short HEAD)"
git clone --quiet "$repo" "$work/clone"

step 'install from a path (npm links the folder; its prepare installs its dependencies there and builds)'
consumer by-path
(cd "$work/by-path" && timed npm install --save-dev "${npm_flags[@]}" "$work/clone")
[ -L "$work/by-path/node_modules/northflank-mock" ] || fail 'a path install should be a link to the folder'
verify by-path

step 'install from a git URL (npm clones, installs with dev dependencies, runs prepare, packs)'
consumer by-git
(cd "$work/by-git" && timed npm install --save-dev "${npm_flags[@]}" "git+file://$work/clone")
verify by-git

step "install npm pack's tarball, packed from another fresh clone"
git clone --quiet "$repo" "$work/clone-to-pack"
tarball=$(cd "$work/clone-to-pack" && npm pack --silent --pack-destination "$work" | tail -n 1)
[ -f "$work/$tarball" ] || fail "npm pack made no $tarball"
tar -tzf "$work/$tarball" | grep -qx 'package/dist/src/server.js' || fail 'the tarball lacks dist/src/server.js'
! tar -tzf "$work/$tarball" | grep -q '^package/\(src\|node_modules\|test\)/' || fail 'the tarball holds sources, tests or node_modules'
consumer by-tarball
(cd "$work/by-tarball" && timed npm install --save-dev "${npm_flags[@]}" "$work/$tarball")
verify by-tarball

step 'npm start in the clone: a current build is reused, a stale one rebuilt'
(
  cd "$work/clone"
  stamp=dist/.inputs.sha256
  before=$(stat -c %Y.%N "$stamp" dist/src/server.js)
  out=$(npm start --silent -- --version)
  [ "$out" = "$version" ] || fail "npm start -- --version printed '$out'"
  [ "$(stat -c %Y.%N "$stamp" dist/src/server.js)" = "$before" ] || fail 'npm start rebuilt a current build'
  echo '   current build reused'
  sed -i 's/^Usage: northflank-mock \[options\]/Usage: northflank-mock [options] (edited)/' src/config.ts
  npm start --silent -- --help | grep -q '^Usage: northflank-mock \[options\] (edited)$' || fail 'npm start ran a stale build'
  echo '   stale build rebuilt before starting'
)

printf '\nOK: northflank-mock installs and runs from a path, a git URL and a tarball\n'
