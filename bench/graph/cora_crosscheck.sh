#!/usr/bin/env bash
# Cora, the published figure's configuration (2-layer GraphSAGE 'gcn' with self-loops, DGL's train_full.py): does
# ours compute what DGL's recipe in plain PyTorch (bench/graph/dgl_train_full.py) computes? (bench/results/graph.md,
# sixth session.)
# 1. Identical inputs: our initial weights for seed 1, handed to the PyTorch side, and no dropout on either side;
#    the 200 per-epoch training losses and the test accuracy side by side.
# 2. With dropout over seeds 1..N: ours; DGL's recipe; DGL's recipe from our initial weights of the same seed (its
#    dropout masks are those of DGL's recipe for that seed). Welch's t-test between ours and DGL's recipe, paired
#    t-tests against the run from our initial weights.
# Our initial weights come from a one-epoch run whose step size (1e-300) is zero in float32, so the checkpoint
# written after it holds the parameters as drawn.
# Usage: bench/graph/cora_crosscheck.sh [seeds]   (default 20, at least 2). Needs a Release build of src/Frugal.Cli and
# Debian's python3-torch and python3-scipy (/usr/bin/python3).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
frugal="dotnet $root/src/Frugal.Cli/bin/Release/net10.0/frugal.dll"
python=/usr/bin/python3
reference="$python $root/bench/graph/dgl_train_full.py $root/data/graphs/cora"
seeds=${1:-20}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OMP_NUM_THREADS=1
$frugal graph preprocess --input "$root/data/graphs/cora" --format planetoid --partitions 4 --out "$work/cora" \
  > /dev/null
cora="--graph $work/cora --batch-size 140 --hidden 16 --weight-decay 5e-4 --fanouts all,all --aggregator gcn"
cora="$cora --self-loops"
for seed in $(seq 1 "$seeds"); do
  $frugal graph train $cora --epochs 1 --learning-rate 1e-300 --dropout 0 --seed "$seed" \
    --checkpoint "$work/init$seed.ck" > /dev/null
  $frugal graph train $cora --epochs 200 --learning-rate 0.01 --dropout 0.5 --seed "$seed" \
    --json "$work/ours$seed.json" > /dev/null
done
$frugal graph train $cora --epochs 200 --learning-rate 0.01 --dropout 0 --seed 1 --json "$work/ours-exact.json" \
  > /dev/null
$reference 1 --init "$work/init1.ck" --dropout 0 --losses > "$work/reference-exact.txt"
list=$(seq -s, 1 "$seeds")
$reference "$list" > "$work/reference.txt"
$reference "$list" --init "$work/init{seed}.ck" > "$work/reference-init.txt"
$python - "$work" "$seeds" <<'EOF'
import json, re, statistics, sys
from scipy import stats
work, seeds = sys.argv[1], range(1, int(sys.argv[2]) + 1)
exact = json.load(open(f"{work}/ours-exact.json"))
ours_loss = [e["loss"] for e in exact["epochs"]]
text = open(f"{work}/reference-exact.txt").read()
reference_loss = [float(v) for v in re.findall(r"loss ([0-9.]+)", text)]
gaps = [abs(a - b) / b for a, b in zip(ours_loss, reference_loss)]
print(f"no dropout, identical initial weights (seed 1), 200 epochs: training loss epoch 1 {ours_loss[0]:.9f} (ours)"
      f" {reference_loss[0]:.9f} (PyTorch), epoch 200 {ours_loss[-1]:.9f} {reference_loss[-1]:.9f}; largest"
      f" relative difference {max(gaps):.1e} (epoch {gaps.index(max(gaps)) + 1}); test accuracy"
      f" {exact['test']['accuracy']:.3f} (ours), {re.search(r'test ([0-9.]+)', text).group(1)} (PyTorch)")
def tests(name):
    text = open(f"{work}/{name}").read()
    return [float(v) for v in re.findall(r"seed \d+: validation [0-9.]+, test ([0-9.]+)", text)]
ours = [json.load(open(f"{work}/ours{s}.json"))["test"]["accuracy"] for s in seeds]
recipe, from_ours = tests("reference.txt"), tests("reference-init.txt")
for name, values in (("ours", ours), ("DGL's recipe", recipe), ("DGL's recipe from our init", from_ours)):
    print(f"{name}: {' '.join(f'{v:.3f}' for v in values)}; mean {statistics.mean(values):.4f}"
          f" (sd {statistics.stdev(values):.4f}), mean of seeds 1-3 {statistics.mean(values[:3]):.4f}")
welch = stats.ttest_ind(ours, recipe, equal_var=False)
print(f"Welch's t, ours vs DGL's recipe: difference {statistics.mean(ours) - statistics.mean(recipe):+.4f},"
      f" t {welch.statistic:.2f}, p {welch.pvalue:.3f}")
for name, values in (("ours (same init)", ours), ("DGL's recipe (same dropout masks)", recipe)):
    paired = stats.ttest_rel(values, from_ours)
    print(f"paired t, {name} vs DGL's recipe from our init: difference"
          f" {statistics.mean(values) - statistics.mean(from_ours):+.4f}, t {paired.statistic:.2f},"
          f" p {paired.pvalue:.3f}")
EOF
