"""The staff blueprint: every page under /staff requires a logged-in user."""
from __future__ import annotations

from flask import Blueprint
from flask_login import login_required

bp = Blueprint("staff", __name__, url_prefix="/staff")


@bp.before_request
@login_required
def _require_login():
    """Every staff page requires a logged-in user."""
