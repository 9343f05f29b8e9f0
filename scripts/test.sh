#!/usr/bin/env bash
# Sets up the machine (scripts/setup.sh), then runs type checks, lint and every test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
npm run -s typecheck
npm run -s lint
node scripts/run-tests.mjs "$@"
