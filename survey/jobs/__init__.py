"""Background jobs: analysis runs outside the request, on a huey queue.

`queue.py` makes the app's huey (SQLite file in the instance folder, or Redis when
PINGJIA_REDIS_URL is set), its consumers, and `enqueue_analysis` (enqueue once); `runs.py`
holds the rules of an AnalysisRun: run the task, report progress, fail with a Chinese
reason, never stay "running" forever; `commands.py` is `pingjia worker`.

Other areas start jobs through the core's hook (survey.background), which `init_app` plugs
this queue into; they never import this package to do it. Importing the package is light (its
COMMANDS, read by `pingjia --help`); the names below load from queue/runs on first use.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..commandline import Declared, add_commands, lazy_names

if TYPE_CHECKING:
    from flask import Flask

COMMANDS = (Declared("worker", "survey.jobs.commands:worker", "运行后台分析进程（任务队列的消费者）；pingjia serve 和 demo 已自带一个。"),)
_NAMES = {"current_run": "runs", "last_done_run": "runs", "run_status": "runs", "enqueue_analysis": "queue",
          "get_huey": "queue", "schedule_refresh": "queue", "start_embedded_consumer": "queue"}


def init_app(app: Flask) -> None:
    """The queue behind the core's background hook, and the area's command `pingjia worker`."""
    from ..background import install
    from . import queue

    install(app, queue)
    add_commands(app, *COMMANDS)


__getattr__ = lazy_names(__name__, _NAMES, ())


__all__ = ["COMMANDS", "current_run", "enqueue_analysis", "get_huey", "init_app", "last_done_run", "run_status",
           "schedule_refresh", "start_embedded_consumer"]
