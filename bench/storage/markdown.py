#!/usr/bin/env python3
"""Prints kv bench --json files as one markdown table (the rows of bench/results/storage.md).

usage: bench/storage/markdown.py RESULT.json [MORE.json ...]
"""
import json
import sys


def cell(value, digits=1):
    return "-" if value is None or value != value else f"{value:,.{digits}f}"


def main(paths):
    print("| budget | workload | store | io | load Kops/s | Kops/s | p50 µs | p99 µs | disk read B/op "
          "| disk write B/op | peak RSS MiB | cgroup peak / limit MiB | reads found | missing | lost "
          "| worst 1-s window |")
    print("|" + "---|" * 16)
    rows = [row for path in paths for row in json.load(open(path))]
    rows.sort(key=lambda r: (-r["memoryFraction"], r["workload"]))
    for r in rows:
        group = "-" if not r.get("memoryLimitBytes") else \
            f"{r['groupPeakBytes'] / 2**20:,.0f} / {r['memoryLimitBytes'] / 2**20:,.0f}"
        worst = r.get("worstWindowFraction")
        worst = "-" if worst is None or worst != worst else \
            f"{worst:.0%}" + (" *stall*" if worst < 0.3 else "")
        reads = r["reads"]
        print(f"| 1/{1 / r['memoryFraction']:g} | {r['workload']} | {r['store']} | {r.get('io', '-')} "
              f"| {cell(r['loadOpsPerSec'] / 1e3, 0)} | {cell(r['opsPerSec'] / 1e3, 0)} | {cell(r['p50Micros'])} "
              f"| {cell(r['p99Micros'])} | {cell(r.get('diskReadBytesPerOp'))} | {cell(r.get('diskWriteBytesPerOp'))} "
              f"| {r['peakBytes'] / 2**20:,.0f} | {group} | {reads['found']:,} | {reads['missing']:,} "
              f"| {reads['lost']:,} | {worst} |")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__.strip())
    main(sys.argv[1:])
