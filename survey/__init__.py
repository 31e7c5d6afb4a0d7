"""Pingjia's web app: evaluation sessions, the participant survey and the staff pages."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .paths import STATIC_DIR, templates_dir


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True,
                template_folder=str(templates_dir()), static_folder=str(STATIC_DIR))
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(
        SQLALCHEMY_DATABASE_URI="sqlite:///" + os.path.join(app.instance_path, "pingjia.sqlite3"),
        # A phone form is small; anything bigger is a mistake or an attack.
        MAX_CONTENT_LENGTH=64 * 1024,
        MAX_FORM_MEMORY_SIZE=64 * 1024,
        WTF_CSRF_TIME_LIMIT=4 * 3600,  # a round-table afternoon
        PLAN_DIR=None,  # None: the bundled corpus/plans
        # Where phones reach this server, e.g. "http://192.168.1.20:5000". None: the host the
        # staff page was opened on, which is wrong when staff browse via 127.0.0.1.
        PUBLIC_BASE_URL=None,
        SESSION_COOKIE_SAMESITE="Lax",
    )
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("PINGJIA")
        if os.environ.get("DATABASE_URL"):
            app.config["SQLALCHEMY_DATABASE_URI"] = _normalise_db_url(os.environ["DATABASE_URL"])
    else:
        app.config.from_mapping(test_config)
    app.config["SQLALCHEMY_DATABASE_URI"] = _normalise_db_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path))

    register_extensions(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_template_filters(app)
    register_commands(app)
    return app


def _normalise_db_url(url: str) -> str:
    # PostgreSQL URLs from other tools say postgres:// or postgresql://; we use psycopg 3.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _instance_secret(instance: Path) -> str:
    """A per-installation secret kept in the instance folder, so secrets never live in code."""
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets staff pages read while phones write; foreign keys are off by default in SQLite.
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=5000")
        cur.close()


def register_extensions(app: Flask) -> None:
    from .extensions import csrf, db, login_manager, migrate
    from .paths import MIGRATIONS_DIR

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "请先登录。"

    from . import models
    from .reports import models as _report_models  # noqa: F401  (tables for Alembic)
    from .review import models as _review_models  # noqa: F401  (tables for Alembic)

    @login_manager.user_loader
    def load_user(user_id: str):
        return db.session.get(models.StaffUser, int(user_id))


def register_blueprints(app: Flask) -> None:
    from . import auth, participate, staff
    from .reports import views as reports

    app.register_blueprint(auth.bp)
    app.register_blueprint(staff.bp)
    app.register_blueprint(participate.bp)
    app.register_blueprint(reports.bp)


def register_error_handlers(app: Flask) -> None:
    from .errors import register

    register(app)


def register_template_filters(app: Flask) -> None:
    from .timefmt import register

    register(app)


def register_commands(app: Flask) -> None:
    from .commands import register
    from .reports.commands import register as register_reports

    register(app)
    register_reports(app)
