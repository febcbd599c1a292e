"""Prints the energy benchmark's Markdown table and target checks from `frugal energy study --json` output."""
import json
import sys

cells = json.load(open(sys.argv[1]))


def pct(v):
    return "∞" if v in ("Infinity", float("inf")) or v != v else f"{100 * v:.1f}"


print("| profile | SLO ms | N | median regret % | feasible % | random median regret % | better than random |"
      " median samples to 5% | SLO-violating samples/run | median saving % | golden saving % |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for c in cells:
    reg, rnd = c["medianRegret"], c["randomMedianRegret"]
    better = "yes" if float(reg) < float(rnd) else "no"
    s5 = c["medianSamplesToWithin5"]
    print(f"| {c['profile']} | {c['sloMs']:g} | {c['budget']} | {pct(reg)} | {100 * c['feasibleShare']:.0f} | {pct(rnd)} |"
          f" {better} | {s5 if s5 != 'Infinity' else '∞'} | {c['meanViolations']:.1f} | {pct(c['medianSaving'])} |"
          f" {pct(c['goldenSaving'])} |")
at20 = [c for c in cells if c["budget"] == 20]
if at20:
    print()
    print(f"N = 20: worst median regret {max(100 * float(c['medianRegret']) for c in at20):.1f}% (target ≤ 5%),"
          f" worst feasible share {min(100 * c['feasibleShare'] for c in at20):.0f}% (target ≥ 95%),"
          f" better than random in {sum(float(c['medianRegret']) < float(c['randomMedianRegret']) for c in at20)}"
          f" of {len(at20)} cells; worst median samples to 5%:"
          f" {max(float(c['medianSamplesToWithin5']) for c in at20):g} (target ≤ 15)")
