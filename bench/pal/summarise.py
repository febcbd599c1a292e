"""Summarises bench/pal/run.sh's output as the tables of bench/results/pal.md."""
import json, math, sys
from pathlib import Path

out = Path(sys.argv[1])
print("| seed | PM-First geomean | min | max | PAL geomean | min | max |")
print("|---|---|---|---|---|---|---|")
for d in sorted(out.glob("seed-*")):
    m = {x["name"]: x["value"] for x in json.load(open(d / "results" / "scheduling.pal.json"))["metrics"]}
    g = lambda p, k: f"{m[f'{p} JCT improvement ({k})']:.1f}%"
    print(f"| {d.name[5:]} | {g('pm-first','geomean')} | {g('pm-first','min')} | {g('pm-first','max')} | "
          f"{g('pal','geomean')} | {g('pal','min')} | {g('pal','max')} |")
print()
print("| seed | λ | PM-First | PAL |")
print("|---|---|---|---|")
for d in sorted(out.glob("seed-*")):
    records = json.load(open(d / "results" / "scheduling.pal.json"))["records"]
    for row in next(r for r in records if r["name"] == "locality-sweep")["rows"]:
        print(f"| {d.name[5:]} | {row[0]:.1f} | {row[1]:.1f}% | {row[2]:.1f}% |")
print()
print("| trace (submit times) | Packed-NS mean JCT (s) | Packed-S | PM-First | PAL | PM-First gain | PAL gain |")
print("|---|---|---|---|---|---|---|")
ratios = {"pm-first": [], "pal": []}
for n in range(1, 9):
    jct = {p: json.load(open(out / "trace-times" / f"workload-{n}.{p}.json"))["meanJctSeconds"]
           for p in ["packed-non-sticky", "packed-sticky", "pm-first", "pal"]}
    for p in ratios: ratios[p].append(jct[p] / jct["packed-non-sticky"])
    print(f"| workload-{n} | {jct['packed-non-sticky']:.0f} | {jct['packed-sticky']:.0f} | {jct['pm-first']:.0f} | "
          f"{jct['pal']:.0f} | {100 * (1 - ratios['pm-first'][-1]):.1f}% | {100 * (1 - ratios['pal'][-1]):.1f}% |")
for p, r in ratios.items():
    print(f"\n{p}: geomean {100 * (1 - math.exp(sum(map(math.log, r)) / len(r))):.1f}%, "
          f"min {100 * (1 - max(r)):.1f}%, max {100 * (1 - min(r)):.1f}%")
