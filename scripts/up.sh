#!/usr/bin/env bash
# Sets up the machine (idempotent) and runs the embedded control plane in the foreground.
# Usage: scripts/up.sh [--data-dir DIR] [--port N] [--nodes N]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec node bin/kubevirt-ts.js up "$@"
