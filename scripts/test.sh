#!/usr/bin/env bash
# Quick start, part 2: set up and run the whole test suite.
# Browser tests need Chromium (Debian: apt-get install chromium) and skip without it;
# PostgreSQL tests run when TEST_DATABASE_URL is set.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# One test process per core (pytest-xdist); PYTEST_WORKERS=0 runs them in this process.
exec .venv/bin/python -m pytest -n "${PYTEST_WORKERS:-$(nproc)}" "$@"
