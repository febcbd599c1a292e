#!/usr/bin/env bash
# Tuning benchmark: plain SMAC and GP-BO against their LlamaTune-wrapped versions, and random search, on the same
# seeds, on RocksDB (62 options, in-process YCSB-A) and on PostgreSQL 15 under YCSB-A (pgbench scripts); every run
# measures by the protocol in the loop (median of R runs per trial, the incumbent re-measured every K trials, the
# final best verified against the default alternately), after a preflight that refuses a machine whose default CV
# between 5 trials is above 5%. Everything is resumable: rerun the same command and the runs in OUT/<target>-runs
# continue.
# Usage: bench/tuning/run.sh [OUT_DIR] [rocksdb-noise|rocksdb|postgres|kv|all]   (from the repository root)
#   rocksdb-noise: first, on the quiet machine: the default's CV against the run length (tune noise: 1, 2 and 4 s
#   runs, 3 trials of 5 runs each, about 3 minutes; shorter runs end before the default's first flush), table on
#   screen, JSON in OUT_DIR/rocksdb-noise.json. The rocksdb campaign then runs at the shortest length whose CV
#   between trials (the preflight's statistic) is below 5%.
# Environment (defaults are the full, quiet-machine campaign of issue 22):
#   ITERATIONS (50), SEEDS (5), METHODS (random,smac,llamatune-smac,gp,llamatune-gp),
#   REPEATS (3), REMEASURE (10), VERIFY (5), ALLOW_NOISY (empty; set to 1 to run on a noisy machine anyway),
#   ROCKSDB ("--scale 100 --duration D --warmup 1", D the shortest quiet length of OUT_DIR/rocksdb-noise.json, else 2;
#   the 2 s default awaits that quiet confirmation; a resumed history bounds the host-scaled ranges by the host it
#   records: docs/tuning.md, hostMax), POSTGRES ("--workload ycsb-a --scale 10 --clients 4 --duration 5
#   --warmup 5"): 5-s runs measured 2.2% between trials on the quiet machine, 3-s runs 4.8%, 10-s runs 2.1%;
#   bench/results/tuning/postgres-noise-quiet.json).
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

if [[ $which == rocksdb-noise ]]; then
  echo "load before rocksdb-noise: $(uptime)" | tee -a "$out/load.txt"
  "$frugal" tune noise --target rocksdb --scale 100 --warmup 1 --durations 1,2,4 --runs 5 --trials 3 \
    --json "$out/rocksdb-noise.json"
  echo "load after rocksdb-noise: $(uptime)" | tee -a "$out/load.txt"
fi
if [[ $which == all || $which == rocksdb ]]; then
  duration=2 why="no quiet length measured yet: run rocksdb-noise first"
  quiet=$(grep -o '"shortestQuietDuration": [0-9.]*' "$out/rocksdb-noise.json" 2> /dev/null | grep -o '[0-9.]*$' || true)
  [[ -n $quiet ]] && duration=$quiet why="the shortest quiet length in $out/rocksdb-noise.json"
  [[ -z ${ROCKSDB:-} ]] && echo "rocksdb: runs of $duration s ($why)"
  compare rocksdb "${ROCKSDB:---scale 100 --duration $duration --warmup 1}"
fi
if [[ $which == all || $which == postgres ]]; then
  compare postgres "${POSTGRES:---workload ycsb-a --scale 10 --clients 4 --duration 5 --warmup 5}"
fi
if [[ $which == all || $which == kv ]]; then
  # Frugal's own store has 6 knobs, so the projection goes to 4 dimensions (HeSBO needs fewer than the knobs).
  compare kv "--workload A --scale 200 --duration 1 --warmup 0.3 --dims 4"
fi
