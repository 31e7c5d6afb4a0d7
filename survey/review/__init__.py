"""Review: analysis results in the database, staff decisions on them, and the workspace.

Importing the package is light (its COMMANDS, read by `pingjia --help`); the blueprint and its
views load when the app factory asks for `bp`."""
from __future__ import annotations

from ..commandline import Declared, lazy_names, registrar

COMMANDS = (
    Declared("analyze-session", "survey.review.commands:analyze_session",
             "分析一个评价活动（或合并评价）收到的全部意见，结果存入数据库；保留工作人员的审核结果。"),
    Declared("group-sessions", "survey.review.commands:group_sessions",
             "把同一规划的几场活动合并为一个评价，一起分析和审核。"),
)


# the area's own commands: `pingjia analyze-session`, `pingjia group-sessions`.
init_app = registrar(COMMANDS)


__getattr__ = lazy_names(__name__, {}, ("routes",))


__all__ = ["COMMANDS", "bp", "init_app"]
