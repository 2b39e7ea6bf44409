#!/bin/sh
# The Debian packages the test suite reads or drives, installed when missing (npm test runs this
# first, so that it works on a fresh machine): dataset-fashion-mnist (FashionMNIST's default
# location), chromium (test/browser runs the wasm backend in it with playwright-core) and Open MPI
# (tg.distributed's tests launch ranks with mpirun; tools/build-mpi.sh builds the binding against it).
set -e
missing=""
[ -d /usr/share/datasets/fashion-mnist ] || missing="$missing dataset-fashion-mnist"
[ -x /usr/bin/chromium ] || missing="$missing chromium"
command -v mpicc > /dev/null && command -v mpirun > /dev/null || missing="$missing libopenmpi-dev openmpi-bin"
[ -z "$missing" ] && exit 0
echo "tensorgrad tests: installing Debian packages:$missing"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing
