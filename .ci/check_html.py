#!/usr/bin/env python3
"""Renders an output folder's index.html in headless Chromium and checks it.

usage: check_html.py OUTPUT_DIR [--hostile]

The page must draw one marker (SVG path of class em-feature) per feature of
the four layers, and build every popup (#selftest) without any article
text turning into markup: with --hostile the articles carry <script> and
<img onerror> payloads that would set a data-pwned attribute if they ran.
"""
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

out = Path(sys.argv[1]).resolve()
hostile = "--hostile" in sys.argv[2:]
expected = sum(
    len(json.loads((out / f"{layer}.geojson").read_text())["features"])
    for layer in ("places", "forces", "events", "movements")
)
with tempfile.TemporaryDirectory() as profile:
    dom = subprocess.run(
        [
            "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", f"--user-data-dir={profile}", "--virtual-time-budget=10000",
            "--dump-dom", f"file://{out}/index.html#selftest",
        ],
        capture_output=True, text=True, timeout=120, check=True,
    ).stdout

problems = []
markers = len(re.findall(r'<path class="em-feature', dom))
if markers != expected:
    problems.append(f"{markers} markers drawn, {expected} features in the layers")
selftest = re.search(r'data-selftest="(\d+)"', dom)
if not selftest or int(selftest.group(1)) != expected:
    problems.append(f"self-test built {selftest and selftest.group(1)} popups, expected {expected}")
if re.search(r'data-pwned="', dom):
    problems.append("an injected script ran: " + re.search(r'data-pwned="[^"]*"', dom).group(0))
if hostile:
    box = dom[dom.find('id="selftest"'):]
    if "&lt;script&gt;" not in box or "onerror" not in box:
        problems.append("the injected markup is not shown as text in the popups")
    if re.search(r'<a [^>]*href="javascript:', dom, re.I):
        problems.append("a javascript: address became a link")
print(f"{out}/index.html: {markers} markers for {expected} features"
      + (", injected markup shown as text and never run" if hostile and not problems else ""))
if problems:
    print("\n".join("FAIL: " + p for p in problems))
    sys.exit(1)
