"""Pingjia's web app: evaluation sessions, the participant survey and the staff pages."""
from __future__ import annotations

import hmac
import os
from pathlib import Path
from types import ModuleType

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .busy import dispatch_with_retry, sqlite_connect_args
from .cleaning import CleanRequest
from .config import defaults, normalise_db_url
from .instance import make_private_dir, protect_sqlite_file, read_or_create_secret
from .paths import STATIC_DIR, templates_dir
from .security import SessionCookies
from .serve import size_pool


class PingjiaFlask(Flask):
    request_class = CleanRequest  # every form field and query argument arrives cleaned
    session_interface = SessionCookies()

    def dispatch_request(self):
        # A read that meets SQLite's write lock (an analysis saving) is run again (survey.busy).
        return dispatch_with_retry(self, super().dispatch_request)


def create_app(test_config: dict | None = None) -> Flask:
    app = PingjiaFlask(__name__, instance_relative_config=True,
                       template_folder=str(templates_dir()), static_folder=str(STATIC_DIR))
    make_private_dir(Path(app.instance_path))
    app.config.from_mapping(defaults(app.instance_path))
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("PINGJIA")
        if os.environ.get("DATABASE_URL"):
            app.config["SQLALCHEMY_DATABASE_URI"] = normalise_db_url(os.environ["DATABASE_URL"])
    else:
        app.config.from_mapping(test_config)
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_db_url(app.config["SQLALCHEMY_DATABASE_URI"])
    protect_sqlite_file(app.config["SQLALCHEMY_DATABASE_URI"], Path(app.instance_path))
    sqlite_connect_args(app)
    size_pool(app)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = read_or_create_secret(Path(app.instance_path) / "secret_key")
    _configure_transport(app)

    register_extensions(app)
    register_blueprints(app)
    register_throttling(app)
    register_request_edges(app)
    register_error_handlers(app)
    register_template_filters(app)
    register_commands(app)
    return app


def _configure_transport(app: Flask) -> None:
    """HTTPS cookies, the proxy in front, and which Host names are accepted."""
    if app.config.get("HTTPS") or app.config.get("PREFERRED_URL_SCHEME") == "https":
        app.config["SESSION_COOKIE_SECURE"] = app.config["REMEMBER_COOKIE_SECURE"] = True
    if isinstance(app.config.get("TRUSTED_HOSTS"), str):  # PINGJIA_TRUSTED_HOSTS=a.example,b.example
        app.config["TRUSTED_HOSTS"] = [h.strip() for h in app.config["TRUSTED_HOSTS"].split(",") if h.strip()]
    proxies = int(app.config.get("PROXY_FIX") or 0)
    if proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies,
                                x_port=proxies, x_prefix=proxies)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets staff pages read while phones write; foreign keys are off by default in SQLite.
    # The busy timeout is the connection's own, set as it opens (`timeout`, SQLITE_BUSY_TIMEOUT_
    # SECONDS for the app's engine, Python's 5 s elsewhere), so these pragmas wait for it too.
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()


def register_extensions(app: Flask) -> None:
    from .extensions import Migrations, csrf, db, login_manager
    from .paths import MIGRATIONS_DIR

    db.init_app(app)
    Migrations(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "请先登录。"

    from . import models
    from .reports import models as _report_models  # noqa: F401  (tables for Alembic)
    from .review import models as _review_models  # noqa: F401  (tables for Alembic)

    @login_manager.user_loader
    def load_user(login_id: str):
        # "<id>:<session_version>" (StaffUser.get_id): a cookie from before a logout or a
        # password change carries an old version and no longer logs in.
        user_id, _, version = login_id.partition(":")
        if not user_id.isdigit():
            return None
        user = db.session.get(models.StaffUser, int(user_id))
        if user is None or not hmac.compare_digest(version, str(user.session_version)):
            return None
        return user


def register_blueprints(app: Flask) -> None:
    from . import auth, imports, participate, reports, review, staff, wall

    for area in (auth, staff, participate, review, reports, imports, wall):
        app.register_blueprint(area.bp)


def register_throttling(app: Flask) -> None:
    from . import throttle

    throttle.init_app(app)


def register_request_edges(app: Flask) -> None:
    """URL path parts are cleaned like form fields; every response gets the security headers."""
    from .cleaning import clean_view_args
    from .security import add_security_headers

    app.url_value_preprocessor(clean_view_args)
    app.after_request(add_security_headers)


def register_error_handlers(app: Flask) -> None:
    from . import busy, errors

    errors.register(app)
    busy.register(app)


def register_template_filters(app: Flask) -> None:
    from .timefmt import register

    register(app)


def command_areas() -> tuple[ModuleType, ...]:
    """The areas with commands: each declares them in its package's COMMANDS (what `pingjia --help`
    lists, survey.cli.main) and registers them from its `init_app`. Importing these packages is
    light: no blueprint, view or command module comes with them."""
    from . import cli, imports, jobs, reports, review

    return (cli, review, jobs, imports, reports)


def register_commands(app: Flask) -> None:
    """Each area registers its own commands (and the job area its queue behind the core's
    background hook) from its `init_app`."""
    for area in command_areas():
        area.init_app(app)
