#!/usr/bin/env bash
# Regenerates web/: Leaflet 1.9.4 (BSD-2) and the Natural Earth country
# outlines (public domain, via world-atlas 2.0.2, ISC) from the npm registry.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack -q leaflet@1.9.4 world-atlas@2.0.2 topojson-client@3.1.0 >/dev/null)
for p in leaflet world-atlas topojson-client; do
  mkdir -p "$tmp/$p" && tar xzf "$tmp"/$p-*.tgz -C "$tmp/$p" --strip-components=1
done
cp "$tmp/leaflet/dist/leaflet.js" "$tmp/leaflet/dist/leaflet.css" .
cp "$tmp/leaflet/LICENSE" LICENSE-leaflet
cp "$tmp/world-atlas/LICENSE" LICENSE-world-atlas
node scripts/countries.js "$tmp" > countries.geojson
