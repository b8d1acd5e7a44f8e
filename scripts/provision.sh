#!/usr/bin/env bash
# Installs what runs n8n next to this package, in a cache folder outside the git tree
# (GRAPH_MAIL_CACHE, default ~/.cache/n8n-nodes-graph-mail), and checks it on every run:
#
#   bash scripts/provision.sh            Node 24 and the pinned n8n, with a sqlite3 that loads
#                                        under Node 24 (what `npm start` needs)
#   bash scripts/provision.sh --browser  also playwright-core and Debian's chromium (the tests)
#   bash scripts/provision.sh --queue    also Debian's redis-server and postgresql-15 (queue-mode
#                                        bench and test; never needed by `npm start`)
#   bash scripts/provision.sh sqlite3 DIR NODE
#                                        only the sqlite3 step, on DIR/node_modules/sqlite3,
#                                        checked with the node binary NODE (for the tests)
#
# Every run checks each part (the binary runs, every package of the install is on disk, sqlite3
# opens a database under Node 24, chromium starts) and repairs what fails; a stamp file is never
# trusted. Prints the n8n folder on stdout, progress on stderr.
#
# Independent of where it is started from: npm exports its settings to the scripts it runs (this
# project's .npmrc has ignore-scripts=true, so `npm start` passes npm_config_ignore_scripts=true
# down), so every npm call here says which scripts setting it needs.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
started=$SECONDS
log() { printf '[provision %4ss] %s\n' "$((SECONDS - started))" "$*" >&2; }
fail() { log "FAILED: $*"; exit 1; }

# sqlite3 comes without a binary (n8n is installed with --ignore-scripts: other native modules
# of n8n do not build and are not needed). Its install script downloads a prebuilt N-API binary
# or compiles one; N-API binaries load under any Node, so it runs with the system Node, whose
# headers node-gyp finds locally (Node 24 from npm ships none).
sqlite3_loads() { # DIR NODE
  "$2" -e '
    const sqlite3 = require(process.argv[1]);
    const db = new sqlite3.Database(":memory:");
    db.get("select sqlite_version() as v", (error, row) => { if (error) throw error; db.close(); });
  ' "$1/node_modules/sqlite3" 2>/dev/null
}
ensure_sqlite3() { # DIR NODE
  local dir=$1 node=$2
  [ -f "$dir/node_modules/sqlite3/package.json" ] || fail "no sqlite3 in $dir/node_modules"
  if sqlite3_loads "$dir" "$node"; then return 0; fi
  local nodedir=()
  local headers
  headers="$(dirname "$(dirname "$(command -v node)")")/include/node"
  if [ -z "$(npm config get nodedir 2>/dev/null | grep -v '^null$\|^undefined$' || true)" ] && [ -f "$headers/node.h" ]; then
    nodedir=("--nodedir=$(dirname "$(dirname "$headers")")")
  fi
  log "building sqlite3 $(node -p "require('$dir/node_modules/sqlite3/package.json').version") with the system Node $(node --version) (an N-API binary: it loads under Node 24 too; about 1.5 min)"
  rm -rf "$dir/node_modules/sqlite3/build"
  (cd "$dir" && with_ticker "building sqlite3" -- npm rebuild --ignore-scripts=false --foreground-scripts=false "${nodedir[@]}" sqlite3 >&2) \
    || fail "npm rebuild sqlite3 in $dir (see the output above)"
  sqlite3_loads "$dir" "$node" || fail "sqlite3 was built but does not open a database under $("$node" --version) ($dir)"
  log "sqlite3 loads under $("$node" --version)"
}

