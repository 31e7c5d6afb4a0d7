"""Background jobs: analysis runs outside the request, on a huey queue.

`queue.py` makes the app's huey (SQLite file in the instance folder, or Redis when
PINGJIA_REDIS_URL is set) and its consumers; `runs.py` holds the rules of an AnalysisRun:
enqueue once, report progress, fail with a Chinese reason, never stay "running" forever.
"""
from .queue import get_huey, start_embedded_consumer
from .runs import current_run, enqueue_analysis, run_status

__all__ = ["current_run", "enqueue_analysis", "get_huey", "run_status", "start_embedded_consumer"]
