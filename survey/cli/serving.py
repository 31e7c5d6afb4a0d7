"""`pingjia serve` and `pingjia demo`: the site (waitress) with the background worker."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from analysis.plan import PlanError

from ..commandline import CommandError, migrate_to_latest
from ..extensions import db
from ..hosts import lan_address


@click.command("serve", help="用 waitress 启动网站，并在同一进程内运行后台分析（正式使用时；演示用 pingjia demo）。")
@with_appcontext
@click.option("--host", default="127.0.0.1", show_default=True,
              help="监听地址；用 0.0.0.0 让同一局域网的手机也能访问（请同时设置 PINGJIA_PUBLIC_BASE_URL）。")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64), help="工作线程数。")
@click.option("--worker/--no-worker", "embedded", default=True, show_default=True,
              help="是否在本进程内运行后台分析（另外运行 pingjia worker 时可关闭）。")
def serve(host: str, port: int, threads: int, embedded: bool) -> None:
    server = _bind(host, port, threads=threads)
    click.echo(f"网站已启动：http://{lan_address() if host in ('0.0.0.0', '::') else host}:{port}/staff/ （按 Ctrl+C 停止）")
    _run(server, embedded=embedded)


def _bind(host: str, port: int, *, threads: int = 8):
    """Bind now, so a busy port is reported in Chinese before anything slow happens."""
    from ..serve import ServeError, make_server

    try:
        return make_server(current_app._get_current_object(), host, port, threads=threads)
    except ServeError as exc:
        raise CommandError(str(exc)) from exc


def _run(server, *, embedded: bool = True) -> None:
    """Serve until stopped, with the background analysis worker in this process."""
    from ..background import start_worker
    from ..serve import freeze_startup_objects

    consumer = start_worker(current_app._get_current_object()) if embedded else None
    freeze_startup_objects()
    try:
        server.run()
    finally:
        if consumer is not None:
            consumer.stop()


@click.command("demo", help="准备演示：导入示例规划、演示活动、约 40 份虚构意见和工作人员账号 staff，然后启动网站。可重复运行。")
@with_appcontext
@click.option("--host", default="127.0.0.1", show_default=True,
              help="监听地址；用 0.0.0.0 让同一局域网的手机也能访问。")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--serve/--no-serve", default=True, show_default=True, help="准备好后是否启动网站（waitress）。")
@click.option("--analyze/--no-analyze", default=True, show_default=True,
              help="是否对演示意见运行文本分析（已有结果且没有新意见时跳过）。")
def demo(host: str, port: int, serve: bool, analyze: bool) -> None:
    from ..demo import DEMO_USERNAME, DemoError, install_demo
    from ..sessions import participant_url

    server = _bind(host, port) if serve else None  # a busy port is reported before the slow part
    migrate_to_latest()
    try:
        report = install_demo()
    except (DemoError, PlanError) as exc:
        db.session.rollback()
        raise CommandError(str(exc)) from exc
    db.session.commit()

    shown_host = lan_address() if host in ("0.0.0.0", "::") else host
    app = current_app._get_current_object()
    if not app.config.get("PUBLIC_BASE_URL"):
        # QR codes carry the address the server listens on (the LAN address when listening
        # on every interface), never whatever Host header a request brings.
        app.config["PUBLIC_BASE_URL"] = f"http://{shown_host}:{port}"
    with app.test_request_context(base_url=f"http://{shown_host}:{port}/"):
        from flask import url_for

        survey_url = participant_url(report.session)
        staff_url = url_for("staff.session_detail", code=report.session.code, _external=True)
    s = report.session
    evaluation = None
    if analyze:
        from ..evaluations import evaluation_for_session
        from ..review.commands import print_analysis
        from ..review.store import stored_result

        evaluation = evaluation_for_session(s)
        db.session.commit()
        if not (report.responses_added or stored_result(evaluation) is None):
            evaluation = None  # up to date
        elif server is None:
            print_analysis(evaluation)
            evaluation = None
    click.echo(f"演示活动：{s.title}（代码 {s.code}，{'新建' if report.session_created else '已存在'}，"
               f"本次新增意见 {report.responses_added} 份，共 {len(s.responses)} 份）")
    click.echo(f"参会人员填写：{survey_url}")
    click.echo(f"工作人员页面：{staff_url}")
    click.echo(f"分析结果页面：{staff_url}/analysis")
    if report.staff_password:
        click.echo(f"登录：用户名 {DEMO_USERNAME}，密码 {report.staff_password}（请记下，只显示这一次）")
    else:
        click.echo(f"登录：用户名 {DEMO_USERNAME}（账号已存在，密码未改变；"
                   f"忘记密码可运行 pingjia set-password {DEMO_USERNAME}）")
    if server is not None:
        if evaluation is not None:
            # The embedded worker analyses while the site is already up; the page shows progress.
            from ..background import enqueue_analysis

            enqueue_analysis(evaluation)
            click.echo("已在后台开始分析演示意见，分析结果页面会显示进度。")
        click.echo(f"网站已启动：http://{shown_host}:{port}/ （按 Ctrl+C 停止）")
        _run(server)