# Runs a command while printing, every 30 s, how long it has been running (and, for installs,
# how much is on disk): long steps should never look stuck.
with_ticker() { # WHAT [--size DIR TOTAL_MB] -- COMMAND...
  local what=$1 size_dir="" total_mb=""
  shift
  if [ "$1" = --size ]; then size_dir=$2 total_mb=$3; shift 3; fi
  shift
  local begin=$SECONDS base_mb=0
  if [ -n "$size_dir" ]; then base_mb=$(du -sm "$size_dir" 2>/dev/null | cut -f1 || echo 0); fi
  (
    while sleep 30; do
      local note=""
      if [ -n "$size_dir" ]; then
        local mb
        mb=$(( $(du -sm "$size_dir" 2>/dev/null | cut -f1 || echo 0) - ${base_mb:-0} ))
        if [ "$mb" -gt 0 ]; then note=", $mb MB of about $total_mb MB written"; else note=", resolving the dependency tree (nothing written yet)"; fi
      fi
      log "  ... $what: $(( (SECONDS - begin) / 60 ))m$(( (SECONDS - begin) % 60 ))s$note${left:+; then $left}"
    done
  ) &
  local ticker=$!
  local status=0
  "$@" || status=$?
  kill "$ticker" 2>/dev/null || true
  wait "$ticker" 2>/dev/null || true
  return $status
}

if [ "${1:-}" = sqlite3 ]; then
  [ $# = 3 ] || fail "usage: provision.sh sqlite3 DIR NODE"
  ensure_sqlite3 "$2" "$3"
  exit 0
fi

browser=false
queue=false
for arg in "$@"; do
  case "$arg" in
    --browser) browser=true ;;
    --queue) queue=true ;;
    *) fail "unknown argument $arg (see the top of $0)" ;;
  esac
done

pins="$here/n8n-version.json"
n8n_version=$(node -p "require('$pins').n8n")
node_major=$(node -p "require('$pins').node")
pw_version=$(node -p "require('$pins').playwrightCore")
cache="${GRAPH_MAIL_CACHE:-$HOME/.cache/n8n-nodes-graph-mail}"
root="$cache/n8n-$n8n_version"
pw_root="$cache/playwright-core-$pw_version"
node24="$root/node_modules/.bin/node"
stamp="$root/.provisioned"
npm_quiet=(--no-audit --no-fund --loglevel=error)

# --- checks: what is there and works --------------------------------------------------------
node_ok() { [ -x "$node24" ] && "$node24" --version 2>/dev/null | grep -q "^v$node_major\."; }
n8n_ok() { node "$here/provision/check-tree.js" "$root" "n8n@$n8n_version" >/dev/null 2>&1; }
sqlite3_ok() { node_ok && [ -f "$root/node_modules/sqlite3/package.json" ] && sqlite3_loads "$root" "$node24"; }
playwright_ok() { node "$here/provision/check-tree.js" "$pw_root" "playwright-core@$pw_version" >/dev/null 2>&1; }
chromium_ok() { command -v chromium >/dev/null 2>&1 && chromium --version >/dev/null 2>&1; }
queue_ok() { redis-server --version >/dev/null 2>&1 && /usr/lib/postgresql/15/bin/postgres --version >/dev/null 2>&1; }

todo=()
node_ok || todo+=("Node $node_major (about 1 min)")
n8n_ok || todo+=("n8n $n8n_version (about 2.8 GB, 5-10 min)")
sqlite3_ok || todo+=("sqlite3 for Node $node_major (about 1.5 min)")
if $browser; then
  playwright_ok || todo+=("playwright-core $pw_version (seconds)")
  chromium_ok || todo+=("chromium (about 1 min)")
fi
if $queue; then
  queue_ok || todo+=("redis-server and postgresql-15 (about 1 min)")
