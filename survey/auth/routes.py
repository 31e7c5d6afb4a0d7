"""Staff login, and the site's front page. Participants never log in; every staff page requires it.

Failed logins slow down the (user name, address) pair that made them, with a backoff that
grows with each failure and never locks anyone out (survey/throttle.py): a colleague at another
desk, or another account at this one, logs in at once. An unknown user name costs the same
password-hash check as a wrong password, so timing does not tell which names exist; logging
out ends every session of the user, on every device.
"""
from functools import cache
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from ..extensions import db
from ..forms import PostedForm
from ..limits import PASSWORD_MAX, USERNAME_MAX
from ..models import StaffUser
from ..throttle import login_backoff, wait_text

# No url_prefix: the front page "/" lives here too (the address `pingjia serve` prints).
bp = Blueprint("auth", __name__)
FAILED = "用户名或密码不正确。"


class LoginForm(PostedForm):
    username = StringField("用户名", validators=[DataRequired("请填写用户名。"),
                                              Length(max=USERNAME_MAX, message=FAILED)])
    password = PasswordField("密码", validators=[DataRequired("请填写密码。"),
                                               Length(max=PASSWORD_MAX, message=FAILED)])
    remember = BooleanField("在本机保持登录")


@cache
def _dummy_hash() -> str:
    # Same method and cost as real hashes (werkzeug's default), made once per process.
    return generate_password_hash("no such user")


def check_login(username: str, password: str) -> StaffUser | None:
    user = db.session.scalar(select(StaffUser).where(StaffUser.username == username))
    if user is None:
        check_password_hash(_dummy_hash(), password)  # spend the time a real check takes
        return None
    return user if user.check_password(password) else None


def _safe_next(target: str | None) -> str:
    # Only same-site relative paths, so the login page can't be used as an open redirect.
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("staff.index")


@bp.route("/")
def home():
    """What someone who opens the bare address sees: participants are told to scan their
    session's QR code (a session's link is its own), staff are offered the login."""
    return render_template("auth/home.html")


@bp.route("/staff/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("staff.index"))
    form = LoginForm()
    if form.validate_on_submit():
        username = form.username.data.strip()
        backoff = login_backoff()
        wait = backoff.wait(username)
        if wait > 0:  # the password is not even checked: waiting is the only way on
            return _wait_page(form, wait)
        user = check_login(username, form.password.data)
        if user is not None:
            backoff.succeeded(username)
            login_user(user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")))
        wait = backoff.failed(username)
        if wait > 0:
            return _wait_page(form, wait)
        form.password.errors.append(FAILED)
    return render_template("auth/login.html", form=form)


def _wait_page(form: LoginForm, seconds: float):
    # The typed user name stays in the form; the password is never echoed.
    form.password.errors = [f"{FAILED}此账号在本机登录失败次数较多，请在 {wait_text(seconds)}后再试"
                            f"（每多失败一次，等待时间加倍）；忘记密码可请管理员运行 pingjia set-password 重设。"]
    return (render_template("auth/login.html", form=form), 429,
            {"Retry-After": str(max(1, round(seconds)))})


@bp.route("/staff/logout", methods=["POST"])
@login_required
def logout():
    # Ends this user's sessions everywhere: a copied session or remember-me cookie stops working.
    current_user.end_all_sessions()
    db.session.commit()
    logout_user()
    flash("已退出登录。", "success")
    return redirect(url_for("auth.login"))
