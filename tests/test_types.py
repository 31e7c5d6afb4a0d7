"""mypy's error count over survey/ and analysis/ may only fall (issue 25).

MYPY_CEILING is the count when the check was switched on. A change that adds type errors fails
here with mypy's report; a change that removes some fails too, asking for the ceiling to be
lowered to the new count, so errors fixed once cannot come back unnoticed. What mypy checks and
how ([tool.mypy]) is in pyproject.toml; mypy comes with the `dev` extra. About 8 s cold, under a
second with its cache in .cache/mypy.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MYPY_CEILING = 155


def error_count(report: str) -> int:
    """The number of errors in mypy's report (its last line, or 0 when it found none)."""
    if re.search(r"^Success: no issues found", report, re.MULTILINE):
        return 0
    found = re.search(r"^Found (\d+) errors? in \d+ files?", report, re.MULTILINE)
    if not found:
        raise ValueError(f"not a mypy report: {report[-500:]!r}")
    return int(found.group(1))


def test_the_count_is_read_from_mypys_report():
    assert error_count("a.py:1: error: x  [misc]\nFound 1 error in 1 file (checked 3 source files)\n") == 1
    assert error_count("Found 186 errors in 57 files (checked 135 source files)\n") == 186
    assert error_count("Success: no issues found in 135 source files\n") == 0
    with pytest.raises(ValueError):
        error_count("mypy: error: no such option\n")


def test_type_errors_do_not_exceed_the_ceiling():
    pytest.importorskip("mypy", reason="mypy comes with the dev extra: pip install -e '.[dev]'")
    done = subprocess.run([sys.executable, "-m", "mypy"], capture_output=True, text=True, cwd=ROOT)
    count = error_count(done.stdout)
    assert count <= MYPY_CEILING, (
        f"mypy finds {count} errors, more than the ceiling of {MYPY_CEILING}; fix the new ones:\n{done.stdout}")
    assert count == MYPY_CEILING, (
        f"mypy finds {count} errors, fewer than the ceiling of {MYPY_CEILING}: "
        f"lower MYPY_CEILING in tests/test_types.py to {count}")
