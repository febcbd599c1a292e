#!/usr/bin/env bash
# JigSaw benchmark (issue 18's Targets). Part 1, SPB training: the σ sweep, SPB at each σ of the menu against
# σ = 0 (plain data-parallel training) on the synthetic task and on Cora's features, seeds 42.. (REPEATS of them):
# measured backward FLOPs, all-reduced bytes, accuracy delta and its spread over seeds, the measured κ. Part 2, the
# simulation: `frugal reproduce --only scheduling.jigsaw` (full scale). Neither depends on wall-clock speed except
# the simulation's timings (the experiment's per-run seconds and the timed canonical run at the end).
# Usage: bench/jigsaw/run.sh [OUT_DIR]   (from the repository root)
# Environment: SIGMAS (space-separated; default 0.125 0.25 0.3125 0.375 0.5), REPEATS (default 3), SEED (default 42),
#              PART (train, simulate or all; default all).
set -euo pipefail
out=${1:-frugal-out/bench-jigsaw}
mkdir -p "$out"
dotnet build src/Frugal.Cli -c Release -v quiet -nologo > /dev/null
frugal=src/Frugal.Cli/bin/Release/net10.0/frugal
part=${PART:-all}
if [[ $part != simulate ]]; then
  for task in synthetic cora; do
    epochs=10; [[ $task == cora ]] && epochs=100
    for sigma in ${SIGMAS:-0.125 0.25 0.3125 0.375 0.5}; do
      "$frugal" jigsaw train --model mlp --task "$task" --workers 4 --spb-sigma "$sigma" --epochs "$epochs" \
        --repeats "${REPEATS:-3}" --seed "${SEED:-42}" --json "$out/train-$task-$sigma.json" > /dev/null
    done
  done
  python3 bench/jigsaw/summarise.py "$out"/train-*.json
fi
if [[ $part != train ]]; then
  uptime
  "$frugal" reproduce --only scheduling.jigsaw --out "$out" --seed "${SEED:-42}"
  # The simulation-speed target: the canonical 120-job trace at Q = 50, baseline and JigSaw (wall time; the load
  # average beside it says how busy the machine was).
  time "$frugal" schedule simulate --policy jigsaw --cluster v100=32 --decision-iterations 50 > /dev/null
  uptime
fi
