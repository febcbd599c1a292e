#!/usr/bin/env python3
"""Times epochs of the 2-layer MLP of bench/Frugal.Learning.Bench in PyTorch (Debian's python3-torch).

Same model (Linear, ReLU, Linear; Adam 1e-3; binary cross-entropy with logits), same data shape and
batching (a fresh permutation per epoch, index_select per batch), same thread count; one untimed
warm-up epoch, then --epochs timed ones. Prints the result in the shape of Frugal's result JSON
(parameters, metrics "median epoch" and "fastest epoch" in seconds).
"""
import argparse
import json
import statistics
import time

import torch


def main():
    parser = argparse.ArgumentParser()
    for name, default in [("rows", 100_000), ("features", 64), ("hidden", 256), ("batch", 256),
                          ("threads", 1), ("epochs", 5), ("seed", 1)]:
        parser.add_argument(f"--{name}", type=int, default=default)
    a = parser.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    data = torch.Generator().manual_seed(a.seed)
    inputs = torch.randn(a.rows, a.features, generator=data)
    truth = torch.randn(a.features, 1, generator=data)
    labels = (inputs @ truth > 0).float()
    model = torch.nn.Sequential(torch.nn.Linear(a.features, a.hidden), torch.nn.ReLU(),
                                torch.nn.Linear(a.hidden, 1))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    shuffle = torch.Generator().manual_seed(a.seed + 1)
    loss_fn = torch.nn.functional.binary_cross_entropy_with_logits

    def epoch():
        model.train()
        order = torch.randperm(a.rows, generator=shuffle)
        total, count = 0.0, 0
        for start in range(0, a.rows, a.batch):
            take = order[start:start + a.batch]
            x, y = inputs.index_select(0, take), labels.index_select(0, take)
            optimizer.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()
            total += loss.item()
            count += 1
        return total / count

    rows, timings = [], []
    for e in range(1, a.epochs + 2):
        start = time.perf_counter()
        loss = epoch()
        seconds = time.perf_counter() - start
        if e > 1:
            timings.append(seconds)
        rows.append([e, seconds, loss])

    print(json.dumps({
        "name": "learning.mlp-epoch.pytorch",
        "title": "One epoch of a 2-layer MLP, PyTorch",
        "parameters": {**{k: str(v) for k, v in vars(a).items()}, "torch version": torch.__version__,
                       "torch threads": str(torch.get_num_threads())},
        "metrics": [{"name": "median epoch", "value": statistics.median(timings), "unit": "s"},
                    {"name": "fastest epoch", "value": min(timings), "unit": "s"}],
        "records": [{"name": "epochs", "columns": ["epoch", "seconds", "loss"], "rows": rows}],
    }, indent=2))


if __name__ == "__main__":
    main()
