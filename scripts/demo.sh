#!/usr/bin/env bash
# Quick start, part 1: set up, load the demo (seed plan, session, 40 sample responses,
# analysis) into SQLite in instance/, and serve on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/pingjia demo "$@"
