#!/usr/bin/env python3
"""The benchmarks' input: the dev corpus (../shared/corpora/*.jsonl)
repeated to at least MB megabytes, as {"id", "text"} lines with fresh ids.

usage: bench/corpus_input.py MB OUT.jsonl   (run from the repository root)
"""
import glob
import json
import sys


def write(path, mb):
    records = [json.loads(l) for p in sorted(glob.glob("../shared/corpora/*.jsonl")) for l in open(p)]
    if not records:
        sys.exit("no ../shared/corpora/*.jsonl to build the input from")
    size, n = 0, 0
    with open(path, "w") as f:
        while size < mb * 1e6:
            for r in records:
                line = json.dumps({"id": f"{r['id']}-{n}", "text": r["text"]}) + "\n"
                f.write(line)
                size += len(line.encode())
                n += 1


if __name__ == "__main__":
    write(sys.argv[2], float(sys.argv[1]))
