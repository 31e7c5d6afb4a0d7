"""`pingjia worker`: the background analysis process on its own."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("worker", help="运行后台分析进程（任务队列的消费者）。pingjia serve 和 pingjia demo 已自带一个，"
                              "网站用 waitress-serve 等其他方式启动时才需要单独运行。按 Ctrl+C 停止。")
@with_appcontext
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 8),
              help="同时运行的后台任务数（分析和绘制词云）。")
def worker(workers: int) -> None:
    from .queue import warm_up, worker_consumer

    app = current_app._get_current_object()
    backend = "Redis" if app.config.get("REDIS_URL") else "SQLite（instance/huey.sqlite3）"
    click.echo(f"后台分析进程已启动（任务队列：{backend}），按 Ctrl+C 停止。")
    if app.config["ANALYSIS_WARM_UP"]:
        warm_up(app)
    worker_consumer(app, workers=workers).run()
