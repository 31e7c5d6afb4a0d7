"""What every `pingjia` command shares: the error contract and the session look-up."""
from __future__ import annotations

import click

from .models import EvaluationSession


class CommandError(click.ClickException):
    """A problem with what the user asked for: one Chinese line on stderr, exit status 2,
    no traceback (the same contract as analysis.cli.UserInputError)."""

    exit_code = 2

    def show(self, file=None) -> None:
        click.echo(f"错误：{self.format_message()}", err=True)


def migrate_to_latest() -> None:
    from flask_migrate import upgrade

    upgrade()


def session_or_fail(code: str) -> EvaluationSession:
    from .sessions import by_code

    session = by_code(code)
    if session is None:
        raise CommandError(f"找不到活动代码 {code}（可用 pingjia list-sessions 查看）")
    return session
