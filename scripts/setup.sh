#!/usr/bin/env bash
# Installs everything kubevirt-ts needs on Debian 12, idempotently: Debian packages
# (only those missing), npm dependencies from the lockfile, and the TypeScript build.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the components and tests use. Keep in sync with docs/operations.md.
PACKAGES=(
  qemu-system-x86 qemu-utils
  libvirt-daemon-system libvirt-clients libvirt-daemon-driver-qemu
  ovmf nftables iproute2 xorriso libxml2-utils
  docker-registry
  syslinux syslinux-common mtools dosfstools cpio
)
if [ -f scripts/packages.extra ]; then
  # shellcheck disable=SC2207
  PACKAGES+=($(grep -v '^#' scripts/packages.extra))
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "setup: installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The node's own headers build better-sqlite3; no prebuilt binaries are downloaded.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run -s build
