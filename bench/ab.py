#!/usr/bin/env python3
"""Two builds of eventmap timed in turn on the same input, for judging a
change on a shared machine whose speed swings from one minute to the
next: each round runs both (in alternating order), so a slow minute falls
on both, and the report gives the median CPU time (user + system) of each,
the ratio of the medians and the median of the rounds' own ratios. The
outputs are compared too: a speed-up must leave them byte for byte the
same. Each build gets its own gazetteer image cache (made before timing).

usage: bench/ab.py OLD_BINARY NEW_BINARY [--rounds N] [--command tag|extract]
                   [--input FILE.jsonl] [--threads N]

With no --input, the dev corpus (../shared/corpora/*.jsonl) repeated to
20 MB is used, as by bench/compare.sh. --threads 1 (the default) also
holds each run to one CPU with taskset where there is one.
"""

import argparse
import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile


def main():
    os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--rounds", type=int, default=12)
    ap.add_argument("--command", default="tag", choices=["tag", "extract"])
    ap.add_argument("--input")
    ap.add_argument("--threads", default="1")
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="eventmap-ab-")
    try:
        inp = a.input or os.path.join(work, "input.jsonl")
        if not a.input:
            sys.path.insert(0, "bench")
            import corpus_input

            corpus_input.write(inp, 20)
        builds = {"old": os.path.abspath(a.old), "new": os.path.abspath(a.new)}
        env = {}
        for k, b in builds.items():
            env[k] = dict(os.environ, EVENTMAP_CACHE_DIR=os.path.join(work, "cache-" + k), RAYON_NUM_THREADS=a.threads)
            subprocess.run([b, "lookup", "Vilnius"], env=env[k], stdout=subprocess.DEVNULL, check=True)
        # The outputs first: a change that alters them is not a speed-up.
        digests = {}
        for k, b in builds.items():
            out = subprocess.run([b, a.command, "--jsonl", inp], env=env[k], capture_output=True, check=True).stdout
            digests[k] = hashlib.sha256(out).hexdigest()
        pin = ["taskset", "-c", str(min(os.sched_getaffinity(0)))] if a.threads == "1" and shutil.which("taskset") else []
        times = {"old": [], "new": []}
        for r in range(a.rounds):
            for k in ("old", "new") if r % 2 == 0 else ("new", "old"):
                p = subprocess.Popen(pin + [builds[k], a.command, "--jsonl", inp], env=env[k], stdout=subprocess.DEVNULL)
                _, status, usage = os.wait4(p.pid, 0)
                if status != 0:
                    sys.exit(f"{builds[k]} exited with status {status}")
                times[k].append(usage.ru_utime + usage.ru_stime)
        mb = os.path.getsize(inp) / 1e6
        for k in ("old", "new"):
            m = statistics.median(times[k])
            print(f"{k}: CPU median {m:.3f} s ({mb / m:.1f} MB/s), fastest {min(times[k]):.3f} s")
        pairs = [n / o for o, n in zip(times["old"], times["new"])]
        print(
            f"new/old: medians {statistics.median(times['new']) / statistics.median(times['old']):.3f}, "
            f"rounds' median {statistics.median(pairs):.3f}, fastest {min(times['new']) / min(times['old']):.3f} "
            f"({a.rounds} rounds, {a.command}, {mb:.1f} MB, {a.threads} thread(s))"
        )
        if digests["old"] != digests["new"]:
            print("outputs DIFFER between the two builds")
            return 1
        print("outputs identical")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
