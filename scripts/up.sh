#!/usr/bin/env bash
# Sets up the machine (idempotent) and runs the embedded cluster in the foreground with the demo
# VirtualMachine "demo" (a guest built locally from Debian packages; see README.md).
# Usage: scripts/up.sh [--no-demo] [--data-dir DIR] [--port N] [--nodes N]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec node bin/kubevirt-ts.js up --demo "$@"
