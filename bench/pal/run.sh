#!/usr/bin/env bash
# PAL benchmark (bench/results/pal.md): scheduling.pal at full scale for several master seeds (each seed draws
# another sampled cluster and other Poisson arrivals), plus the eight traces replayed at their own submit times.
# Simulation only: nothing here depends on wall-clock speed. Usage: bench/pal/run.sh [OUT]
set -euo pipefail
out=${1:-pal-bench}
frugal=src/Frugal.Cli/bin/Release/net10.0/frugal
dotnet build -c Release src/Frugal.Cli >/dev/null
for seed in 42 1 2 3 4; do
  "$frugal" reproduce --only scheduling.pal --seed "$seed" --out "$out/seed-$seed" >/dev/null
done
mkdir -p "$out/trace-times"
for n in 1 2 3 4 5 6 7 8; do
  for p in packed-non-sticky packed-sticky pm-first pal; do
    "$frugal" schedule simulate --placement "$p" --round 360 --arrivals trace \
      --trace data/pal/sia-philly/workload-$n.csv --json "$out/trace-times/workload-$n.$p.json" >/dev/null
  done
done
python3 bench/pal/summarise.py "$out"
