"""Staff pages: sessions (list, new, status, link, QR code, poster) in `routes`, the analysis
page and grouping in `analysis`, their forms in `forms`; one blueprint for both."""
from . import analysis, routes  # noqa: F401  (their routes are on the blueprint)
from .blueprint import bp

__all__ = ["bp"]
