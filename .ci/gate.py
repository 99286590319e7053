#!/usr/bin/env python3
"""Fail CI when accuracy falls below the issues' acceptance figures.

usage: gate.py SEED_SCORE.json GWN_SCORE.json
"""
import json
import sys

seed = json.load(open(sys.argv[1]))["total"]
gwn = json.load(open(sys.argv[2]))
checks = [
    ("seed places recall", seed["places"]["recall"], 0.95),
    ("seed places precision", seed["places"]["precision"], 0.90),
    ("seed places acc@161", seed["places"]["acc161"], 0.95),
    ("seed places local acc@161", seed["places"]["acc161_local"], 1.0),
    ("seed forces recall", seed["forces"]["recall"], 0.85),
    ("seed forces precision", seed["forces"]["precision"], 0.85),
    ("seed forces actor+status agreement", seed["forces"]["both_agree"], 0.75),
    ("GeoWebNews overlap F1", gwn["overlap"]["f1"], 0.75),
    ("GeoWebNews acc@161", gwn["resolution"]["acc161"], 0.90),
]
failed = False
for name, value, floor in checks:
    ok = value is not None and value >= floor
    failed |= not ok
    print(f"{'ok  ' if ok else 'FAIL'} {name}: {value:.3f} (floor {floor})")
sys.exit(1 if failed else 0)
