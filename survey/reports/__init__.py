"""The evaluation report (Word, print-ready HTML) and the Excel/CSV exports.

Layers: `data` assembles plain `ReportData` from the database; `docx`, `html` and `exports`
render it; `privacy` masks personal information in everything that leaves the office;
`photos` keeps the session photos of section 五; `drafts` writes each text block's program
draft as claims (`claims`: each sentence with the statements it stands on and its `figures`,
in reported speech (`speech`, `voices`), in the occasion's words (`occasion`), with who took
part from `people`); `claim_store` keeps the claims and staff's decisions on them, `evidence`
shows what a sentence stands on; `blocks` keeps the blocks staff finished (the `editor`
page); `routes`, `editor` and `commands` are thin callers.
"""
from flask import Flask

from . import editor  # noqa: F401  (its routes join the blueprint)
from .routes import bp


def init_app(app: Flask) -> None:
    """The area's own commands: `pingjia report`, `pingjia export`."""
    from ..commandline import add_commands
    from .commands import export, report

    add_commands(app, report, export)


__all__ = ["bp", "init_app"]
