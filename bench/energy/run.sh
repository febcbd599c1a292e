#!/usr/bin/env bash
# Energy benchmark (design §8, issue 20's Targets): the two-phase tuner against the exhaustive grid optimum and
# random search, on the noisy simulated Orin-like board, every recommendation scored noise-free. A simulator study:
# it measures regret and samples, not wall-clock time, so it may run on a busy machine.
# Usage: bench/energy/run.sh [OUT_DIR]   (from the repository root)
# Environment: SEEDS (default 30), BUDGETS (default 10,15,20,30), SEED (master seed, default 42).
set -euo pipefail
out=${1:-frugal-out/bench-energy}
mkdir -p "$out"
dotnet build src/Frugal.Cli -c Release -v quiet -nologo > /dev/null
frugal=src/Frugal.Cli/bin/Release/net10.0/linux-x64/frugal  # TorchSharp.props builds for the RID
[ -x "$frugal" ] || frugal=src/Frugal.Cli/bin/Release/net10.0/frugal
"$frugal" energy study --profiles vision,language --slo-ms 50,100,200 --budgets "${BUDGETS:-10,15,20,30}" \
  --seeds "${SEEDS:-30}" --seed "${SEED:-42}" --json "$out/study.json" > "$out/study.txt"
"$frugal" energy grid --profile vision --json "$out/grid-vision.json" > /dev/null
"$frugal" energy grid --profile language --json "$out/grid-language.json" > /dev/null
python3 bench/energy/summarise.py "$out/study.json"
