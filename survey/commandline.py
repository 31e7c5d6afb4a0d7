"""What every `pingjia` command shares, in the core so that each area registers its own
commands without importing the CLI package (which imports the app): the error contract
(`CommandError`), how an area declares its commands (`Declared`, read by `pingjia --help`
without building the app) and registers them on the app (`add_commands`), the session look-up
and the migration.

This module stays light (click and the cleaning rules): `pingjia --help` imports it with every
area's declarations, and no database, migration or report library comes with it."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from flask import Flask

    from .models import EvaluationSession


class CommandError(click.ClickException):
    """A problem with what the user asked for: one Chinese line on stderr, exit status 2,
    no traceback (the same contract as analysis.cli.UserInputError)."""

    exit_code = 2

    def show(self, file=None) -> None:
        click.echo(f"错误：{self.format_message()}", err=True)


@dataclass(frozen=True)
class Declared:
    """A command as its area declares it (the area package's COMMANDS): its name, where it lives
    ("module:attribute") and its line in `pingjia --help` (click's short_help; the command's own
    help, in its module, is its `pingjia <name> --help`). The module is imported only when the
    app registers the command, never to list it (Click's lazy-loading pattern)."""

    name: str
    target: str
    short_help: str

    def load(self) -> click.Command:
        module, _, attribute = self.target.partition(":")
        command = getattr(import_module(module), attribute)
        if command.name != self.name:
            raise RuntimeError(f"{self.target} is the command {command.name!r}, declared as {self.name!r}")
        command.short_help = self.short_help
        return command


def add_commands(app: Flask, *declared: Declared) -> None:
    """Register an area's declared commands on the app's CLI (called from the area's `init_app`).
    add_command (unlike @app.cli.command) doesn't push an app context: each command is wrapped
    in with_appcontext itself, so they work under `pingjia` and test_cli_runner()."""
    from .cleaning import clean_command_params

    for entry in declared:
        command = entry.load()
        clean_command_params(command)  # arguments are cleaned like form fields (survey.cleaning)
        app.cli.add_command(command)


def registrar(declared: tuple[Declared, ...]) -> Callable[[Flask], None]:
    """An area's `init_app` when all it does is register the commands it declares."""
    def init_app(app: Flask) -> None:
        add_commands(app, *declared)
    return init_app


def lazy_names(package: str, names: dict[str, str], views: tuple[str, ...] = ()) -> Callable[[str], Any]:
    """An area package's module `__getattr__` (PEP 562), so that importing the package stays light (its
    COMMANDS, read by `pingjia --help`): `bp` imports `views` (the modules whose routes join the blueprint)
    and returns `routes.bp`, when the app factory asks for it; each name of `names` loads from its module
    (name → module in the package) on first use."""
    def __getattr__(name: str) -> Any:
        if name == "bp" and views:
            for module in views:
                import_module(f"{package}.{module}")
            return import_module(f"{package}.routes").bp
        if name in names:
            return getattr(import_module(f"{package}.{names[name]}"), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")
    return __getattr__


def migrate_to_latest() -> None:
    from flask_migrate import upgrade

    upgrade()


def session_or_fail(code: str) -> EvaluationSession:
    from .sessions import by_code

    session = by_code(code)
    if session is None:
        raise CommandError(f"找不到活动代码 {code}（可用 pingjia list-sessions 查看）")
    return session
