"""Prints the Markdown tables of bench/results/provisioning.md from the JSON that run.sh wrote."""
import json, pathlib, sys

out = pathlib.Path(sys.argv[1])
for pools in (88, 74):
    sim = json.loads((out / f"simulate-{pools}.json").read_text())
    print(f"\n### Simulator validation, {pools}-node pool ({sim['jobs']} jobs, {sim['skippedBadLines']} bad line skipped)\n")
    levels = sim["groups"][0]["quantileLevels"]
    print("| jobs | n | mean real / sim (h) | " + " | ".join(f"p{round(100*l)} real / sim" for l in levels) + " | KS |")
    print("|---|---:|---:|" + "---:|" * len(levels) + "---:|")
    for g in sim["groups"]:
        qs = " | ".join(f"{r:.2f} / {s:.2f}" for r, s in zip(g["realQuantileHours"], g["simulatedQuantileHours"]))
        print(f"| {g['group']} | {g['jobs']} | {g['realMeanHours']:.2f} / {g['simulatedMeanHours']:.2f} | {qs} | {g['ksDistance']:.3f} |")
    for model in ("forest", "gbt"):
        t = json.loads((out / f"train-{model}-{pools}.json").read_text())
        seconds = (out / f"train-{model}-{pools}.seconds").read_text().strip()
        print(f"\n{model}: {t['trainingSamples']} training samples, {t['trainingRows']} probe rows, held-out MAE {t['heldOutMeanAbsoluteErrorHours']:.3f} h, "
              f"R² {t['heldOutRSquared']:.4f}; probing + training took {seconds} s.")
    for baseline in ("episode", "batch"):
        t = json.loads((out / f"train-pg-{baseline}-{pools}.json").read_text())
        seconds = (out / f"train-pg-{baseline}-{pools}.seconds").read_text().strip()
        print(f"\npg ({baseline} baseline): {t['episodes']} episodes over the gbt model; policy parameters "
              f"{', '.join(f'{v:.4g}' for v in t['policyParameters'])}: greedy, it submits when the predicted gap is "
              f"{'below' if t['policyParameters'][1] < t['policyParameters'][0] else 'above'} {t['submitThresholdHours']:.2f} h; training took {seconds} s.")
    print(f"\n### Methods on the validation period, {pools}-node pool\n")
    print("| load | method | chains | mean interruption (h) | median interruption (h) | zero interruption | overlap (node-h/chain) | cut vs reactive | cut vs avg-wait |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    for load in ("0.8", "1", "1.2"):
        methods = {m: m for m in ("reactive", "dependency", "avg-wait", "forest", "gbt")}
        methods.update({"pg (episode baseline)": "pg-episode", "pg (batch baseline)": "pg-batch"})
        rows = {m: json.loads((out / f"evaluate-{pools}-{f}-{load}.json").read_text()) for m, f in methods.items()}
        def cut(a, b):
            return "—" if b == 0 else f"{100 * (1 - a / b):.0f}%"
        for m, r in rows.items():
            print(f"| {load} | {m} | {r['chains']} | {r['meanInterruptionHours']:.3f} | {r['medianInterruptionHours']:.3f} | "
                  f"{100 * r['zeroInterruptionFraction']:.1f}% | {r['overlapNodeHours']:.2f} | "
                  f"{cut(r['meanInterruptionHours'], rows['reactive']['meanInterruptionHours'])} | {cut(r['meanInterruptionHours'], rows['avg-wait']['meanInterruptionHours'])} |")
