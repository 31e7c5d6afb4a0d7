"""Staff pages (login required): sessions, their status, the participant link and QR code."""
from flask import Blueprint
from flask_login import login_required

bp = Blueprint("staff", __name__, url_prefix="/staff")


@bp.before_request
@login_required
def _require_login():
    """Every staff page requires a logged-in user."""


@bp.route("/")
def index():
    return "评价活动"
