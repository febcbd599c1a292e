#!/usr/bin/env bash
# The larger-than-memory run (issue 13, item 3): about 250M records of 8-byte keys and 100-byte values (27 GB, more
# than the machine's memory), YCSB-B and YCSB-A for 60 s each, budgets 1/8 and 1/32, buffered I/O, every store one
# after another in a process of its own; each store's files are deleted before the next starts, so the disk holds one
# store at a time. It takes hours: run it once, on a quiet machine, and commit the table it prints.
#
#   bench/storage/large.sh                    # the full run
#   RECORDS=20000 RUN_SECONDS=2 bench/storage/large.sh   # a check that it runs end to end, in about a minute
#
# Settings (environment): RECORDS (default 250000000), RUN_SECONDS (60), STORES (frugal,faster,tsavorite,tsavorite-rc,
# rocksdb), FRACTIONS (0.125,0.03125), WORKLOADS (B,A), THREADS (2), DIR (scratch folder, default
# /tmp/frugal-large), OUT (folder for one JSON per store, default bench/results/storage-large), EXTRA (more kv bench
# options, e.g. "--memory-limit cgroup").
set -euo pipefail

cd "$(dirname "$0")/../.."
RECORDS=${RECORDS:-250000000}
SECONDS_PER_RUN=${RUN_SECONDS:-60}
STORES=${STORES:-frugal,faster,tsavorite,tsavorite-rc,rocksdb}
FRACTIONS=${FRACTIONS:-0.125,0.03125}
WORKLOADS=${WORKLOADS:-B,A}
THREADS=${THREADS:-2}
DIR=${DIR:-/tmp/frugal-large}
OUT=${OUT:-bench/results/storage-large}
EXTRA=${EXTRA:-}
VALUE_BYTES=100

# One store's files at a time: its data plus twice as much again for what its logs and compaction write beside it, and
# 1 GiB to spare. Twice, for our store: loading 250M records at 1/8 it held 46 GB on disk when 12 GB had reached its
# cold log (hot log up to four budgets plus the space that waits for a checkpoint, and the cold index's chunk log);
# RocksDB rewrites whole levels.
data_bytes=$((RECORDS * (8 + VALUE_BYTES)))
need=$((3 * data_bytes + (1 << 30)))
mkdir -p "$DIR" "$OUT"
free=$(($(df --output=avail -B1 "$DIR" | tail -1)))
if ((free < need)); then
    echo "large.sh: $DIR has $((free >> 30)) GiB free; $RECORDS records need $((need >> 30)) GiB" \
        "(set DIR or RECORDS)." >&2
    exit 2
fi

echo "$(date -u +%H:%M:%S) building the bench"
dotnet build -c Release bench/Frugal.Bench -v quiet -nologo | grep -E "error|Warn" || true
bench=bench/Frugal.Bench/bin/Release/net10.0/frugal-bench
echo "$(date -u +%H:%M:%S) $RECORDS records ($((data_bytes >> 20)) MiB of data), stores $STORES, budgets $FRACTIONS," \
    "workloads $WORKLOADS, $SECONDS_PER_RUN s each; load average $(cut -d' ' -f1-3 /proc/loadavg)"

IFS=, read -ra stores <<<"$STORES"
for store in "${stores[@]}"; do
    rm -rf "${DIR:?}/$store"-*
    echo "$(date -u +%H:%M:%S) $store: start"
    # shellcheck disable=SC2086 # EXTRA is a list of options
    "$bench" kv bench --stores "$store" --workload "$WORKLOADS" --records "$RECORDS" --seconds "$SECONDS_PER_RUN" \
        --threads "$THREADS" --memory-fraction "$FRACTIONS" --io buffered --dir "$DIR" --json "$OUT/$store.json" \
        $EXTRA >"$OUT/$store.txt"
    rm -rf "${DIR:?}/$store"-*
    echo "$(date -u +%H:%M:%S) $store: done ($OUT/$store.json)"
done

echo "$(date -u +%H:%M:%S) all stores done; load average $(cut -d' ' -f1-3 /proc/loadavg)"
jsons=()
for store in "${stores[@]}"; do jsons+=("$OUT/$store.json"); done
bench/storage/markdown.py "${jsons[@]}"
