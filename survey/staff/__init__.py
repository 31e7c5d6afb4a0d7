"""Staff pages: sessions (list, new, status, link, QR code, poster) in `routes`, the analysis
page and grouping in `analysis`, their forms in `forms`; one blueprint for both."""
from . import analysis  # noqa: F401  (its routes are on the blueprint)
from .routes import bp

__all__ = ["bp"]
