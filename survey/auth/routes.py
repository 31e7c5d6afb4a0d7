"""Staff login. Participants never log in; every staff page requires it.

Failed logins are throttled per user name and per address (survey/throttle.py); an unknown
user name costs the same password-hash check as a wrong password, so timing does not tell
which names exist; logging out ends every session of the user, on every device.
"""
from functools import cache
from urllib.parse import urlsplit

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_limiter.errors import RateLimitExceeded
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from ..extensions import db
from ..forms import PostedForm
from ..limits import PASSWORD_MAX, USERNAME_MAX
from ..models import StaffUser
from ..throttle import retry_after

bp = Blueprint("auth", __name__, url_prefix="/staff")
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


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("staff.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = check_login(form.username.data.strip(), form.password.data)
        if user is not None:
            login_user(user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")))
        g.login_failed = True  # counted by the login throttle
        form.password.errors.append(FAILED)
    return render_template("auth/login.html", form=form)


@bp.errorhandler(RateLimitExceeded)
def too_many_attempts(exc: RateLimitExceeded):
    # The typed user name stays in the form; the password is never echoed.
    minutes, at = retry_after()
    form = LoginForm()
    form.password.errors = [f"登录失败次数过多，已暂停登录。请在 {minutes} 分钟后（北京时间 {at} 以后）再试；"
                                f"忘记密码可请管理员运行 pingjia set-password 重设。"]
    return render_template("auth/login.html", form=form), 429


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    # Ends this user's sessions everywhere: a copied session or remember-me cookie stops working.
    current_user.end_all_sessions()
    db.session.commit()
    logout_user()
    flash("已退出登录。", "success")
    return redirect(url_for("auth.login"))
