"""Review: analysis results in the database, staff decisions on them, and the workspace."""
from .routes import bp

__all__ = ["bp"]
