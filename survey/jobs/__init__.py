"""Background jobs: analysis runs outside the request, on a huey queue.

`queue.py` makes the app's huey (SQLite file in the instance folder, or Redis when
PINGJIA_REDIS_URL is set), its consumers, and `enqueue_analysis` (enqueue once); `runs.py`
holds the rules of an AnalysisRun: run the task, report progress, fail with a Chinese
reason, never stay "running" forever; `commands.py` is `pingjia worker`.

Other areas start jobs through the core's hook (survey.background), which `init_app` plugs
this queue into; they never import this package to do it.
"""
from flask import Flask

from . import queue
from .queue import enqueue_analysis, get_huey, schedule_refresh, start_embedded_consumer
from .runs import current_run, last_done_run, run_status


def init_app(app: Flask) -> None:
    """The queue behind the core's background hook, and the area's command `pingjia worker`."""
    from ..background import install
    from ..commandline import add_commands
    from .commands import worker

    install(app, queue)
    add_commands(app, worker)


__all__ = ["current_run", "enqueue_analysis", "get_huey", "init_app", "last_done_run", "run_status",
           "schedule_refresh", "start_embedded_consumer"]
