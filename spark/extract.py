#!/usr/bin/env python3
"""eventmap on Apache Spark: `eventmap extract --jsonl` over every partition
of a JSON-lines corpus, its output saved as part files for `eventmap merge`.

usage: spark-submit spark/extract.py INPUT OUTPUT [--eventmap BIN]
                                      [--gazetteer-dir DIR] [--partitions N]

INPUT is a JSONL file, a folder of them or a glob, one article record a line
({"id","title","date","source","url","text"}); OUTPUT a folder that must not
exist yet, which receives part-00000, part-00001, ... in input order. Then

    eventmap merge OUTPUT --out layers

builds the same layers `eventmap build --articles INPUT` would. The binary
and the gazetteer folder must be at the same absolute path on every worker
(in local mode they are); records should carry an "id", since line numbers
restart in every partition.
"""
import argparse
import os
import shlex
import shutil

from pyspark.sql import SparkSession


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--eventmap", default=shutil.which("eventmap") or "target/release/eventmap")
    ap.add_argument("--gazetteer-dir", default="gazetteer")
    ap.add_argument("--partitions", type=int, default=0,
                    help="at least this many partitions (default: Spark's choice)")
    args = ap.parse_args()

    spark = SparkSession.builder.appName("eventmap extract").getOrCreate()
    sc = spark.sparkContext
    lines = sc.textFile(args.input, minPartitions=args.partitions or None)
    command = [
        os.path.abspath(args.eventmap), "extract", "--jsonl",
        "--gazetteer-dir", os.path.abspath(args.gazetteer_dir),
    ]
    # pipe() runs the command once per partition, the partition's lines on
    # its stdin; its stdout lines (one per article, or an error record) are
    # the new partition, saved in partition order.
    lines.pipe(shlex.join(command)).saveAsTextFile(args.output)
    spark.stop()


if __name__ == "__main__":
    main()
