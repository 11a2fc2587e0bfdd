#!/usr/bin/env bash
# Load benchmark of the public actor list: the HTML page /m/torino/actors and the API
# /api/v1/m/torino/actors, with 10,000 actors in one municipality, on SQLite and on
# PostgreSQL. Reports requests/s and p50/p99 latency for each.
#
# The benchmark is a Rust bench target (crates/cocity-web/benches/actors_load.rs): it builds
# the real application in-process on a fresh database, seeds the actors, serves it on
# 127.0.0.1 (a random port) and drives it over real HTTP with keep-alive connections.
# Nothing leaves the machine; every run is bounded in time.
#
# Usage: bench/actors-load.sh [sqlite|postgres|both]   (default: both)
# Environment:
#   COCITY_BENCH_SECONDS      measured seconds per target (default 10; a 1 s warm-up precedes)
#   COCITY_BENCH_CONCURRENCY  concurrent connections (default 8)
#   COCITY_BENCH_ACTORS       actors to seed (default 10000)
#   COCITY_BENCH_PROFILE      cargo profile (default bench = release with thin LTO; `dev`
#                             builds much faster and still optimises the dependencies)
#   COCITY_TEST_POSTGRES_URL  server for the PostgreSQL run
#                             (default postgres://postgres@127.0.0.1:5432/postgres)
set -euo pipefail
cd "$(dirname "$0")/.."

which="${1:-both}"
pg_url="${COCITY_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
profile="${COCITY_BENCH_PROFILE:-bench}"

# Build once, outside the timed runs.
cargo bench --profile "$profile" -p cocity-web --bench actors_load --no-run

run_sqlite() {
  echo "== SQLite"
  env -u COCITY_TEST_POSTGRES_URL cargo bench -q --profile "$profile" -p cocity-web --bench actors_load
}

run_postgres() {
  echo "== PostgreSQL ($pg_url)"
  if command -v pg_isready >/dev/null && ! pg_isready -d "$pg_url" >/dev/null 2>&1; then
    echo "PostgreSQL at $pg_url does not answer; start it (e.g. service postgresql start) and retry." >&2
    exit 1
  fi
  COCITY_TEST_POSTGRES_URL="$pg_url" cargo bench -q --profile "$profile" -p cocity-web --bench actors_load
}

case "$which" in
  sqlite) run_sqlite ;;
  postgres) run_postgres ;;
  both) run_sqlite; run_postgres ;;
  *) echo "usage: $0 [sqlite|postgres|both]" >&2; exit 2 ;;
esac
