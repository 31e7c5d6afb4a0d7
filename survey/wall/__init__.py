"""The live wall (大屏) for the round-table, its moderation queue, and the event stream that
keeps the wall and the staff pages up to date without a reload (issue 23)."""
from . import events  # noqa: F401  (the ORM listeners that announce answers)
from .routes import bp

__all__ = ["bp"]
