"""Prints the SPB σ sweep as a Markdown table from `frugal jigsaw train --json` files, with the target check:
at least 25% less backward compute, 40% fewer all-reduced bytes and mean accuracy within 1 point of σ = 0."""
import json
import statistics
import sys

rows = [json.load(open(path)) for path in sys.argv[1:]]
rows.sort(key=lambda r: (r["options"]["task"] != "synthetic", r["options"]["sigma"]))
print("| task | σ asked | depths | σ realised | acc σ = 0 | acc σ | Δ points (mean) | Δ per seed | Δ sd |"
      " backward FLOPs | kept activations | all-reduced bytes | κ measured | cost ok | accuracy ok |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for r in rows:
    deltas = [100 * (run["spbAccuracy"] - run["baselineAccuracy"]) for run in r["runs"]]
    mean = statistics.fmean(deltas)
    sd = statistics.stdev(deltas) if len(deltas) > 1 else 0.0
    cost = r["backwardFlopsRatio"] <= 0.75 and r["allReducedBytesRatio"] <= 0.60
    accuracy = mean >= -1.0
    print(f"| {r['options']['task']} | {r['options']['sigma']:g} | ({', '.join(map(str, r['depths']))}) |"
          f" {r['realisedSigma']:.4g} | {r['baselineAccuracy']:.4f} | {r['spbAccuracy']:.4f} | {mean:+.2f} |"
          f" {', '.join(f'{d:+.2f}' for d in deltas)} | {sd:.2f} | {r['backwardFlopsRatio']:.3f}× |"
          f" {r['savedActivationRatio']:.3f}× | {r['allReducedBytesRatio']:.3f}× | {r['measuredKappa']:.3f} |"
          f" {'yes' if cost else 'no'} | {'yes' if accuracy else 'no'} |")

# κ such that an SPB iteration is worth 1 − κσ: the least-squares slope through 0 of the relative accuracy loss
# (σ = 0 minus σ, over σ = 0) on the realised σ, over the distinct depth vectors of each task; clipped at 0.
print()
for task in dict.fromkeys(r["options"]["task"] for r in rows):
    points = {r["realisedSigma"]: 1 - r["spbAccuracy"] / r["baselineAccuracy"]
              for r in rows if r["options"]["task"] == task}
    slope = sum(s * loss for s, loss in points.items()) / sum(s * s for s in points)
    print(f"{task}: κ fitted over σ = {', '.join(f'{s:g}' for s in sorted(points))}: {max(0.0, slope):.3f}"
          f" (slope {slope:+.3f})")
