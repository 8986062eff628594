#!/usr/bin/env bash
# Installs every build and test dependency of RevCol Studio from Debian 12 packages.
# Idempotent: packages already present are skipped by apt-get itself.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git
  libtorch-dev
  # Without an optimized BLAS libtorch's Linear layers fall back to the reference BLAS (~8x slower).
  libopenblas0-pthread
  libopencv-dev nlohmann-json3-dev
  qt6-base-dev libqcustomplot-dev libgl-dev
  libimgui-dev libglfw3-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  # The CPU fast path's AVX-512 / AMX kernels (libtorch already links libdnnl.so.2).
  libdnnl-dev
  # Headless window tests and screenshots.
  xvfb xauth
  # Demo data set for the embedded models.
  dataset-fashion-mnist
  # tests/python: torch.load reads the demo checkpoints written by libtorch.
  python3-torch
)

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1; then
  SUDO=(sudo)
else
  echo "install-deps.sh: run as root or install sudo (needed for apt-get)" >&2
  exit 1
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps.sh: all ${#PACKAGES[@]} packages already installed"
  exit 0
fi

echo "install-deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
