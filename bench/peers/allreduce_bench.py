"""One rank of bench/distributed.ts's peers (started by mpirun): median seconds per float32
all-reduce for each size, by mpi4py on the same MPI (in place on a NumPy array) or by PyTorch's
Gloo backend (torch.distributed.all_reduce, ranks meeting on 127.0.0.1). Rank 0 prints JSON.

    mpirun -n 2 python allreduce_bench.py mpi4py|gloo SIZES REPS_JSON
"""
import json
import os
import sys
import time

which, sizes, reps = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
out = {}
if which == "mpi4py":
    from mpi4py import MPI
    import numpy as np

    comm = MPI.COMM_WORLD
    rank = comm.rank
    for b in sizes:
        a = np.ones(b // 4, np.float32)
        rounds = []
        for _ in range(4):
            comm.Barrier()
            t = time.perf_counter()
            for _ in range(reps[str(b)]):
                comm.Allreduce(MPI.IN_PLACE, a)
            rounds.append((time.perf_counter() - t) / reps[str(b)])
        out[b] = sorted(rounds[1:])[1]
else:
    import torch
    import torch.distributed as dist

    torch.set_num_threads(1)
    rank, size = int(os.environ["OMPI_COMM_WORLD_RANK"]), int(os.environ["OMPI_COMM_WORLD_SIZE"])
    dist.init_process_group("gloo", init_method="tcp://127.0.0.1:29533", rank=rank, world_size=size)
    for b in sizes:
        a = torch.ones(b // 4)
        rounds = []
        for _ in range(4):
            dist.barrier()
            t = time.perf_counter()
            for _ in range(reps[str(b)]):
                dist.all_reduce(a)
            rounds.append((time.perf_counter() - t) / reps[str(b)])
        out[b] = sorted(rounds[1:])[1]
    out["version"] = torch.__version__
    dist.destroy_process_group()
if rank == 0:
    print(json.dumps(out))
