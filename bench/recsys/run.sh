#!/usr/bin/env bash
# Bagpipe benchmark: iteration time of sync, lru and bagpipe over the α × β grid, 4 trainer processes on this machine,
# synthetic data at the paper's skew, DLRM. shape: which links α and β apply to, server (the trainers' links to the
# embedding server; the all-reduce on a fast interconnect, as in the paper) or all (the all-reduce ring too).
# Usage: bench/recsys/run.sh [iterations] [tables-divisor] [allreduce-chunk] [server|all] > table.md
# ALPHAS="2" BETAS="1000" (environment) run only those cells of the grid. Means leave out the first WARMUP iterations
# of every trainer (default: the first half): a fresh process spends them JIT-compiling (tiered compilation
# recompiles thousands of methods on the same 2 cores) and filling caches, which a long training run does not pay.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
iterations=${1:-100}
divisor=${2:-100}
chunk=${3:-8192}
shape=${4:-server}
warmup=${WARMUP:-$(( iterations / 2 > 1 ? iterations / 2 : 1 ))}
dotnet build -c Release "$root/src/Frugal.Cli" > /dev/null
frugal="$root/src/Frugal.Cli/bin/Release/net10.0/frugal"
out=$(mktemp -d)
echo "| α ms | β MB/s | mode | ms/iter | compute | fetch stall | all-reduce | parameter hash |"
echo "|---|---|---|---|---|---|---|---|"
for alpha in ${ALPHAS:-0 0.5 2 5}; do
  for beta in ${BETAS:-100 1000}; do
    for mode in sync lru bagpipe; do
      "$frugal" recsys train --trainers 4 --mode "$mode" --iterations "$iterations" --batch 512 --lookahead 50 \
        --tables-divisor "$divisor" --net-latency-ms "$alpha" --net-bandwidth-mbps "$beta" \
        --allreduce-chunk "$chunk" --shape "$shape" --json "$out/r.json" > /dev/null
      python3 - "$out/r.json" "$alpha" "$beta" "$mode" "$warmup" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
warmup = int(sys.argv[5])
def mean(part):
    return 1000 * sum(sum(t[part][warmup:]) / max(1, len(t[part]) - warmup) for t in r["trainers"]) / len(r["trainers"])
print(f"| {sys.argv[2]} | {sys.argv[3]} | {sys.argv[4]} | {mean('total'):.2f} | {mean('compute'):.2f} | "
      f"{mean('fetchStall'):.2f} | {mean('allReduce'):.2f} | {r['tablesHash'][:12]} |")
PY
    done
  done
done
rm -rf "$out"
