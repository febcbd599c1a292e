#!/usr/bin/env bash
# Mirage benchmark: simulator validation and every provisioning method on the validation period
# of the real Lonestar6 trace (../shared/data/mirage), for Mirage's 88-node pool and for the pool
# size whose simulated mean wait matches the real one (74 nodes), at loads 0.8, 1 and 1.2.
# Usage: bench/provisioning/run.sh [OUT_DIR]   (from the repository root; writes JSON per run, prints a Markdown table)
set -euo pipefail
out=${1:-frugal-out/bench-provisioning}
mkdir -p "$out"
dotnet build src/Frugal.Cli -c Release -v quiet -nologo > /dev/null
frugal=src/Frugal.Cli/bin/Release/net10.0/linux-x64/frugal  # TorchSharp.props builds for the RID
[ -x "$frugal" ] || frugal=src/Frugal.Cli/bin/Release/net10.0/frugal
for pools in 88 74; do
  "$frugal" provision simulate --pools "$pools" --json "$out/simulate-$pools.json" > /dev/null
  for model in forest gbt; do
    /usr/bin/time -f "%e" -o "$out/train-$model-$pools.seconds" \
      "$frugal" provision train --pools "$pools" --method "$model" --model "$out/$model-$pools.zip" --json "$out/train-$model-$pools.json" > /dev/null
  done
  # pg reads the frozen gbt model; once with Mirage's per-episode baseline, once with the batch mean.
  for baseline in episode batch; do
    /usr/bin/time -f "%e" -o "$out/train-pg-$baseline-$pools.seconds" \
      "$frugal" provision train --pools "$pools" --method pg --pg-baseline "$baseline" --value-model "$out/gbt-$pools.zip" \
        --model "$out/pg-$baseline-$pools.zip" --json "$out/train-pg-$baseline-$pools.json" > /dev/null
  done
  for load in 0.8 1 1.2; do
    for method in reactive dependency avg-wait forest gbt; do
      model_args=()
      [[ $method == forest || $method == gbt ]] && model_args=(--model "$out/$method-$pools.zip")
      "$frugal" provision evaluate --pools "$pools" --load "$load" --method "$method" "${model_args[@]}" --json "$out/evaluate-$pools-$method-$load.json" > /dev/null
    done
    for baseline in episode batch; do
      "$frugal" provision evaluate --pools "$pools" --load "$load" --method pg --model "$out/pg-$baseline-$pools.zip" --json "$out/evaluate-$pools-pg-$baseline-$load.json" > /dev/null
    done
  done
done
python3 bench/provisioning/summarise.py "$out"
