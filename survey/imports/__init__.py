"""Answers collected elsewhere, brought into a session without retyping: 问卷星 and 腾讯问卷
exports, any CSV or XLSX, and paper forms typed in by staff.

- `readers`: files → a grid of text cells with Excel's row numbers (.xlsx, .xls, CSV)
- `platforms`: what 问卷星 and 腾讯问卷 exports look like (headers, ┋, 〖…〗, (跳过))
- `values`: rating and organisation-type cells → what the phone form posts
- `columns`: the fields an import fills and the automatic column matching
- `rules`: check rows with the phone form's own validation, fingerprints, store once
- `uploads`: uploaded files kept between the preview and the import
- `routes` (the blueprint), `paper`: the staff pages (upload → preview → import; the paper form and its
  entry page)
- `commands`: `pingjia import`
"""
from flask import Flask

from . import paper  # noqa: F401  (its routes are on the blueprint)
from .readers import ImportFileError, Sheet, read_sheet
from .routes import bp
from .rules import Checked, ImportRefused, ImportReport, check, prepare, store


def init_app(app: Flask) -> None:
    """The area's own command: `pingjia import`."""
    from ..commandline import add_commands
    from .commands import import_command

    add_commands(app, import_command)


__all__ = ["Checked", "bp", "init_app", "ImportFileError", "ImportRefused", "ImportReport", "Sheet", "check", "prepare",
           "read_sheet", "store"]
