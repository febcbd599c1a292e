"""DGL's examples/pytorch/graphsage/train_full.py on Cora, in plain PyTorch, to size the published 0.833.

Re-implements, from DGL's source (dmlc/dgl 3d16000b), SAGEConv(aggregator 'gcn') of
python/dgl/nn/pytorch/conv/sageconv.py (fc_neigh applied before message passing when in > out, the node's own row
added to the neighbour sum and divided by in-degree + 1, a separate zero bias, xavier_uniform_ with
calculate_gain('relu')), the data of python/dgl/data/citation_graph.py (row-normalised features, Planetoid split)
with AddSelfLoop, and train_full.py's loop (dropout 0.5 on the input and hidden layer, Adam 0.01, weight decay 5e-4,
200 full-graph epochs, test accuracy after the last). Reads the repository's data/graphs/cora text files.

Usage: python3 bench/graph/dgl_train_full.py data/graphs/cora 1,2,3 [--gain1] [--init CHECKPOINT] [--dropout P]
[--losses]
(--gain1: Glorot-uniform with gain 1, the initialisation our 'mean' aggregator has. --init: start from the weights
in a Frugal checkpoint of `frugal graph train --aggregator gcn`, so both sides begin equal ('{seed}' in the path
stands for the seed; bench/graph/cora_crosscheck.sh writes such checkpoints); the initialisation is still drawn
first, so the seed's dropout masks are those of the run without --init. --dropout: instead of 0.5; with 0 and --init
the run is deterministic and must match ours epoch by epoch. --losses: print each epoch's training loss, taken
before its step, as ours reports it.) Needs torch (Debian: python3-torch, run with /usr/bin/python3); prints
validation and test accuracy per seed and their means.
"""
import argparse
import statistics
import struct

import torch
import torch.nn as nn
import torch.nn.functional as F

arguments = argparse.ArgumentParser()
arguments.add_argument("folder")
arguments.add_argument("seeds", type=lambda text: [int(s) for s in text.split(",")])
arguments.add_argument("--gain1", action="store_true")
arguments.add_argument("--init")
arguments.add_argument("--dropout", type=float, default=0.5)
arguments.add_argument("--losses", action="store_true")
options = arguments.parse_args()
folder, seeds = options.folder, options.seeds
gain = 1.0 if options.gain1 else nn.init.calculate_gain("relu")
words = [[int(w) for w in line.split()] for line in open(f"{folder}/cora.features.txt")]
nodes = len(words)
x = torch.zeros(nodes, 1433)
for i, w in enumerate(words):
    x[i, w] = 1.0
x = x / x.sum(1, keepdim=True)
y = torch.tensor([int(line) for line in open(f"{folder}/cora.labels.txt")])
edges = [tuple(int(v) for v in line.split()) for line in open(f"{folder}/cora.edges.txt")]
# Both directions of every undirected edge, then one self-loop per node (AddSelfLoop).
src = torch.tensor([u for u, v in edges] + [v for u, v in edges] + list(range(nodes)))
dst = torch.tensor([v for u, v in edges] + [u for u, v in edges] + list(range(nodes)))
in_degree = torch.zeros(nodes).index_add_(0, dst, torch.ones(len(dst))).unsqueeze(-1)
split = [line.split() for line in open(f"{folder}/cora.split.txt")]
train, val, test = ([int(n) for n, s in split if s == name] for name in ("train", "val", "test"))


class GcnSageConv(nn.Module):
    def __init__(self, inputs, outputs):
        super().__init__()
        self.fc_neigh = nn.Linear(inputs, outputs, bias=False)
        self.bias = nn.Parameter(torch.zeros(outputs))
        nn.init.xavier_uniform_(self.fc_neigh.weight, gain=gain)

    def forward(self, h):
        before = h.shape[1] > self.fc_neigh.out_features
        m = self.fc_neigh(h) if before else h
        neigh = (torch.zeros_like(m).index_add_(0, dst, m[src]) + m) / (in_degree + 1)
        return (neigh if before else self.fc_neigh(neigh)) + self.bias


class Sage(nn.Module):
    def __init__(self, initial):
        super().__init__()
        self.layers = nn.ModuleList([GcnSageConv(1433, 16), GcnSageConv(16, 7)])
        self.dropout = nn.Dropout(options.dropout)
        if initial:
            with torch.no_grad():
                for l, layer in enumerate(self.layers):
                    layer.fc_neigh.weight.copy_(initial[f"_neighbours.{l}.weight"])
                    layer.bias.copy_(initial[f"_neighbours.{l}.bias"])

    def forward(self, h):
        h = self.dropout(h)
        h = self.dropout(F.relu(self.layers[0](h)))
        return self.layers[1](h)


def frugal_weights(path):
    """The tensors of a Frugal checkpoint's model (src/Frugal.Learning/Training/Checkpoint.cs: a header with the
    tensors' signatures, then the model as TorchSharp's Module.save writes it: 7-bit-encoded counts, .NET strings,
    raw little-endian data), by name."""
    data, at = open(path, "rb").read(), 0

    def take(size):
        nonlocal at
        at += size
        return data[at - size:at]

    def varint():
        value, shift = 0, 0
        while True:
            byte = take(1)[0]
            value, shift = value | (byte & 0x7F) << shift, shift + 7
            if byte < 0x80:
                return value

    def string():
        return take(varint()).decode()

    assert take(8) == b"FRUGALCK" and struct.unpack("<i", take(4))[0] == 1, f"{path}: not a version-1 checkpoint"
    take(4)
    string()
    take(4)
    for _ in range(struct.unpack("<i", take(4))[0]):
        string()
        string()
        take(8 * struct.unpack("<i", take(4))[0])
    take(8)
    tensors = {}
    for _ in range(varint()):
        name = string()
        assert varint() == 6, f"{name}: not float32"
        shape = [varint() for _ in range(varint())]
        count = 1
        for dimension in shape:
            count *= dimension
        tensors[name] = torch.tensor(struct.unpack(f"<{count}f", take(4 * count))).reshape(shape)
    return tensors


def accuracy(model, mask):
    model.eval()
    with torch.no_grad():
        return (model(x)[mask].argmax(1) == y[mask]).float().mean().item()


results = []
for seed in seeds:
    torch.manual_seed(seed)
    model = Sage(frugal_weights(options.init.format(seed=seed)) if options.init else None)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2, weight_decay=5e-4)
    for epoch in range(200):
        model.train()
        loss = F.cross_entropy(model(x)[train], y[train])
        if options.losses:
            print(f"epoch {epoch + 1}: loss {loss.item():.9f}")
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    results.append((accuracy(model, val), accuracy(model, test)))
    print(f"seed {seed}: validation {results[-1][0]:.3f}, test {results[-1][1]:.3f}", flush=True)
tests = [t for _, t in results]
print(f"mean validation {statistics.mean(v for v, _ in results):.4f}, test {statistics.mean(tests):.4f}"
      + (f" (standard deviation {statistics.stdev(tests):.4f})" if len(tests) > 1 else ""))
