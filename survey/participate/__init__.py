"""The participant side: the phone form opened from the QR code (no account).

Loads only the core (models, answers, sessions, limits): no analysis models, review,
reports, imports or jobs, so a phone's request never pays for them.
"""
from .routes import bp

__all__ = ["bp"]
