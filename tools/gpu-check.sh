#!/bin/sh
# The GPU check, for a machine with a real GPU (the `device` tool's, or yours): installs, builds,
# runs the WebGPU conformance and training tests on the GPU's adapter, then the GPU benchmark
# against TensorFlow.js' WebGPU backend on the same adapter (SGEMM 256…4096, the MLP, CNN and
# Transformer-layer training steps), and prints the table. Needs a Vulkan driver for the GPU
# (NVIDIA's ships one); Node from PATH (≥ 22).
#
#   sh tools/gpu-check.sh
set -e
cd "$(dirname "$0")/.."
node --version
[ -d node_modules/webgpu ] || npm ci --no-audit --no-fund
npm run build --silent
node --expose-gc --import tsx --test --test-reporter=dot test/backends/webgpu.test.ts
npx tsx bench/webgpu.ts --large
