#!/usr/bin/env bash
# Adds npm packages under a lock, so parallel workers never run npm install at the same time.
set -euo pipefail
cd "$(dirname "$0")/.."
exec flock /tmp/pdf2epub-npm.lock npm install --no-audit --no-fund "$@"
