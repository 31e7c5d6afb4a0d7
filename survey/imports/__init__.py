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

Importing the package is light (its COMMANDS, read by `pingjia --help`); the blueprint and its
views load when the app factory asks for `bp`, the other names from their modules on first use.
"""
from __future__ import annotations

from ..commandline import Declared, lazy_names, registrar

COMMANDS = (Declared("import", "survey.imports.commands:import_command",
                     "把问卷星、腾讯问卷导出的文件或 CSV/XLSX 表格导入一场评价活动。"),)
_NAMES = {"ImportFileError": "readers", "Sheet": "readers", "read_sheet": "readers", "Checked": "rules",
          "ImportRefused": "rules", "ImportReport": "rules", "check": "rules", "prepare": "rules", "store": "rules"}


# the area's own command: `pingjia import`.
init_app = registrar(COMMANDS)


__getattr__ = lazy_names(__name__, _NAMES, ("paper", "routes"))


__all__ = ["COMMANDS", "Checked", "bp", "init_app", "ImportFileError", "ImportRefused", "ImportReport", "Sheet",
           "check", "prepare", "read_sheet", "store"]
