#!/usr/bin/env bash
# Installs northflank-mock the three ways that need no registry release into empty consumer projects,
# from a fresh clone of this repository's HEAD: its path, a git+file:// URL of it, and `npm pack`'s tarball.
# In each consumer, test/e2e/consumer-check.mjs imports startMock and drives it, and runs the installed
# CLI (--version, a start, --log-pretty without pino-pretty); `npx northflank-mock --version` must print
# the version. Then, in the clone installed from a path, `npm start` must reuse a current build and
# rebuild a stale one. Run by .ci/run; uses only the npm registry (through npm's cache when warm).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
check=$repo/test/e2e/consumer-check.mjs
work=$(mktemp -d "${TMPDIR:-/tmp}/northflank-mock-install-XXXXXX")
git_install=
trap '[ -z "$git_install" ] || kill "$git_install" 2>/dev/null || true; rm -rf "$work"' EXIT
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
    node "$check" "$version"
    out=$(npx --no-install northflank-mock --version)
    [ "$out" = "$version" ] || fail "$1: npx northflank-mock --version printed '$out', expected '$version'"
    echo "   npx northflank-mock --version: $out"
  )
}

step "fresh clone of $(git -C "$repo" rev-parse --short HEAD)"
git clone --quiet "$repo" "$work/clone"

# The git install runs meanwhile, in the background: both spend most of their time installing the
# build's dev dependencies.
consumer by-git
(cd "$work/by-git" && timed npm install --save-dev "${npm_flags[@]}" "git+file://$work/clone") > "$work/by-git.log" 2>&1 &
git_install=$!

step 'install from a path (npm links the folder; its prepare installs its dependencies there and builds)'
consumer by-path
# npm shows a dependency's script output only with --foreground-scripts: with it, the prepare must say
# what it does, and that it takes a while, before it starts.
(cd "$work/by-path" && timed npm install --save-dev --no-audit --no-fund --loglevel=warn --foreground-scripts "$work/clone") \
  2> "$work/by-path.err" || { cat "$work/by-path.err" >&2; fail 'npm install <path> failed'; }
said=$(grep -m1 -v '^npm ' "$work/by-path.err" || true)
[[ "$said" == "northflank-mock: installing its build tools in "*", then building dist/ "*": about a minute, once" ]] \
  || fail "the prepare step's first words were not what it does: '$said'"
echo "   the prepare said first: $said"
[ -L "$work/by-path/node_modules/northflank-mock" ] || fail 'a path install should be a link to the folder'
verify by-path
# npm 11 warns that the package's prepare is "not yet covered by allowScripts" (the consumer's own
# package.json field), yet runs it: verify ran the build it made.
if grep -q 'not yet covered by allowScripts' "$work/by-path.err"; then echo '   npm warned of allowScripts, and ran the prepare all the same'; fi

step 'install from a git URL (npm clones it, installs its dev dependencies, runs prepare, packs)'
status=0
wait "$git_install" || status=$?
cat "$work/by-git.log"
[ "$status" -eq 0 ] || fail "npm install git+file://… exited $status"
verify by-git

# Packed in the clone installed from a path above: packing needs the build tools, which that install put
# there (on a fresh clone, prepare installs them the same way as for a path).
step "install npm pack's tarball"
tarball=$(cd "$work/clone" && npm pack --silent --pack-destination "$work" | tail -n 1)
[ -f "$work/$tarball" ] || fail "npm pack made no $tarball"
listing=$(tar -tzf "$work/$tarball")
grep -qx 'package/dist/src/server.js' <<<"$listing" || fail 'the tarball lacks dist/src/server.js'
! grep -q '^package/\(src\|node_modules\|test\)/' <<<"$listing" || fail 'the tarball holds sources, build scripts, tests or node_modules'
echo "   $tarball: $(wc -l <<<"$listing") files, $(du -k "$work/$tarball" | cut -f1) KiB"
consumer by-tarball
(cd "$work/by-tarball" && timed npm install --save-dev --no-audit --no-fund --loglevel=warn "$work/$tarball") \
  2> "$work/by-tarball.err" || { cat "$work/by-tarball.err" >&2; fail 'npm install <tarball> failed'; }
# The runtime install warns of no engine (this Node is one the package supports) but those the README explains.
while read -r name; do
  grep -qF "package: '$name'" "$repo/README.md" || fail "npm warned EBADENGINE for $name, which the README does not explain"
  echo "   npm warned EBADENGINE for $name, which the README explains"
done < <(sed -n "s/^npm warn EBADENGINE *package: '\([^']*\)',\$/\1/p" "$work/by-tarball.err")
verify by-tarball

step 'npm start in the clone: a current build is reused, a stale one rebuilt'
(
  cd "$work/clone"
  stamp=dist/.inputs.sha256
  before=$(stat -c '%i %.9Y' "$stamp" dist/src/server.js)
  out=$(npm start --silent -- --version)
  [ "$out" = "$version" ] || fail "npm start -- --version printed '$out'"
  [ "$(stat -c '%i %.9Y' "$stamp" dist/src/server.js)" = "$before" ] || fail 'npm start rebuilt a current build'
  echo '   current build reused'
  sed -i 's/`Usage: northflank-mock \[options\]/`Usage: northflank-mock [options] (edited)/' src/config.ts
  grep -q '(edited)' src/config.ts || fail 'could not edit src/config.ts'
  out=$(npm start --silent -- --help)
  grep -q '^Usage: northflank-mock \[options\] (edited)$' <<<"$out" || fail 'npm start ran a stale build'
  echo '   stale build rebuilt before starting'
)

printf '\nOK: northflank-mock installs and runs from a path, a git URL and a tarball\n'
