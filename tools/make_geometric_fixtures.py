#!/usr/bin/env python3
"""Writes test/fixtures/geometric.json: PyTorch Geometric's outputs and gradients for scatter,
softmax, the message-passing layers and the global pools, and KarateClub's graph.

Run with PyG 2.x on PyTorch 2.13 in a virtual environment (the local wheel mirror has both):
  python3 -m venv .venv && .venv/bin/pip install torch==2.13.0+cpu torch_geometric
  .venv/bin/python tools/make_geometric_fixtures.py
Layer cases record the state dict (PyG's parameter names), the inputs (edge indices as int32), the
output, a random projection u, and the gradient of sum(u * output) for every float input and every
parameter. Function cases (scatter, softmax, pools) record the same for a function of tensors.
test/geometric/pyg-parity.test.ts runs the same case names through tensorgrad.
"""
import json, math, os
import torch
import torch_geometric
from torch_geometric.utils import scatter, softmax, coalesce, to_undirected, add_self_loops, degree, to_dense_adj, to_dense_batch, k_hop_subgraph, subgraph
from torch_geometric.nn import (GCNConv, GATConv, GATv2Conv, SAGEConv, GINConv, GINEConv, GraphConv, ChebConv, APPNP,
                                TransformerConv, global_add_pool, global_mean_pool, global_max_pool)
from torch_geometric.datasets import KarateClub

torch.manual_seed(0)
N, E = 7, 18


def graph(n=N, e=E, loops=True):
    """A random directed multigraph: duplicate edges, a self loop, an isolated last node."""
    row = torch.randint(0, n - 1, (e,))
    col = torch.randint(0, n - 1, (e,))
    if loops:
        row[0] = col[0] = 2
    row[1], col[1] = row[2].item(), col[2].item()  # a duplicate edge
    return torch.stack([row, col])


def r(*shape):
    return torch.randn(*shape)


def encode(t):
    dtype = "int32" if t.dtype in (torch.int64, torch.int32) else "bool" if t.dtype == torch.bool else "float32"
    data = t.detach().reshape(-1).tolist()
    data = [None if isinstance(v, float) and not math.isfinite(v) else (int(v) if isinstance(v, bool) else v) for v in data]
    return {"shape": list(t.shape), "dtype": dtype, "data": data}


def run_layer(make, inputs):
    m = make()
    for p in m.parameters():  # PyG zero-initialises biases: randomise every parameter so each is checked
        with torch.no_grad():
            p.copy_(torch.randn_like(p) * 0.5)
    m.eval()
    state = {k: encode(v) for k, v in m.state_dict().items()}
    xs = [x.clone().requires_grad_(x.is_floating_point()) if isinstance(x, torch.Tensor) else x for x in inputs]
    y = m(*xs)
    u = torch.randn(y.shape)
    (y * u).sum().backward()
    return {
        "state": state,
        "inputs": [encode(x) if isinstance(x, torch.Tensor) else None for x in inputs],
        "output": encode(y),
        "u": encode(u),
        "inputGrads": [encode(x.grad) if isinstance(x, torch.Tensor) and x.grad is not None else None for x in xs],
        "paramGrads": {k: encode(p.grad) for k, p in m.named_parameters() if p.grad is not None},
    }


def run_fn(fn, inputs):
    xs = [x.clone().requires_grad_(x.is_floating_point()) for x in inputs]
    y = fn(*xs)
    u = torch.randn(y.shape)
    (y * u).sum().backward()
    return {
        "inputs": [encode(x) for x in inputs],
        "output": encode(y),
        "u": encode(u),
        "inputGrads": [encode(x.grad) if x.grad is not None else None for x in xs],
    }


ei = graph()
ei_noloops = graph(loops=False)
x16 = r(N, 5)
ew = torch.rand(E) + 0.1
eattr = r(E, 3)
index = torch.tensor([0, 2, 2, 1, 0, 2, 4, 4, 0])  # group 3 empty
src2 = r(9, 3)
batch = torch.tensor([0, 0, 0, 1, 1, 2, 2])

