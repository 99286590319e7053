#!/usr/bin/env bash
# Instructions a whole `tag` or `extract --jsonl` run executes on one core
# (valgrind's callgrind, installed from Debian if missing), gazetteer load
# included, with the output's digest: the measure that stays put when the
# machine's speed swings, for comparing two builds or two commits.
# usage: bench/instructions.sh [BINARY] [tag|extract] [MB]
#   BINARY defaults to target/release/eventmap (built), MB to 4: the dev
#   corpus (../shared/corpora/*.jsonl) repeated to that size.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-}
cmd=${2:-tag}
mb=${3:-4}
if [ -z "$bin" ]; then
  cargo build --release -q
  bin=target/release/eventmap
fi
if ! command -v valgrind >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind >/dev/null
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 bench/corpus_input.py "$mb" "$work/input.jsonl"
export EVENTMAP_CACHE_DIR="$work/cache"
"$bin" lookup Vilnius >/dev/null  # the image cache, as after any first run
digest=$(RAYON_NUM_THREADS=1 valgrind --tool=callgrind --callgrind-out-file="$work/callgrind.out" \
  "$bin" "$cmd" --jsonl "$work/input.jsonl" 2>"$work/valgrind.log" | sha256sum | cut -c1-16)
refs=$(grep -o 'refs: *[0-9,]*' "$work/valgrind.log" | tr -dc '0-9')
echo "$cmd on $mb MB: $refs instructions, output sha256 $digest…"
