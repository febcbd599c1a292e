#!/usr/bin/env bash
# Bagpipe at lookahead 200 against the in-memory embedding server and the F2-backed one with a memory budget of 1/8
# of the tables' bytes (rows × d × 4): the prefetch stall as a share of iteration time, and F2's time over memory's.
# 4 trainer processes on this machine, DLRM (d = 16), batch 512, synthetic data at the paper's skew, α = 2 ms and
# β = 1000 MB/s on the trainers' links to the server (--shape server).
# Usage: bench/recsys/stall-f2.sh [iterations] [tables-divisor] > table.md
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
iterations=${1:-400}
divisor=${2:-100}
dotnet build -c Release "$root/src/Frugal.Cli" > /dev/null
frugal="$root/src/Frugal.Cli/bin/Release/net10.0/frugal"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
run() {
  "$frugal" recsys train --trainers 4 --mode bagpipe --iterations "$iterations" --batch 512 --lookahead 200 \
    --tables-divisor "$divisor" --net-latency-ms 2 --net-bandwidth-mbps 1000 --shape server "$@" > /dev/null
}
run --json "$out/memory.json"
# 1/8 of the tables, from the run's own configuration.
budget=$(python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["config"]
print(sum(c["cardinalities"]) * c["model"]["dim"] * 4 // 8)' "$out/memory.json")
run --store f2 --memory-budget "$budget" --store-dir "$out/f2" --json "$out/f2.json"
python3 - "$out/memory.json" "$out/f2.json" "$budget" <<'PY'
import json, sys
def mean(r, part):
    return 1000 * sum(sum(t[part][1:]) / max(1, len(t[part]) - 1) for t in r["trainers"]) / len(r["trainers"])
runs = [("memory", json.load(open(sys.argv[1])), "-"), ("f2", json.load(open(sys.argv[2])), sys.argv[3])]
print("| server store | memory budget (bytes) | ms/iter | compute | fetch stall | all-reduce | stall share | "
      "parameter hash |")
print("|---|---|---|---|---|---|---|---|")
for name, r, budget in runs:
    total, stall = mean(r, "total"), mean(r, "fetchStall")
    print(f"| {name} | {budget} | {total:.2f} | {mean(r, 'compute'):.2f} | {stall:.2f} | {mean(r, 'allReduce'):.2f} | "
          f"{100 * stall / total:.1f}% | {r['tablesHash'][:12]} |")
print()
print(f"f2 / memory iteration time: {mean(runs[1][1], 'total') / mean(runs[0][1], 'total'):.2f}x")
PY
