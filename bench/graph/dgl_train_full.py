"""DGL's examples/pytorch/graphsage/train_full.py on Cora, in plain PyTorch, to size the published 0.833.

Re-implements, from DGL's source (dmlc/dgl 3d16000b), SAGEConv(aggregator 'gcn') of
python/dgl/nn/pytorch/conv/sageconv.py (fc_neigh applied before message passing when in > out, the node's own row
added to the neighbour sum and divided by in-degree + 1, a separate zero bias, xavier_uniform_ with
calculate_gain('relu')), the data of python/dgl/data/citation_graph.py (row-normalised features, Planetoid split)
with AddSelfLoop, and train_full.py's loop (dropout 0.5 on the input and hidden layer, Adam 0.01, weight decay 5e-4,
200 full-graph epochs, test accuracy after the last). Reads the repository's data/graphs/cora text files.

Usage: python3 bench/graph/dgl_train_full.py data/graphs/cora 1,2,3 [--gain1]
(--gain1: Glorot-uniform with gain 1, the initialisation our 'mean' aggregator has). Needs torch (Debian:
python3-torch); prints validation and test accuracy per seed and their means.
"""
import statistics
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

folder, seeds = sys.argv[1], [int(s) for s in sys.argv[2].split(",")]
gain = 1.0 if "--gain1" in sys.argv else nn.init.calculate_gain("relu")
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
    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList([GcnSageConv(1433, 16), GcnSageConv(16, 7)])
        self.dropout = nn.Dropout(0.5)

    def forward(self, h):
        h = self.dropout(h)
        h = self.dropout(F.relu(self.layers[0](h)))
        return self.layers[1](h)


def accuracy(model, mask):
    model.eval()
    with torch.no_grad():
        return (model(x)[mask].argmax(1) == y[mask]).float().mean().item()


results = []
for seed in seeds:
    torch.manual_seed(seed)
    model = Sage()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2, weight_decay=5e-4)
    for epoch in range(200):
        model.train()
        loss = F.cross_entropy(model(x)[train], y[train])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    results.append((accuracy(model, val), accuracy(model, test)))
    print(f"seed {seed}: validation {results[-1][0]:.3f}, test {results[-1][1]:.3f}", flush=True)
tests = [t for _, t in results]
print(f"mean validation {statistics.mean(v for v, _ in results):.4f}, test {statistics.mean(tests):.4f}"
      + (f" (standard deviation {statistics.stdev(tests):.4f})" if len(tests) > 1 else ""))
