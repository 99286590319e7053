#!/usr/bin/env bash
# Streams GB gigabytes (default 1) of JSON-lines article records through
# `eventmap extract --jsonl` (the dev corpus repeated, with fresh ids,
# generated on the fly into the pipe) and reports time and peak memory.
# usage: bench/stream_memory.sh [GB]
set -euo pipefail
cd "$(dirname "$0")/.."
gb=${1:-1}
cargo build --release -q
. bench/common.sh
need_gnu_time
# The gazetteer image cache, as after any first run: building it (once per
# build of the program) takes more memory than streaming does.
target/release/eventmap lookup Vilnius >/dev/null
log=$(mktemp)
trap 'rm -f "$log"' EXIT
python3 - "$gb" <<'PY' | /usr/bin/time -v target/release/eventmap extract --jsonl 2>"$log" | wc -lc
import json, sys
target = float(sys.argv[1]) * 1e9
records = [json.loads(l) for l in open("../shared/corpora/geowebnews.jsonl")]
size, n = 0, 0
out = sys.stdout
while size < target:
    for r in records:
        line = json.dumps({"id": f"{r['id']}-{n}", "text": r["text"]}) + "\n"
        out.write(line)
        size += len(line)
        n += 1
sys.stderr.write(f"streamed {size / 1e9:.2f} GB, {n} records\n")
PY
grep -E "Elapsed|Maximum resident" "$log"
