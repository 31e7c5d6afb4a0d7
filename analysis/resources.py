"""Where the bundled data files live.

In a checkout `corpus/` sits at the repository root; a built wheel carries it as
`analysis/corpus/`. Every reader goes through `corpus_path` so both work.
"""
from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def corpus_dir() -> Path:
    for candidate in (_HERE / "corpus", _HERE.parent / "corpus"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("找不到 corpus 数据目录（既不在包内，也不在仓库根目录）")


def corpus_path(*parts: str) -> Path:
    return corpus_dir().joinpath(*parts)


def bundled_plans() -> list[Path]:
    return sorted(corpus_path("plans").glob("*.toml"))


# Here, not in analysis.tokenize, so that naming the error (the CLI's list of user errors) imports
# no scikit-learn.
class CorpusFileError(ValueError):
    """A dictionary or stopword file that cannot be used; the message names file and reason."""

    def __init__(self, path: str | Path, reason: str):
        self.path, self.reason = str(path), reason
        super().__init__(f"{path}: {reason}")
