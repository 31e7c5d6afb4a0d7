"""The hook through which pages and commands start background work. The core owns it, so no
area imports the job area to start a job: survey.jobs plugs its queue in (`install`, from its
`init_app`); the staff analysis page, the review workspace and `pingjia serve`/`demo` call the
functions here, which find the queue on the app they run in."""
from __future__ import annotations

from typing import Any, Protocol

from flask import Flask, current_app

KEY = "pingjia.background"


class Background(Protocol):
    """What the job area provides (survey.jobs.queue: the module itself, so a test that patches
    one of its functions patches what the hook calls)."""

    def enqueue_analysis(self, evaluation: Any, user: Any = None, *, kind: str = "full") -> tuple[Any, bool]: ...

    def schedule_refresh(self, evaluation: Any, *, delay: float | None = None) -> bool: ...

    def start_embedded_consumer(self, app: Flask, *, workers: int = 2) -> Any: ...

    def warm_up(self, app: Flask) -> Any: ...


def install(app: Flask, background: Background) -> None:
    app.extensions[KEY] = background


def _background(app: Flask | None = None) -> Background:
    try:
        return (app or current_app).extensions[KEY]
    except KeyError:
        raise RuntimeError("后台任务未注册（survey.jobs.init_app 未调用）") from None


def enqueue_analysis(evaluation: Any, user: Any = None, *, kind: str = "full") -> tuple[Any, bool]:
    """Queue an analysis of `evaluation` once (a second request while one runs starts nothing):
    (the AnalysisRun, whether this call created it)."""
    return _background().enqueue_analysis(evaluation, user, kind=kind)


def schedule_refresh(evaluation: Any) -> bool:
    """Redraw the derived files (word clouds, summary) after staff decisions, debounced."""
    return _background().schedule_refresh(evaluation)


def start_worker(app: Flask, *, warm_up: bool = True) -> Any:
    """The background worker inside this process (`pingjia serve`, `demo`): its consumer (to
    stop), and the models loading meanwhile when the app's ANALYSIS_WARM_UP says so."""
    background = _background(app)
    consumer = background.start_embedded_consumer(app)
    if warm_up and app.config["ANALYSIS_WARM_UP"]:
        background.warm_up(app)
    return consumer
