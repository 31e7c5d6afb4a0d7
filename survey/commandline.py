"""What every `pingjia` command shares, in the core so that each area registers its own
commands without importing the CLI package (which imports the app): the error contract
(`CommandError`), how a command joins the app (`add_commands`), the session look-up and the
migration."""
from __future__ import annotations

import click
from flask import Flask

from .cleaning import clean_command_params
from .models import EvaluationSession


class CommandError(click.ClickException):
    """A problem with what the user asked for: one Chinese line on stderr, exit status 2,
    no traceback (the same contract as analysis.cli.UserInputError)."""

    exit_code = 2

    def show(self, file=None) -> None:
        click.echo(f"错误：{self.format_message()}", err=True)


def add_commands(app: Flask, *commands: click.Command) -> None:
    """Register an area's commands on the app's CLI (called from the area's `init_app`).
    add_command (unlike @app.cli.command) doesn't push an app context: each command is wrapped
    in with_appcontext itself, so they work under `pingjia` and test_cli_runner()."""
    for command in commands:
        clean_command_params(command)  # arguments are cleaned like form fields (survey.cleaning)
        app.cli.add_command(command)


def migrate_to_latest() -> None:
    from flask_migrate import upgrade

    upgrade()


def session_or_fail(code: str) -> EvaluationSession:
    from .sessions import by_code

    session = by_code(code)
    if session is None:
        raise CommandError(f"找不到活动代码 {code}（可用 pingjia list-sessions 查看）")
    return session
