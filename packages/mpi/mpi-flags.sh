#!/bin/sh
# The system MPI's compile or link flags, from its compiler wrapper: Open MPI's mpicc answers
# --showme:compile/--showme:link, MPICH's -compile_info/-link_info (the whole command line).
set -e
command -v mpicc > /dev/null || { echo "tensorgrad-mpi: no mpicc on PATH; install an MPI (Debian: libopenmpi-dev or libmpich-dev)" >&2; exit 1; }
case "$1" in
  compile) mpicc --showme:compile 2> /dev/null || mpicc -compile_info | tr ' ' '\n' | grep -E '^-(I|D)' | tr '\n' ' ' ;;
  link) mpicc --showme:link 2> /dev/null || mpicc -link_info | tr ' ' '\n' | grep -E '^-(L|l|Wl)' | tr '\n' ' ' ;;
  *) echo "usage: mpi-flags.sh compile|link" >&2; exit 2 ;;
esac
