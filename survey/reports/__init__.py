"""The evaluation report (Word, print-ready HTML) and the Excel/CSV exports.

Layers: `data` assembles plain `ReportData` from the database; `docx`, `html` and `exports`
render it; `privacy` masks personal information in everything that leaves the office;
`photos` keeps the session photos of section 五; `drafts` writes each text block's program
draft as claims (`claims`: each sentence with the statements it stands on and its `figures`,
in reported speech (`speech`, `voices`), in the occasion's words (`occasion`), with who took
part from `people`); `claim_store` keeps the claims and staff's decisions on them, `evidence`
shows what a sentence stands on; `blocks` keeps the blocks staff finished (the `editor`
page); `routes`, `editor` and `commands` are thin callers.

Importing the package is light (its COMMANDS, read by `pingjia --help`); the blueprint and its
views load when the app factory asks for `bp`.
"""
from __future__ import annotations

from ..commandline import Declared, lazy_names, registrar

COMMANDS = (
    Declared("report", "survey.reports.commands:report",
             "生成评价报告：Word（.docx）或可打印的网页（.html，按文件扩展名）。"),
    Declared("export", "survey.reports.commands:export",
             "导出答卷、意见、主题、评分汇总和共识与分歧：.xlsx 工作簿、.zip 或文件夹（CSV）。"),
)


# the area's own commands: `pingjia report`, `pingjia export`.
init_app = registrar(COMMANDS)


__getattr__ = lazy_names(__name__, {}, ("editor", "routes"))


__all__ = ["COMMANDS", "bp", "init_app"]
