#!/usr/bin/env bash
# The browser suite: builds the cocity binary, installs the pinned npm packages if they are
# missing, and runs the scenario in Debian's headless Chromium. Fails (non-zero) when
# anything it needs is missing: nothing is skipped.
#
#   bash e2e/run.sh            # from the repository root (or e2e/run.sh from anywhere)
#
# Environment: COCITY_E2E_CHROMIUM (default /usr/bin/chromium), CARGO_TARGET_DIR (as cargo),
# COCITY_BIN (use this binary instead of building one).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
chromium="${COCITY_E2E_CHROMIUM:-/usr/bin/chromium}"

fail() { echo "e2e: FAIL: $*" >&2; exit 1; }

[ -x "$chromium" ] || fail "Chromium not found at $chromium (Debian: apt-get install -y chromium chromium-driver)"
command -v node >/dev/null || fail "node not found (Node.js 20 or newer is needed)"
command -v npm >/dev/null || fail "npm not found"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" -ge 20 ] || fail "Node.js $(node --version) is too old: 20 or newer is needed"
echo "e2e: $("$chromium" --version 2>/dev/null || echo "$chromium"), node $(node --version)"

if [ -z "${COCITY_BIN:-}" ]; then
  (cd "$root" && cargo build -p cocity)
  export COCITY_BIN="${CARGO_TARGET_DIR:-$root/target}/debug/cocity"
fi
[ -x "$COCITY_BIN" ] || fail "cocity binary not found at $COCITY_BIN"

cd "$here"
if [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/axe-core ]; then
  npm ci --no-audit --no-fund
fi
# The vendored axe must be the pinned one: a stale copy would check with other rules.
pinned="$(node -p 'require("./node_modules/axe-core/package.json").version')"
head -n 1 vendor/axe.min.js | grep -qxF "/*! axe v$pinned" || fail "vendor/axe.min.js is not axe-core $pinned: cp node_modules/axe-core/axe.min.js vendor/"

export COCITY_E2E_CHROMIUM="$chromium"
# The default reporter is TAP when the output is not a terminal: it closes with "# pass N"
# and "# fail N".
exec node --test --test-concurrency=1 tests/*.test.mjs
