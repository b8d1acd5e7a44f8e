#!/usr/bin/env bash
# Installs Node 24 (npm package `node@24`) and the pinned n8n into a cache folder
# outside the git tree, reused when already there. Used by `npm start`, the
# end-to-end tests and the benchmarks that measure n8n's built-in Outlook node.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
pins="$here/n8n-version.json"
n8n_version=$(node -p "require('$pins').n8n")
node_major=$(node -p "require('$pins').node")
pw_version=$(node -p "require('$pins').playwrightCore")
cache="${GRAPH_MAIL_CACHE:-$HOME/.cache/n8n-nodes-graph-mail}"
root="$cache/n8n-$n8n_version"
stamp="$root/.provisioned"
log() { printf '[provision] %s\n' "$*" >&2; }

if [ -f "$stamp" ] && command -v chromium >/dev/null 2>&1; then
  log "n8n $n8n_version already provisioned in $root"
  echo "$root"
  exit 0
fi
mkdir -p "$root"
cd "$root"
[ -f package.json ] || printf '{"name":"graph-mail-n8n-runtime","private":true}\n' > package.json

fail() { log "FAILED: $*"; log "the npm registry refused or the install broke; see the npm output above"; exit 1; }

if [ ! -x node_modules/.bin/node ] || ! node_modules/.bin/node --version | grep -q "^v$node_major\."; then
  log "installing Node $node_major from the npm package node@$node_major (about 1 min)"
  npm install --no-audit --no-fund --ignore-scripts=false "node@$node_major" >&2 || fail "npm install node@$node_major"
fi
node24="$root/node_modules/.bin/node"
log "Node for n8n: $("$node24" --version)"

if [ ! -f node_modules/n8n/package.json ] || [ "$(node -p "require('./node_modules/n8n/package.json').version")" != "$n8n_version" ]; then
  log "installing n8n $n8n_version with --ignore-scripts (about 5 min, ~2.8 GB)"
  PATH="$root/node_modules/.bin:$PATH" npm install --no-audit --no-fund --loglevel=error --ignore-scripts "n8n@$n8n_version" "playwright-core@$pw_version" >&2 \
    || fail "npm install n8n@$n8n_version"
fi

log "rebuilding sqlite3 with the system Node $(node --version) (about 1.5 min)"
(cd node_modules/sqlite3 && npm rebuild sqlite3 >&2 2>&1) || (npm rebuild sqlite3 >&2) || fail "npm rebuild sqlite3"
"$node24" -e "require('$root/node_modules/sqlite3')" || fail "sqlite3 does not load under Node $node_major"

if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing Debian's chromium for the browser tests (about 1 min)"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >&2 || fail "apt-get install chromium"
  else
    log "chromium is not installed and this user cannot apt-get it: the browser test will fail"
  fi
fi

date -u +%FT%TZ > "$stamp"
log "done: n8n $n8n_version in $root"
echo "$root"
