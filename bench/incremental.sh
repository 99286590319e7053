#!/usr/bin/env bash
# Clean build of N generated articles, then one article added and an
# incremental rebuild, timed in the same run: the clean build 3 times and
# the add-one rebuild 5 times (a new article each), medians reported; then
# the same in `eventmap watch`, which keeps the gazetteer loaded.
# Writeback of the previous build is let finish (sync) before each timed
# build, so a build is not charged for the one before it.
# usage: bench/incremental.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-2000}
cargo build --release -q
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 bench/generate_articles.py "$n" "$work/in"
bin=target/release/eventmap
"$bin" lookup Vilnius >/dev/null  # the gazetteer image cache, as after any first run
now() { date +%s.%N; }
clean=() rebuild=()
for i in 1 2 3; do
  sync
  t0=$(now); "$bin" build --articles "$work/in" --out "$work/out" --clean -q; t1=$(now)
  clean+=("$(awk "BEGIN { printf \"%.3f\", $t1 - $t0 }")")
done
for i in 1 2 3 4 5; do
  python3 bench/generate_articles.py 1 "$work/in" --seed $((100 + i)) --start $((n + i))
  sync
  t0=$(now); "$bin" build --articles "$work/in" --out "$work/out" -q; t1=$(now)
  rebuild+=("$(awk "BEGIN { printf \"%.3f\", $t1 - $t0 }")")
done
# The same in watch mode, where the gazetteer stays loaded between builds:
# three more articles, each build's time as the build itself reports it.
EVENTMAP_TIMINGS=1 "$bin" watch --articles "$work/in" --out "$work/out" --interval-ms 100 \
  --max-builds 4 2>"$work/watch.log" &
watcher=$!
for i in 1 2 3; do
  until [ "$(grep -c '^changes:' "$work/watch.log" 2>/dev/null)" -ge "$i" ]; do sleep 0.1; done
  python3 bench/generate_articles.py 1 "$work/in" --seed $((200 + i)) --start $((n + 10 + i))
done
wait "$watcher"
watch=$(awk '/layers and geopackage written/ {n++; if (n > 1) printf "%.3f ", $1 / 1000}' "$work/watch.log")
python3 - "$n" "${clean[*]}" "${rebuild[*]}" "$(du -sb "$work/in" | cut -f1)" "$watch" <<'PY'
import statistics, sys
n, clean, rebuild, size = int(sys.argv[1]), sys.argv[2].split(), sys.argv[3].split(), int(sys.argv[4])
watch = sys.argv[5].split()
c = statistics.median(map(float, clean))
r = statistics.median(map(float, rebuild))
print(f"articles: {n} ({size / 1e6:.1f} MB)")
print(f"clean build:                 {c:.2f} s median of {' '.join(clean)}")
print(f"add one article and rebuild: {r:.2f} s median of {' '.join(rebuild)}")
print(f"rebuild / clean:             {100 * r / c:.1f} %")
w = statistics.median(map(float, watch))
print(f"watch, add one and rebuild:  {w:.2f} s median of {' '.join(watch)} ({100 * w / c:.1f} % of clean)")
PY
