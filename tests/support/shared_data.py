"""Where the public labelled data lives (`../shared/data/` beside the repository): read at test
time, never copied into the project (its publishers state no licence).

The quality guards read it. Without it they skip with the reason, except where
PINGJIA_REQUIRE_SHARED_DATA=1 (set by .ci/run): there a missing folder fails, so a guard
never passes by not running.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CANDIDATES = (os.environ.get("PINGJIA_SHARED_DATA", ""), ROOT.parent / "shared" / "data", "/work/shared/data")


def shared_data(name: str) -> Path:
    """The path of `name` in the shared data folder; skips (or fails, when required) without it."""
    for folder in CANDIDATES:
        if folder and (Path(folder) / name).is_file():
            return Path(folder) / name
    reason = f"公共标注数据 {name} 不在 {', '.join(str(c) for c in CANDIDATES if c)}"
    if os.environ.get("PINGJIA_REQUIRE_SHARED_DATA") == "1":
        pytest.fail(reason)
    pytest.skip(reason)
