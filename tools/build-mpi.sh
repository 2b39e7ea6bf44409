#!/bin/sh
# Builds the MPI binding (packages/mpi) against the system MPI with the node-gyp that npm ships,
# using the Node headers of tools/node-line.sh's Node 24 (node-gyp would otherwise download them);
# a Node-API add-on, so the one build serves Node 22 and 24. Without an MPI it says so and exits 0:
# tg.distributed's MPI tests then skip, loudly.
set -e
cd "$(dirname "$0")/.."
command -v mpicc > /dev/null || { echo "tools/build-mpi.sh: no MPI installed (mpicc); the MPI tests will be skipped"; exit 0; }
out=packages/mpi/build/Release/tensorgrad_mpi.node
if [ -f "$out" ] && [ -z "$(find packages/mpi/src packages/mpi/binding.gyp -newer "$out")" ]; then exit 0; fi
gyp="$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js"
nodedir="$(dirname "$(sh tools/node-line.sh 24)")"
(cd packages/mpi && node "$gyp" rebuild --nodedir="$nodedir" --loglevel=warn)
