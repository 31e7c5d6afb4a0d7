"""Where templates live: top-level `templates/` in a checkout, `survey/templates/` in a wheel."""
from pathlib import Path

_HERE = Path(__file__).resolve().parent


def templates_dir() -> Path:
    for candidate in (_HERE / "templates", _HERE.parent / "templates"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("找不到 templates 目录")


STATIC_DIR = _HERE / "static"
MIGRATIONS_DIR = _HERE / "migrations"
