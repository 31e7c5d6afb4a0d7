#!/usr/bin/env bash
# Creates .venv (Python 3.11+) and installs Pingjia with its dev extra (tests and ruff). Safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-}
if [ -z "$PY" ]; then
  for cand in python3.13 python3.12 python3.11 python3; do
    if command -v "$cand" >/dev/null 2>&1 && "$cand" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      PY=$cand; break
    fi
  done
fi
[ -n "$PY" ] || { echo "需要 Python 3.11 或更高版本（Python 3.11+ is required）" >&2; exit 1; }
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
# constraints.txt: the exact versions CI and the golden analysis use (pyproject.toml: lower bounds)
.venv/bin/python -m pip install --quiet -c constraints.txt -e ".[dev]"
