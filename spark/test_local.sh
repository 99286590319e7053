#!/usr/bin/env bash
# Runs spark/extract.py on Spark in local mode (2 cores, 4 partitions) over
# a JSONL corpus, merges the parts and checks the layers equal a
# single-machine `eventmap build` of the same file, byte for byte.
# Installs pyspark into a venv (target/spark-venv) and Java if missing.
# usage: spark/test_local.sh   (after cargo build --release)
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v java >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless >/dev/null
fi
venv=target/spark-venv
if [ ! -x "$venv/bin/spark-submit" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q pyspark
fi
export PYSPARK_PYTHON="$PWD/$venv/bin/python"
SPARK_HOME=$("$venv/bin/python" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))')
export SPARK_HOME
bin=target/release/eventmap
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The corpus: generated articles as records, plus the hostile fixture's
# markup and a line that is not a record.
python3 bench/generate_articles.py 300 "$work/txt"
python3 - "$work/txt" "$work/corpus.jsonl" <<'PY'
import json, pathlib, sys
src, out = pathlib.Path(sys.argv[1]), sys.argv[2]
with open(out, "w") as f:
    for p in sorted(src.iterdir()):
        title, date, text = p.read_text().split("\n", 2)
        f.write(json.dumps({"id": p.stem, "title": title, "date": date, "source": "generated",
                            "url": f"https://example.org/{p.stem}", "text": text}) + "\n")
    f.write(json.dumps({"id": "hostile", "title": "<script>alert(1)</script>",
                        "text": "Germany sent 300 troops to Vilnius <img src=x onerror=alert(2)>."}) + "\n")
    f.write("this line is not a record\n")
PY
"$bin" build --articles "$work/corpus.jsonl" --out "$work/built" -q
"$venv/bin/spark-submit" --master "local[2]" --conf spark.ui.enabled=false \
  spark/extract.py "$work/corpus.jsonl" "$work/parts" --eventmap "$bin" --partitions 4 2>"$work/spark.log" \
  || { tail -40 "$work/spark.log"; exit 1; }
parts=$(ls "$work/parts" | grep -c '^part-')
"$bin" merge "$work/parts" --out "$work/merged" -q
for f in places.geojson forces.geojson events.geojson movements.geojson \
         places.csv forces.csv events.csv movements.csv index.html eventmap.qgs; do
  cmp "$work/built/$f" "$work/merged/$f" || { echo "FAIL: $f differs between build and Spark + merge"; exit 1; }
done
n=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['features']))" "$work/merged/forces.geojson")
echo "Spark local[2], $parts parts: layers equal the single-machine build ($n forces)"