fi
if [ ${#todo[@]} = 0 ]; then
  date -u +%FT%TZ > "$stamp"
  log "checked: Node $("$node24" --version), n8n $n8n_version, sqlite3$($browser && echo ", playwright-core $pw_version, $(chromium --version 2>/dev/null)") in $cache"
  echo "$root"
  exit 0
fi
# Not ready: whoever reads the stamp must not use this folder until it is repaired.
rm -f "$stamp"
log "to install into $cache: $(IFS=';'; echo "${todo[*]}" | sed 's/;/, /g')"
step=0
next() { # announces a step and what comes after it
  step=$((step + 1))
  todo=("${todo[@]:1}")
  left=$(IFS=';'; echo "${todo[*]:-}" | sed 's/;/, /g')
  log "step $step: $1 ($([ -n "$left" ] && echo "left after it: $left" || echo "the last step"))"
}

mkdir -p "$root"
cd "$root"
[ -f package.json ] || printf '{"name":"graph-mail-n8n-runtime","private":true}\n' > package.json

# node-<platform>-<arch> holds the binary itself; the `node` package would fetch it from an
# install script, which npm may refuse to run (allowScripts, ignore-scripts).
node_pkg=$(node -p "const p = process.platform === 'win32' ? 'win' : process.platform; (p === 'darwin' && process.arch === 'arm64' ? 'node-bin' : 'node') + '-' + p + '-' + process.arch")
install_node() {
  # Caches from before used the `node` package, whose bin would clash with this one.
  if [ -d node_modules/node ]; then npm uninstall "${npm_quiet[@]}" --ignore-scripts=true node >&2 || true; fi
  npm install "${npm_quiet[@]}" --ignore-scripts=true --save-exact "$node_pkg@$node_major" >&2 || fail "npm install $node_pkg@$node_major"
  node_ok || fail "$node24 is not a working Node $node_major after the install"
}
if ! node_ok; then
  next "installing Node $node_major ($node_pkg@$node_major from npm)"
  install_node
fi
log "Node for n8n: $("$node24" --version)"

install_n8n() {
  PATH="$root/node_modules/.bin:$PATH" with_ticker "installing n8n $n8n_version" --size "$root/node_modules" 2700 -- \
    npm install "${npm_quiet[@]}" --ignore-scripts=true --save-exact "n8n@$n8n_version" >&2
}
if ! n8n_ok; then
  next "installing n8n $n8n_version without install scripts"
  install_n8n || fail "npm install n8n@$n8n_version"
  if ! n8n_ok; then
    # npm trusts its record of node_modules; with files gone underneath it, start over.
    log "the install is still incomplete ($(node "$here/provision/check-tree.js" "$root" "n8n@$n8n_version" | head -1)); reinstalling from scratch"
    rm -rf "$root/node_modules" "$root/package-lock.json"
    printf '{"name":"graph-mail-n8n-runtime","private":true}\n' > package.json
    install_node
    install_n8n || fail "npm install n8n@$n8n_version"
    n8n_ok || fail "n8n $n8n_version is incomplete after a fresh install: $(node "$here/provision/check-tree.js" "$root" "n8n@$n8n_version")"
  fi
fi

if ! sqlite3_ok; then
  next "building sqlite3 for Node $node_major"
  ensure_sqlite3 "$root" "$node24"
fi

if $browser; then
  if ! playwright_ok; then
    next "installing playwright-core $pw_version (drives chromium in the tests)"
    mkdir -p "$pw_root"
    [ -f "$pw_root/package.json" ] || printf '{"name":"graph-mail-playwright","private":true}\n' > "$pw_root/package.json"
    (cd "$pw_root" && npm install "${npm_quiet[@]}" --ignore-scripts=true --save-exact "playwright-core@$pw_version" >&2) || fail "npm install playwright-core@$pw_version"
    playwright_ok || fail "playwright-core $pw_version is incomplete in $pw_root"
  fi
  if ! chromium_ok; then
    next "installing Debian's chromium (the browser tests)"
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >&2 || fail "apt-get install chromium"
      chromium_ok || fail "chromium is installed but \`chromium --version\` fails"
    else
      fail "chromium is missing and this user cannot apt-get it: install Debian's chromium (sudo apt-get install chromium)"
    fi
  fi
fi

if $queue && ! queue_ok; then
  next "installing Debian's redis-server and postgresql-15 (queue mode; started by the bench and test themselves)"
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server postgresql-15) >&2 \
      || fail "apt-get install redis-server postgresql-15"
    queue_ok || fail "redis-server or postgresql-15 is installed but does not run"
  else
    fail "redis-server or postgresql-15 is missing and this user cannot apt-get them (sudo apt-get install redis-server postgresql-15)"
  fi
fi

date -u +%FT%TZ > "$stamp"
log "done: Node $("$node24" --version), n8n $n8n_version$($browser && echo ", playwright-core $pw_version, $(chromium --version 2>/dev/null)") in $cache"
echo "$root"
