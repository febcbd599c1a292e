#!/usr/bin/env bash
# Learning benchmark: one epoch of a 2-layer MLP on 100k synthetic rows, through Frugal.Learning (TorchSharp,
# libtorch 2.10 CPU) and in PyTorch (Debian 12's python3-torch), on the same machine, alternately, with the
# same thread count; prints both results and the ratio of median epoch times (Frugal / PyTorch).
# Usage: bench/learning/run.sh [OUT_DIR]   (from the repository root; run it on a quiet machine)
# Environment: THREADS (default: the number of cores), ROUNDS (default 3: alternating runs of each side),
#              EPOCHS (timed epochs per run, default 5), ROWS (default 100000),
#              PYTHON (default /usr/bin/python3: Debian's, which sees python3-torch; a pyenv python3 does not).
# Needs python3-torch (apt-get install -y python3-torch); without it, only the Frugal side runs.
set -euo pipefail
out=${1:-frugal-out/bench-learning}
threads=${THREADS:-$(nproc)}
rounds=${ROUNDS:-3}
python=${PYTHON:-/usr/bin/python3}
args=(--rows "${ROWS:-100000}" --features 64 --hidden 256 --batch 256 --threads "$threads" --epochs "${EPOCHS:-5}")
mkdir -p "$out"
dotnet build bench/Frugal.Learning.Bench -c Release -v quiet -nologo > /dev/null
bench=$(find bench/Frugal.Learning.Bench/bin/Release/net10.0 -name frugal-learning-bench.dll | head -n 1)
have_torch=1
if ! "$python" -c "import torch" 2> /dev/null; then
  have_torch=0
  echo "python3-torch is not installed: PyTorch side skipped" >&2
fi

for round in $(seq 1 "$rounds"); do
  echo "round $round/$rounds" >&2
  dotnet "$bench" "${args[@]}" > "$out/frugal-$round.json"
  if [[ $have_torch == 1 ]]; then "$python" bench/learning/mlp_epoch.py "${args[@]}" > "$out/pytorch-$round.json"; fi
done

"$python" - "$out" "$rounds" "$have_torch" <<'PY'
import json, statistics, sys
out, rounds, have_torch = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"
def median_epoch(path):
    return next(m["value"] for m in json.load(open(path))["metrics"] if m["name"] == "median epoch")
sides = ["frugal"] + (["pytorch"] if have_torch else [])
medians = {s: statistics.median(median_epoch(f"{out}/{s}-{r}.json") for r in range(1, rounds + 1)) for s in sides}
print("| implementation | median epoch (s), median over rounds |")
print("|---|---|")
for side, value in medians.items():
    print(f"| {side} | {value:.3f} |")
if have_torch:
    print(f"\nratio Frugal.Learning / PyTorch: {medians['frugal'] / medians['pytorch']:.2f}")
PY