LAYERS = {
    "gcn": (lambda: GCNConv(5, 4), [x16, ei]),
    "gcn_weighted_improved": (lambda: GCNConv(5, 4, improved=True), [x16, ei, ew]),
    "gcn_no_self_loops_no_bias": (lambda: GCNConv(5, 4, add_self_loops=False, bias=False), [x16, ei_noloops]),
    "gat_concat": (lambda: GATConv(5, 3, heads=4), [x16, ei]),
    "gat_mean": (lambda: GATConv(5, 3, heads=2, concat=False, negative_slope=0.1), [x16, ei]),
    "gat_edge_dim": (lambda: GATConv(5, 3, heads=2, edge_dim=3), [x16, ei, eattr]),
    "gatv2": (lambda: GATv2Conv(5, 3, heads=2), [x16, ei]),
    "sage_mean": (lambda: SAGEConv(5, 4), [x16, ei]),
    "sage_max_normalize": (lambda: SAGEConv(5, 4, aggr="max", normalize=True), [x16, ei]),
    "gin": (lambda: GINConv(torch.nn.Sequential(torch.nn.Linear(5, 6), torch.nn.ReLU(), torch.nn.Linear(6, 4)), eps=0.3, train_eps=True), [x16, ei]),
    "gine": (lambda: GINEConv(torch.nn.Sequential(torch.nn.Linear(5, 4)), edge_dim=3), [x16, ei, eattr]),
    "graph_conv_mean": (lambda: GraphConv(5, 4, aggr="mean"), [x16, ei]),
    "cheb": (lambda: ChebConv(5, 4, K=3), [x16, ei]),
    "appnp": (lambda: APPNP(K=3, alpha=0.2), [x16, ei]),
    "transformer": (lambda: TransformerConv(5, 3, heads=2), [x16, ei]),
    "transformer_beta_edge": (lambda: TransformerConv(5, 3, heads=2, beta=True, edge_dim=3, concat=False), [x16, ei, eattr]),
}

FUNCTIONS = {
    **{f"scatter_{red}": ((lambda red: lambda s, i: scatter(s, i, 0, dim_size=6, reduce=red))(red), [src2, index])
       for red in ["sum", "mean", "max", "min", "mul"]},
    "scatter_dim1_mean": (lambda s, i: scatter(s, i, 1, dim_size=3, reduce="mean"), [r(2, 5, 3), torch.tensor([0, 2, 0, 0, 2])]),
    "softmax": (lambda s, i: softmax(s, i, num_nodes=6), [r(9, 2), index]),
    "global_add_pool": (lambda x, b: global_add_pool(x, b), [x16, batch]),
    "global_mean_pool": (lambda x, b: global_mean_pool(x, b), [x16, batch]),
    "global_max_pool": (lambda x, b: global_max_pool(x, b), [x16, batch]),
    "to_dense_adj": (lambda e, w, b: to_dense_adj(e, b, w), [ei, ew, torch.tensor([0, 0, 0, 0, 1, 1, 1])]),
}


def utils_cases():
    """Edge-index utilities: their integer outputs (no gradients)."""
    e = graph()
    out = {"edgeIndex": encode(e)}
    out["coalesce"] = encode(coalesce(e, num_nodes=N))
    out["coalesce_col"] = encode(coalesce(e, num_nodes=N, sort_by_row=False))
    out["to_undirected"] = encode(to_undirected(e, num_nodes=N))
    out["add_self_loops"] = encode(add_self_loops(e, num_nodes=N)[0])
    out["degree_in"] = encode(degree(e[1], N))
    s, ei2, mapping, mask = k_hop_subgraph(torch.tensor([3]), 2, e, relabel_nodes=True, num_nodes=N)
    out["k_hop"] = {"subset": encode(s), "edgeIndex": encode(ei2), "mapping": encode(mapping), "edgeMask": encode(mask)}
    sub_e, _ = subgraph(torch.tensor([0, 2, 3]), e, relabel_nodes=True, num_nodes=N)
    out["subgraph"] = encode(sub_e)
    dense, dmask = to_dense_batch(x16, batch)
    out["to_dense_batch"] = {"out": encode(dense), "mask": encode(dmask)}
    return out


def main():
    karate = KarateClub()[0]
    out = {
        "generator": "tools/make_geometric_fixtures.py",
        "torch": torch.__version__,
        "torch_geometric": torch_geometric.__version__,
        "layers": {name: run_layer(make, inputs) for name, (make, inputs) in LAYERS.items()},
        "functions": {name: run_fn(fn, inputs) for name, (fn, inputs) in FUNCTIONS.items()},
        "utils": utils_cases(),
        "karate": {"edgeIndex": encode(karate.edge_index), "y": encode(karate.y), "trainMask": encode(karate.train_mask)},
    }
    path = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "geometric.json")
    with open(path, "w") as f:
        json.dump(out, f)
        f.write("\n")
    print(f"wrote {len(out['layers'])} layer and {len(out['functions'])} function cases to {os.path.normpath(path)}")


if __name__ == "__main__":
    main()
