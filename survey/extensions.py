"""Extensions, created unbound and attached in the app factory (Flask app-factory pattern)."""
from __future__ import annotations

from typing import Any

import click
from flask import Flask
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData

# Named constraints keep Alembic migrations portable between SQLite and PostgreSQL.
_naming = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=_naming))


class Migrations:
    """Flask-Migrate, attached when a migration first needs it. Importing Flask-Migrate loads
    Alembic (about 0.1 s), which `pingjia init-db`, `pingjia db …` and the tests' upgrade need but
    no page and no other command does. Until then the app's `extensions["migrate"]` is this
    stand-in; the first read of one of Flask-Migrate's fields there (flask_migrate.upgrade reads
    `.migrate`, migrations/env.py `.db` and `.configure_args`) runs Flask-Migrate's own
    `init_app`, which puts its record in our place and its `db` command in place of ours, as
    it would have at start."""

    def __init__(self, app: Flask, db: SQLAlchemy, **options: Any) -> None:
        self._app, self._db, self._options = app, db, options
        self._record: Any = None
        app.extensions["migrate"] = self
        app.cli.add_command(_MigrationCommands(self))

    def attach(self) -> Any:
        """Flask-Migrate's record for the app (made once)."""
        if self._record is None:
            from flask_migrate import Migrate

            Migrate(self._app, self._db, **self._options)
            self._record = self._app.extensions["migrate"]
        return self._record

    def __getattr__(self, name: str) -> Any:
        return getattr(self.attach(), name)
login_manager = LoginManager()
csrf = CSRFProtect()


class _MigrationCommands(click.Group):
    """`flask --app survey db …` (README, Development): Flask-Migrate's `db` group, which takes
    over as soon as it is used (its options, its commands and its help are its own)."""

    def __init__(self, migrations: Migrations) -> None:
        super().__init__("db", help="Perform database migrations.")
        self._migrations = migrations

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:
        self._migrations.attach()
        from flask_migrate.cli import db as group

        return group.make_context(info_name, args, parent=parent, **extra)
