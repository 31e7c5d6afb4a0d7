"""Review: analysis results in the database, staff decisions on them, and the workspace."""
from flask import Flask

from .routes import bp


def init_app(app: Flask) -> None:
    """The area's own commands: `pingjia analyze-session`, `pingjia group-sessions`."""
    from ..commandline import add_commands
    from .commands import analyze_session, group_sessions

    add_commands(app, analyze_session, group_sessions)


__all__ = ["bp", "init_app"]
