#!/usr/bin/env bash
# The compression benchmark: the study grid, the early-layer variant, the new codecs and options, the cost-model sweep
# (backward messages plain and quantised) and codec throughput on a [128, 32, 1024] fp32 tensor against a plain copy.
# Results land in OUT (default bench-out/compression).
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:-bench-out/compression}
dotnet build -c Release src/Frugal.Cli -v q
FRUGAL=src/Frugal.Cli/bin/Release/net10.0/frugal
mkdir -p "$OUT"
uptime | tee "$OUT/uptime.txt"
$FRUGAL compress study --grid bench/compression/grid.txt --out "$OUT/study" --json "$OUT/study.json" > /dev/null
$FRUGAL compress study --grid bench/compression/early-layers.txt --out "$OUT/early" --json "$OUT/early.json" > /dev/null
$FRUGAL compress study --grid bench/compression/new-codecs.txt --out "$OUT/new" --json "$OUT/new.json" > /dev/null
$FRUGAL compress extrapolate --link 100us/1Gbps --out "$OUT/extrapolate" --json "$OUT/extrapolate.json" > /dev/null
$FRUGAL compress extrapolate --link 100us/1Gbps --compress-backward --out "$OUT/extrapolate-backward" \
  --json "$OUT/extrapolate-backward.json" > /dev/null
for m in none ae topk topk-ef randk randk-ef lowrank q8 q4 q2 srht ct q4+stochastic q4+rms; do
  $FRUGAL compress codec --method "$m" --shape 128,32,1024 --repeat 5 --json "$OUT/codec-$m.json" > /dev/null
done
uptime | tee -a "$OUT/uptime.txt"
