#!/usr/bin/env bash
# Clean build of N generated articles, then one article added and an
# incremental rebuild, timed in the same run. usage: bench/incremental.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-2000}
cargo build --release -q
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 bench/generate_articles.py "$n" "$work/in"
bin=target/release/eventmap
now() { date +%s.%N; }
t0=$(now); "$bin" build --articles "$work/in" --out "$work/out" --clean -q; t1=$(now)
python3 bench/generate_articles.py 1 "$work/in" --seed 99 --start "$n"
t2=$(now); "$bin" build --articles "$work/in" --out "$work/out" -q; t3=$(now)
python3 - "$n" "$t0" "$t1" "$t2" "$t3" <<'PY'
import sys
n, t0, t1, t2, t3 = int(sys.argv[1]), *map(float, sys.argv[2:])
clean, inc = t1 - t0, t3 - t2
print(f"clean build of {n} articles: {clean:.2f} s")
print(f"add one article, rebuild:   {inc:.2f} s ({100 * inc / clean:.1f} % of clean)")
PY
