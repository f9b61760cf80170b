#!/usr/bin/env bash
# GPU check for a machine with an NVIDIA GPU and no network, in two halves:
#
#   bench/gpu-check.sh pack [OUT.tar.gz]   here (a checkout with node_modules): writes a bundle of at
#                                          most 64 MiB: src-main, bench, package.json, tsconfig and a
#                                          pruned node_modules (tfjs node bundles, wasm binaries, Dawn's
#                                          dist/linux-x64 only, tsx with esbuild's linux-x64 binary, zod).
#   bench/gpu-check.sh run                 there, in the unpacked folder (Node >= 20 installed): at most
#                                          5 minutes. Prints the adapter Dawn finds and both GPU paths'
#                                          readiness, the webgpu-vs-cpu correctness of the training step
#                                          and of every attack (bench/gpu-check.ts, tolerance 1e-4),
#                                          samples/s of small-cnn and resnet20 on webgpu (one GPU) and on
#                                          wasm over all CPU cores, and PyTorch on CUDA where
#                                          /usr/bin/python3 (or ASCL_BENCH_PYTHON) has torch with CUDA.
#
# The GPU needs a Vulkan driver for Dawn (NVIDIA: the driver's nvidia_icd.json and libvulkan1; in a
# container NVIDIA_DRIVER_CAPABILITIES must include graphics); `run` says what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

pack() {
  local out="${1:-ascl-gpu-check.tar.gz}" stage
  stage="$(mktemp -d)"
  trap 'rm -rf "$stage"' RETURN
  mkdir -p "$stage/ascl"
  cp -r src-main bench package.json tsconfig.json "$stage/ascl/"
  rm -rf "$stage/ascl/src-main/engine/backend/kernels/assembly" "$stage/ascl/src-renderer"
  local nm="$stage/ascl/node_modules"
  mkdir -p "$nm/@tensorflow" "$nm/webgpu/dist" "$nm/@esbuild"
  # tfjs: package.json and the Node bundle each package's "main" names; wasm also its binaries.
  for p in tfjs-core tfjs-backend-cpu tfjs-backend-wasm tfjs-backend-webgpu tfjs-layers; do
    local src main
    src="$(readlink -f node_modules/@tensorflow/$p)"
    main="$(node -p "require('$src/package.json').main")"
    mkdir -p "$nm/@tensorflow/$p/$(dirname "$main")"
    cp "$src/package.json" "$nm/@tensorflow/$p/"
    cp "$src/$main" "$nm/@tensorflow/$p/$main"
  done
  cp node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm "$nm/@tensorflow/tfjs-backend-wasm/dist/"
  # Dawn: index.js, package.json and the linux-x64 binary only (the other platforms are 110 MiB).
  cp node_modules/webgpu/package.json node_modules/webgpu/index.js "$nm/webgpu/"
  cp -r node_modules/webgpu/dist/linux-x64 "$nm/webgpu/dist/"
  for p in zod tsx esbuild get-tsconfig resolve-pkg-maps seedrandom long @keckelt/tsne; do
    [ -e "node_modules/$p" ] && mkdir -p "$nm/$(dirname "$p")" && cp -rL "node_modules/$p" "$nm/$p"
  done
  cp -rL node_modules/@esbuild/linux-x64 "$nm/@esbuild/"
  rm -rf "$nm/zod/src" "$nm/esbuild/lib/main.d.ts"
  find "$nm" -name '*.map' -delete
  tar -czf "$out" -C "$stage" ascl
  local size
  size=$(stat -c %s "$out")
  echo "gpu-check: wrote $out ($((size / 1024 / 1024)) MiB); copy it to the GPU machine, then: tar -xzf $(basename "$out") && cd ascl && bench/gpu-check.sh run"
  if [ "$size" -gt $((64 * 1024 * 1024)) ]; then echo "gpu-check: the bundle is over 64 MiB" >&2; return 1; fi
}

run() {
  local tsx=node_modules/.bin/tsx
  [ -x "$tsx" ] || tsx="node node_modules/tsx/dist/cli.mjs"
  local cores
  cores=$(node -p 'require("os").cpus().length')
  echo "== machine: $(node -p 'require("os").cpus()[0].model') x $cores, node $(node --version)"
  command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=index,name,driver_version,memory.total --format=csv,noheader || echo "nvidia-smi: not found"
  echo "== adapter, readiness and correctness (webgpu vs cpu, 1e-4)"
  timeout 150 $tsx bench/gpu-check.ts || echo "gpu-check: correctness check failed or timed out (exit $?)"
  echo "== samples/s on webgpu (one GPU; PyTorch CUDA where present)"
  timeout 75 $tsx bench/index.ts --backend webgpu --models small-cnn,resnet20 --steps 3 --no-extras || echo "gpu-check: webgpu bench failed or timed out (exit $?)"
  echo "== samples/s on wasm over $cores CPU cores (PyTorch on $cores threads)"
  timeout 75 $tsx bench/index.ts --backend wasm --models small-cnn,resnet20 --steps 2 --cores "$cores" --no-extras || echo "gpu-check: wasm bench failed or timed out (exit $?)"
}

case "${1:-}" in
  pack) shift; pack "$@" ;;
  run) run ;;
  *) echo "usage: bench/gpu-check.sh pack [OUT.tar.gz] | run" >&2; exit 2 ;;
esac
