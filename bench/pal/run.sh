#!/usr/bin/env bash
# PAL benchmark (bench/results/pal.md): scheduling.pal at full scale. Master seed 42 is the published run (the
# reference's random.seed(42) cluster, one run per trace); seeds 1-4 draw other clusters to show the spread.
# Simulation only: nothing here depends on wall-clock speed. Usage: bench/pal/run.sh [OUT]
set -euo pipefail
out=${1:-pal-bench}
frugal=src/Frugal.Cli/bin/Release/net10.0/frugal
dotnet build -c Release src/Frugal.Cli >/dev/null
for seed in 42 1 2 3 4; do
  "$frugal" reproduce --only scheduling.pal --seed "$seed" --out "$out/seed-$seed" >/dev/null
done
python3 bench/pal/summarise.py "$out"
