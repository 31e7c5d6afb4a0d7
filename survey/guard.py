"""The staff login guard, in one place: every staff area creates its blueprint with
`staff_blueprint`, which registers `staff_only` before each of its requests, so no staff page
can be reached without a login and no area writes the rule again. The blueprints behind it are
named in survey.cleaning.STAFF_BLUEPRINTS (larger form limits); a test checks the two agree."""
from __future__ import annotations

from flask import Blueprint
from flask_login import login_required


@login_required
def staff_only() -> None:
    """Before every request of a staff blueprint: a visitor who is not logged in is sent to the
    login page (Flask-Login's `login_view`, set in survey.register_extensions); a logged-in
    staff user passes (None lets the view run)."""


def staff_blueprint(name: str, import_name: str, url_prefix: str = "/staff") -> Blueprint:
    """A staff area's blueprint: every page on it requires a staff login (`staff_only`)."""
    bp = Blueprint(name, import_name, url_prefix=url_prefix)
    bp.before_request(staff_only)
    return bp
