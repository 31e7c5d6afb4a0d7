"""The imports blueprint: staff pages under a session (login required)."""
from __future__ import annotations

from flask import Blueprint, abort
from flask_login import login_required

from ..models import EvaluationSession
from ..sessions import by_code

bp = Blueprint("imports", __name__, url_prefix="/staff/sessions/<code>")


@bp.before_request
@login_required
def _require_login():
    """Every import page requires a logged-in staff user."""


def session_or_404(code: str) -> EvaluationSession:
    session = by_code(code)
    if session is None:
        abort(404)
    return session
