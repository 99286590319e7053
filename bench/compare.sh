#!/usr/bin/env bash
# Side-by-side: eventmap's tagger against the Python taggers geotext and
# flashgeotext (installed from PyPI into a venv in target/), in one run on
# the same text: the dev corpus (../shared/corpora/*.jsonl) repeated to at
# least 20 MB. Reports MB/s, docs/s and peak memory for each, and ratios.
# eventmap is timed as a whole process (start-up, gazetteer load, reading
# and writing JSON lines) on one core and on all cores; the Python taggers
# in-process, their start-up (building their lookup) timed apart.
# Each is run RUNS times (default 3), in rounds: a round times every
# eventmap command and then each Python tagger once, so that a slow minute
# of a shared machine falls on all of them; the median time is reported,
# with the largest peak memory, and each ratio is the median of the
# rounds' own ratios.
# usage: [RUNS=n] bench/compare.sh [MB]
set -euo pipefail
cd "$(dirname "$0")/.."
mb=${1:-20}
runs=${RUNS:-3}
cargo build --release -q
. bench/common.sh
need_gnu_time
venv=target/compare-venv
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import geotext, flashgeotext" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q geotext flashgeotext
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 bench/corpus_input.py "$mb" "$work/input.jsonl"
bin=target/release/eventmap
"$bin" lookup Vilnius >/dev/null  # the gazetteer image cache, as after any first run
run() {  # name, then the command: prints "name seconds peak_kb"
  local name=$1; shift
  /usr/bin/time -f "$name %e %M" "$@" 2>&1 >/dev/null </dev/null | tail -1
}
# One core: one tagging thread, and the process (its reader and writer
# threads too) held to one CPU.
one_core=(env RAYON_NUM_THREADS=1)
if command -v taskset >/dev/null; then
  one_core+=(taskset -c "$(python3 -c 'import os; print(min(os.sched_getaffinity(0)))')")
fi
cat > "$work/python.py" <<'PY'
import json, resource, sys, time
texts = [json.loads(l)["text"] for l in open(sys.argv[1])]

def timed(name, setup, tag):
    t0 = time.perf_counter()
    state = setup()
    t1 = time.perf_counter()
    for t in texts:
        tag(state, t)
    t2 = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(name, f"{t2 - t1:.3f}", peak, f"{t1 - t0:.3f}")

from geotext import GeoText
timed("geotext", lambda: GeoText("warm up"), lambda _, t: GeoText(t))
from flashgeotext.geotext import GeoText as Flash
timed("flashgeotext", lambda: Flash(), lambda g, t: g.extract(input_text=t))
PY
for round in $(seq "$runs"); do
  {
    run "eventmap_tag_1core" "${one_core[@]}" "$bin" tag --jsonl "$work/input.jsonl"
    run "eventmap_tag_allcores" "$bin" tag --jsonl "$work/input.jsonl"
    run "eventmap_extract_1core" "${one_core[@]}" "$bin" extract --jsonl "$work/input.jsonl"
    run "eventmap_extract_allcores" "$bin" extract --jsonl "$work/input.jsonl"
    "$venv/bin/python" "$work/python.py" "$work/input.jsonl"
  } | sed "s/^/$round /"
done > "$work/rounds.txt"
python3 - "$work/input.jsonl" "$work/rounds.txt" "$(nproc)" <<'PY'
import os, statistics, sys
size = os.path.getsize(sys.argv[1]) / 1e6
docs = sum(1 for _ in open(sys.argv[1]))
rounds = {}  # round -> name -> seconds
rows = {}  # name -> ([seconds], peak MB, start-up seconds or None)
for line in open(sys.argv[2]):
    r, name, secs, kb, *startup = line.split()
    rounds.setdefault(r, {})[name] = float(secs)
    times, mem, _ = rows.get(name, ([], 0.0, None))
    rows[name] = (times + [float(secs)], max(mem, int(kb) / 1024), float(startup[0]) if startup else None)
print(f"input: {size:.1f} MB, {docs} documents; {sys.argv[3]} cores; median of {len(rounds)} rounds")
print(f"{'tagger':28} {'MB/s':>8} {'docs/s':>9} {'peak MB':>8}  note")
for name, (times, mem, startup) in rows.items():
    secs = statistics.median(times)
    note = "whole process" if startup is None else f"start-up {startup:.2f} s not counted"
    print(f"{name:28} {size / secs:8.1f} {docs / secs:9.0f} {mem:8.0f}  {note}")

def ratio(slow, fast):
    """Median over the rounds of slow's time over fast's, in the same round."""
    return statistics.median(r[slow] / r[fast] for r in rounds.values())

for name in ("eventmap_tag_1core", "eventmap_tag_allcores", "flashgeotext"):
    print(f"{name} / geotext: {ratio('geotext', name):.2f}x")
print(f"eventmap tag, all cores / one core: {ratio('eventmap_tag_1core', 'eventmap_tag_allcores'):.2f}x")
print(f"eventmap extract, all cores / one core: {ratio('eventmap_extract_1core', 'eventmap_extract_allcores'):.2f}x")
PY
