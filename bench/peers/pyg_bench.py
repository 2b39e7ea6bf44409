"""PyTorch Geometric side of `npm run bench:gnn`: one training epoch of GCN and GAT on Cora.

Usage: python bench/peers/pyg_bench.py THREADS PLANETOID_ROOT  -> JSON {"gcn": ms, "gat": ms}
The raw files are read from PLANETOID_ROOT/Cora/raw (copied to a temporary root, since PyG writes
its processed cache beside them).
"""
import json, os, shutil, sys, tempfile, time
import torch, torch.nn.functional as F, torch_geometric
from torch_geometric.datasets import Planetoid
import torch_geometric.transforms as T
from torch_geometric.nn import GCNConv, GATConv

threads, src = int(sys.argv[1]), sys.argv[2]
torch.set_num_threads(threads)
torch.manual_seed(0)
root = tempfile.mkdtemp()
shutil.copytree(os.path.join(src, "Cora", "raw"), os.path.join(root, "Cora", "raw"))
data = Planetoid(root, "Cora", transform=T.NormalizeFeatures())[0]
nf, nc = data.num_features, int(data.y.max()) + 1

class GCN(torch.nn.Module):
    def __init__(s):
        super().__init__()
        s.conv1, s.conv2 = GCNConv(nf, 16, cached=True), GCNConv(16, nc, cached=True)
    def forward(s, x, ei):
        x = F.dropout(x, 0.5, s.training)
        x = F.relu(s.conv1(x, ei))
        x = F.dropout(x, 0.5, s.training)
        return s.conv2(x, ei)

class GAT(torch.nn.Module):
    def __init__(s):
        super().__init__()
        s.conv1 = GATConv(nf, 8, heads=8, dropout=0.6)
        s.conv2 = GATConv(64, nc, heads=1, concat=False, dropout=0.6)
    def forward(s, x, ei):
        x = F.dropout(x, 0.6, s.training)
        x = F.elu(s.conv1(x, ei))
        x = F.dropout(x, 0.6, s.training)
        return s.conv2(x, ei)

def epoch_ms(model, lr, wd):
    opt = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=wd)
    def step():
        model.train(); opt.zero_grad()
        out = model(data.x, data.edge_index)
        F.cross_entropy(out[data.train_mask], data.y[data.train_mask]).backward()
        opt.step()
    for _ in range(20): step()
    ts = []
    for _ in range(30):
        t = time.perf_counter(); step(); ts.append((time.perf_counter() - t) * 1000)
    ts.sort()
    return ts[len(ts) // 2]

print(json.dumps({"gcn": epoch_ms(GCN(), 0.01, 5e-4), "gat": epoch_ms(GAT(), 0.005, 5e-4),
                  "versions": f"{torch_geometric.__version__} on torch {torch.__version__}"}))
shutil.rmtree(root)
