#!/usr/bin/env bash
# Quick start, part 1: set up, load the demo (seed plan, session, 40 sample responses)
# into SQLite in instance/, and serve on 127.0.0.1; the analysis runs as a background job
# on the worker embedded in the serving process (nothing else to start).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/pingjia demo "$@"
