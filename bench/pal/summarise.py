"""Summarises bench/pal/run.sh's output as the tables of bench/results/pal.md."""
import json, sys
from pathlib import Path

out = Path(sys.argv[1])
seeds = sorted(out.glob("seed-*"), key=lambda d: (d.name != "seed-42", int(d.name[5:])))
result = {d.name[5:]: json.load(open(d / "results" / "scheduling.pal.json")) for d in seeds}
rows = lambda r, name: next(t for t in r["records"] if t["name"] == name)["rows"]
pct = lambda v: f"{v:.1f}%"

print("Seed 42 (the published run), mean JCT per trace and gain over each baseline:\n")
print("| trace | Packed-S (s) | Packed-NS (s) | PM-First (s) | PAL (s) | PM-First gain | PAL gain |"
      " PM-First over NS | PAL over NS |")
print("|---|---|---|---|---|---|---|---|---|")
jct = {}
for trace, placement, mean, *_ in rows(result["42"], "mean-jct"):
    jct.setdefault(trace, {})[placement] = mean
for trace, j in jct.items():
    g = lambda p, b: pct(100 * (1 - j[p] / j[b]))
    print(f"| {trace} | {j['packed-sticky']:.0f} | {j['packed-non-sticky']:.0f} | {j['pm-first']:.0f} | "
          f"{j['pal']:.0f} | {g('pm-first', 'packed-sticky')} | {g('pal', 'packed-sticky')} | "
          f"{g('pm-first', 'packed-non-sticky')} | {g('pal', 'packed-non-sticky')} |")

print("\nGeomean (min, max) over the eight traces, per master seed:\n")
print("| seed | PM-First over Packed-S | PAL over Packed-S | PM-First over Packed-NS | PAL over Packed-NS |")
print("|---|---|---|---|---|")
for seed, r in result.items():
    m = {x["name"]: x["value"] for x in r["metrics"]}
    cell = lambda p, s: (f"{pct(m[f'{p} JCT improvement{s} (geomean)'])} "
                         f"({pct(m[f'{p} JCT improvement{s} (min)'])}, {pct(m[f'{p} JCT improvement{s} (max)'])})")
    ns = " over packed-non-sticky"
    print(f"| {seed} | {cell('pm-first', '')} | {cell('pal', '')} | {cell('pm-first', ns)} | {cell('pal', ns)} |")

print("\nLocality-penalty sweep (gain over Packed-S; over Packed-NS in brackets):\n")
print("| seed | traces | λ | PM-First | PAL |")
print("|---|---|---|---|---|")
for seed, r in result.items():
    for lam, scope, pm, pal, pm_ns, pal_ns in sorted(rows(r, "locality-sweep"), key=lambda x: (x[1], x[0])):
        print(f"| {seed} | {scope} | {lam:.1f} | {pct(pm)} ({pct(pm_ns)}) | {pct(pal)} ({pct(pal_ns)}) |")
