#!/usr/bin/env bash
# pabutools vs `cocity pb count` (MES, Cost_Sat, completions none and add1) on the largest
# Pabulib files of ../shared/data/pabulib and a synthetic Budapest-sized instance, in one run.
#
#   bench/pb-vs-pabutools.sh                 # all files below, both completions
#   bench/pb-vs-pabutools.sh --reps 3 --completions none --pabutools-timeout 600
#   PB_FILES="a.pb b.pb" bench/pb-vs-pabutools.sh   # other files
#
# Extra arguments go to bench/pb_vs_pabutools.py. Needs python3 (with venv) and cargo; the only
# network use is `pip install` from PyPI when bench/.venv is missing.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
data="${PABULIB_DIR:-$repo/../shared/data/pabulib}"
target="${CARGO_TARGET_DIR:-$repo/target}"
venv="$repo/bench/.venv"
requirements="$repo/crates/cocity-pb/tests/fixtures/requirements.txt"
out="$repo/bench/out"
mkdir -p "$out"

echo "== building cocity (release)" >&2
cargo build --release -p cocity >&2
cocity="$target/release/cocity"

if [[ ! -x "$venv/bin/python" ]] || ! "$venv/bin/python" -c 'import pabutools' 2>/dev/null; then
  echo "== creating $venv (pabutools from PyPI, pinned)" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet -r "$requirements"
fi

synthetic="$out/synthetic_budapest.pb"
if [[ ! -f "$synthetic" ]]; then
  python3 "$repo/bench/make_synthetic.py" --out "$synthetic" >&2
fi

if [[ -n "${PB_FILES:-}" ]]; then
  read -r -a files <<<"$PB_FILES"
else
  files=(
    "$data/Poland_Lodz_2023.pb"
    "$data/Poland_Wroclaw_2015_up_to_150.pb"
    "$data/Poland_Katowice_2020.pb"
    "$data/Poland_Krakow_2021.pb"
    "$data/Netherlands_Amsterdam_252.pb"
    "$data/Poland_Wieliczka_2023_Green_Budget.pb"
    "$synthetic"
  )
fi

echo "== running ($(nproc) cores; $(uname -m))" >&2
PYTHONHASHSEED=0 exec "$venv/bin/python" "$repo/bench/pb_vs_pabutools.py" --cocity "$cocity" "$@" "${files[@]}"
