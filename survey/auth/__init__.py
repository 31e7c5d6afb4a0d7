"""Staff login and logout."""
from .routes import bp

__all__ = ["bp"]
