#!/bin/sh
# The benchmark peers' virtual environment (.peers-venv, git-ignored): PyTorch 2.13 CPU and PyTorch
# Geometric, scikit-learn and Gymnasium, Keras 3 on TensorFlow (the results table's references) and
# safetensors, mpi4py (bench:distributed; it loads the system MPI when run), from the machine's pip configuration (an offline wheel mirror works). Benchmarks that
# compare with these peers use .peers-venv/bin/python, or $PEERS_PYTHON if set.
set -e
cd "$(dirname "$0")/.."
[ -x .peers-venv/bin/python ] || python3 -m venv .peers-venv
.peers-venv/bin/pip install --quiet "torch==2.13.0+cpu" torch_geometric torchvision==0.28.0 pillow scikit-learn gymnasium numpy safetensors tensorflow-cpu keras mpi4py
.peers-venv/bin/python -c "import torch, torch_geometric, sklearn, gymnasium, keras, safetensors; print('peers: torch', torch.__version__, '/ torch_geometric', torch_geometric.__version__, '/ scikit-learn', sklearn.__version__, '/ gymnasium', gymnasium.__version__, '/ keras', keras.__version__)"
