#!/usr/bin/env bash
# Tuning benchmark: plain SMAC and GP-BO against their LlamaTune-wrapped versions, and random search, on the same
# seeds, on RocksDB (62 options, in-process YCSB-A) and on PostgreSQL 15 under YCSB-A (pgbench scripts); every run
# measures by the protocol in the loop (median of R runs per trial, the incumbent re-measured every K trials, the
# final best verified against the default alternately), after a preflight that refuses a machine whose default CV is
# above 5%. Everything is resumable: rerun the same command and the runs in OUT/<target>-runs continue.
# Usage: bench/tuning/run.sh [OUT_DIR] [rocksdb|postgres|kv|all]   (from the repository root)
# Environment (defaults are the full, quiet-machine campaign of issue 22):
#   ITERATIONS (50), SEEDS (5), METHODS (random,smac,llamatune-smac,gp,llamatune-gp),
#   REPEATS (3), REMEASURE (10), VERIFY (5), ALLOW_NOISY (empty; set to 1 to run on a noisy machine anyway),
#   ROCKSDB ("--scale 100 --duration 2 --warmup 1"), POSTGRES ("--workload ycsb-a --scale 10 --clients 4 --duration 10
#   --warmup 5").
set -euo pipefail
out=${1:-frugal-out/bench-tuning}
which=${2:-all}
iterations=${ITERATIONS:-50}
seeds=${SEEDS:-5}
methods=${METHODS:-random,smac,llamatune-smac,gp,llamatune-gp}
protocol=(--repeats "${REPEATS:-3}" --remeasure-every "${REMEASURE:-10}" --verify-rounds "${VERIFY:-5}")
[[ -n ${ALLOW_NOISY:-} ]] && protocol+=(--allow-noisy)
mkdir -p "$out"
dotnet build src/Frugal.Cli -c Release -v quiet -nologo > /dev/null
frugal=src/Frugal.Cli/bin/Release/net10.0/frugal

# One comparison of $methods on target $1 with workload arguments $2, resumable through its history folder.
compare() {
  local target=$1 args=$2 resume=()
  [[ -d $out/$target-runs ]] && resume=(--resume)
  echo "load before $target: $(uptime)" | tee -a "$out/load.txt"
  # shellcheck disable=SC2086 # $args is a list of options
  "$frugal" tune compare --target "$target" $args "${protocol[@]}" --methods "$methods" \
    --iterations "$iterations" --seeds "$seeds" --history-dir "$out/$target-runs" "${resume[@]}" \
    --out "$out/$target" --json "$out/$target.json"
  echo "load after $target: $(uptime)" | tee -a "$out/load.txt"
}

if [[ $which == all || $which == rocksdb ]]; then
  compare rocksdb "${ROCKSDB:---scale 100 --duration 2 --warmup 1}"
fi
if [[ $which == all || $which == postgres ]]; then
  compare postgres "${POSTGRES:---workload ycsb-a --scale 10 --clients 4 --duration 10 --warmup 5}"
fi
if [[ $which == all || $which == kv ]]; then
  # Frugal's own store has 6 knobs, so the projection goes to 4 dimensions (HeSBO needs fewer than the knobs).
  compare kv "--workload A --scale 200 --duration 1 --warmup 0.3 --dims 4"
fi
