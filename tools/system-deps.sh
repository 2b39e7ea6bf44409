#!/bin/sh
# The Debian packages the test suite reads or drives, installed when missing (npm test runs this
# first, so that it works on a fresh machine): dataset-fashion-mnist (FashionMNIST's default
# location), chromium (test/browser runs the wasm backend in it with playwright-core), Open MPI
# (tg.distributed's tests launch ranks with mpirun; tools/build-mpi.sh builds the binding against it)
# and Mesa's software Vulkan driver, lavapipe (the WebGPU backend's tests run on it through Dawn;
# Dawn rejects bookworm's Mesa 22.3, so it comes from bookworm-backports, Mesa 25).
set -e
missing=""
backports=""
[ -d /usr/share/datasets/fashion-mnist ] || missing="$missing dataset-fashion-mnist"
[ -x /usr/bin/chromium ] || missing="$missing chromium"
command -v mpicc > /dev/null && command -v mpirun > /dev/null || missing="$missing libopenmpi-dev openmpi-bin"
mesa="$(dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2> /dev/null || true)"
case "$mesa" in
  2[4-9].*|[3-9][0-9].*) ;;
  *) backports="mesa-vulkan-drivers libvulkan1" ;;
esac
[ -z "$missing$backports" ] && exit 0
echo "tensorgrad tests: installing Debian packages:$missing $backports"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
if [ -n "$backports" ] && grep -q bookworm /etc/os-release && ! grep -rqs bookworm-backports /etc/apt/sources.list /etc/apt/sources.list.d; then
  echo "deb http://deb.debian.org/debian bookworm-backports main" | $sudo tee /etc/apt/sources.list.d/bookworm-backports.list > /dev/null
fi
$sudo apt-get update -qq
[ -z "$missing" ] || $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing
if [ -n "$backports" ]; then
  target=""
  grep -q bookworm /etc/os-release && target="-t bookworm-backports"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $target $backports
fi
