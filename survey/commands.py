"""`pingjia` management commands, registered on the app's CLI (flaskr db.py pattern).

Each command is a thin caller of survey.plans / survey.sessions / survey.demo, which hold the rules.
"""
from __future__ import annotations

import datetime as dt
import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from analysis.plan import PlanError

from .cleaning import clean_command_params
from .extensions import db
from .hosts import lan_address
from .limits import DISPLAY_NAME_MAX, PASSWORD_MAX, USERNAME_MAX
from .models import SESSION_FORMS, EvaluationSession, StaffUser

MIN_PASSWORD = 8


class CommandError(click.ClickException):
    """A problem with what the user asked for: one Chinese line on stderr, exit status 2,
    no traceback (the same contract as analysis.cli.UserInputError)."""

    exit_code = 2

    def show(self, file=None) -> None:
        click.echo(f"错误：{self.format_message()}", err=True)


def register(app: Flask) -> None:
    # add_command (unlike @app.cli.command) doesn't push an app context: each command is
    # wrapped in with_appcontext itself, so they work under `pingjia` and test_cli_runner().
    for command in (init_db, create_staff, set_password, load_plan, load_plans, create_session, open_session,
                    close_session, list_sessions, analyze_session, demo, serve):
        clean_command_params(command)  # arguments are cleaned like form fields (survey.cleaning)
        app.cli.add_command(command)


def _migrate_to_latest() -> None:
    from flask_migrate import upgrade

    upgrade()


@click.command("init-db", help="创建或升级数据库结构（执行全部数据库迁移）。可重复运行。")
@with_appcontext
def init_db() -> None:
    _migrate_to_latest()
    click.echo("数据库已是最新结构。下一步：pingjia load-plans，pingjia create-staff 用户名")


def _ask_password() -> str:
    # Our own loop rather than click's confirmation_prompt, whose mismatch message is English.
    while True:
        password = click.prompt("密码", hide_input=True)
        if len(password) < MIN_PASSWORD:
            click.echo(f"密码至少 {MIN_PASSWORD} 位，请重新输入。")
        elif len(password) > PASSWORD_MAX:
            click.echo(f"密码不超过 {PASSWORD_MAX} 位，请重新输入。")
        elif click.prompt("再次输入密码", hide_input=True) != password:
            click.echo("两次输入的密码不一致，请重新输入。")
        else:
            return password


@click.command("create-staff", help="新建工作人员账号；密码在提示时输入（不回显，需输入两次）。")
@with_appcontext
@click.argument("username")
@click.option("--password", help="不建议在命令行直接写密码（会留在命令历史里）；省略则提示输入。")
@click.option("--display-name", default="", help="显示名称，例如姓名。")
def create_staff(username: str, password: str | None, display_name: str) -> None:
    if password is not None and len(password) < MIN_PASSWORD:
        raise CommandError(f"--password：密码至少 {MIN_PASSWORD} 位")
    if password is not None and len(password) > PASSWORD_MAX:
        raise CommandError(f"--password：密码不超过 {PASSWORD_MAX} 位")
    username = username.strip()
    if not username or len(username) > USERNAME_MAX:
        raise CommandError(f"用户名应为 1-{USERNAME_MAX} 个字符")
    if len(display_name.strip()) > DISPLAY_NAME_MAX:
        raise CommandError(f"--display-name：显示名称不超过 {DISPLAY_NAME_MAX} 个字符")
    if db.session.scalar(select(StaffUser).where(StaffUser.username == username)):
        raise CommandError(f"用户 {username} 已存在")
    if password is None:
        password = _ask_password()
    user = StaffUser(username=username, display_name=display_name.strip())
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    click.echo(f"已创建工作人员 {username}")


@click.command("set-password", help="重设工作人员的密码（忘记密码时使用）；该用户已登录的页面和“保持登录”都会失效。")
@with_appcontext
@click.argument("username")
def set_password(username: str) -> None:
    user = db.session.scalar(select(StaffUser).where(StaffUser.username == username.strip()))
    if user is None:
        raise CommandError(f"找不到用户 {username}")
    user.set_password(_ask_password())  # also ends every existing login of the user
    db.session.commit()
    click.echo(f"已重设 {user.username} 的密码；此前的登录已全部失效")


@click.command("load-plan", help="导入或更新一个规划文件（TOML）。")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False, path_type=str))
def load_plan(path: str) -> None:
    from .plans import sync_plan_file

    try:
        result = sync_plan_file(path)
    except PlanError as exc:
        db.session.rollback()
        raise CommandError(str(exc)) from exc
    db.session.commit()
    click.echo(f"{result.label}：{result.plan.id}（{result.plan.title}）")


@click.command("load-plans", help="导入规划目录（配置 PLAN_DIR，默认随程序附带的 corpus/plans）中的全部规划文件。")
@with_appcontext
def load_plans() -> None:
    from .plans import plan_dir, sync_plan_dir

    try:
        results = sync_plan_dir()
    except PlanError as exc:
        db.session.rollback()
        raise CommandError(f"{exc}（未导入任何文件）") from exc
    db.session.commit()
    if not results:
        click.echo(f"{plan_dir()} 中没有 .toml 规划文件")
    for r in results:
        click.echo(f"{r.label}：{r.plan.id}（{r.plan.title}）")


def _parse_starts_at(ctx, param, value: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(value.strip()).replace(tzinfo=None, second=0, microsecond=0)
    except ValueError:
        raise click.BadParameter("应为 2023-11-15 14:30 这样的日期时间（北京时间）") from None


@click.command("create-session", help="新建一场评价活动（默认为草稿，加 --open 则立即开放填写）。")
@with_appcontext
@click.option("--plan", "plan_id", required=True, help="规划编号，例如 taian-ip-14th-fyp。")
@click.option("--title", required=True, help="活动名称。")
@click.option("--form", "form", type=click.Choice(SESSION_FORMS), default=SESSION_FORMS[0],
              show_default=True, help="评价形式。")
@click.option("--organiser", required=True, help="组织实施单位。")
@click.option("--starts-at", required=True, callback=_parse_starts_at, help="开始时间，例如 \"2023-11-15 14:30\"。")
@click.option("--place", required=True, help="地点。")
@click.option("--roster", "roster_file", type=click.Path(exists=True, dir_okay=False),
              help="参会名单：CSV（单位,姓名,类型）或 TOML（[[roster]] 表）。")
@click.option("--open", "open_now", is_flag=True, help="创建后立即开放填写。")
def create_session(plan_id, title, form, organiser, starts_at, place, roster_file, open_now) -> None:
    from .roster import RosterError, load_file
    from .sessions import SessionError
    from .sessions import create_session as create

    try:
        roster = load_file(roster_file) if roster_file else []
        session = create(plan_id=plan_id, title=title, form=form, organiser=organiser,
                         starts_at=starts_at, place=place, roster=roster,
                         status="open" if open_now else "draft")
    except (RosterError, SessionError) as exc:
        db.session.rollback()
        raise CommandError(str(exc)) from exc
    db.session.commit()
    click.echo(f"已创建活动 {session.code}：{session.title}（{session.status_label}，参会单位 {len(roster)} 家）")
    if not open_now:
        click.echo(f"开放填写：pingjia open-session {session.code}")


def _session_or_fail(code: str) -> EvaluationSession:
    from .sessions import by_code

    session = by_code(code)
    if session is None:
        raise CommandError(f"找不到活动代码 {code}（可用 pingjia list-sessions 查看）")
    return session


@click.command("open-session", help="开放一场活动，参会人员扫码后即可填写。")
@with_appcontext
@click.argument("code")
def open_session(code: str) -> None:
    from .sessions import set_status

    session = _session_or_fail(code)
    set_status(session, "open")
    db.session.commit()
    click.echo(f"已开放：{session.code} {session.title}")


@click.command("close-session", help="结束一场活动，之后不再接受填写。")
@with_appcontext
@click.argument("code")
def close_session(code: str) -> None:
    from .sessions import set_status

    session = _session_or_fail(code)
    set_status(session, "closed")
    db.session.commit()
    click.echo(f"已结束：{session.code} {session.title}")


@click.command("list-sessions", help="列出全部评价活动（代码、状态、意见数、时间、名称）。")
@with_appcontext
def list_sessions() -> None:
    from .sessions import response_counts
    from .timefmt import format_datetime

    sessions = db.session.scalars(select(EvaluationSession).order_by(EvaluationSession.starts_at.desc(),
                                                                     EvaluationSession.id.desc())).all()
    if not sessions:
        click.echo("还没有评价活动。新建：pingjia create-session --help")
        return
    counts = response_counts()
    for s in sessions:
        click.echo(f"{s.code}  {s.status_label:<4}  {counts.get(s.id, 0):>4} 份  "
                   f"{format_datetime(s.starts_at) or '时间待定':<16}  {s.title}")


@click.command("analyze-session", help="分析一个评价活动收到的全部意见，结果写入 instance/analysis/<代码>/。")
@with_appcontext
@click.argument("code")
@click.option("--no-wordcloud", is_flag=True, help="不生成词云图片")
def analyze_session(code: str, no_wordcloud: bool) -> None:
    _print_analysis(_session_or_fail(code), wordclouds=not no_wordcloud)


def _print_analysis(session: EvaluationSession, *, wordclouds: bool = True) -> None:
    from analysis.cli import TqdmProgress

    from .session_analysis import run_session_analysis

    if not session.responses:
        raise CommandError(f"活动 {session.code} 还没有收到意见，无法分析。")
    click.echo(f"正在分析 {len(session.responses)} 份意见……", err=True)
    progress = TqdmProgress()
    try:
        out = run_session_analysis(session, wordclouds=wordclouds, progress=progress)
    finally:
        progress.close()
    click.echo(f"分析结果：{out / 'summary.md'}")


@click.command("demo", help="准备演示：导入示例规划、演示活动、约 40 份虚构意见和工作人员账号 staff，然后启动网站。可重复运行。")
@with_appcontext
@click.option("--host", default="127.0.0.1", show_default=True,
              help="监听地址；用 0.0.0.0 让同一局域网的手机也能访问。")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--serve/--no-serve", default=True, show_default=True, help="准备好后是否启动网站（waitress）。")
@click.option("--analyze/--no-analyze", default=True, show_default=True,
              help="是否对演示意见运行文本分析（已有结果且没有新意见时跳过）。")
def demo(host: str, port: int, serve: bool, analyze: bool) -> None:
    from .demo import DEMO_USERNAME, DemoError, install_demo
    from .sessions import participant_url

    server = _bind(host, port) if serve else None  # a busy port is reported before the slow part
    _migrate_to_latest()
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
    if analyze:
        from .session_analysis import load_result

        if report.responses_added or load_result(s) is None:
            _print_analysis(s)
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
        click.echo(f"网站已启动：http://{shown_host}:{port}/ （按 Ctrl+C 停止）")
        server.run()


def _bind(host: str, port: int):
    from .serve import ServeError, make_server

    try:
        return make_server(current_app._get_current_object(), host, port)
    except ServeError as exc:
        raise CommandError(str(exc)) from exc


@click.command("serve", help="用 waitress 启动网站（正式使用时；演示用 pingjia demo）。")
@with_appcontext
@click.option("--host", default="127.0.0.1", show_default=True,
              help="监听地址；用 0.0.0.0 让同一局域网的手机也能访问（请同时设置 PINGJIA_PUBLIC_BASE_URL）。")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64), help="工作线程数。")
def serve(host: str, port: int, threads: int) -> None:
    from .serve import ServeError, make_server

    try:
        server = make_server(current_app._get_current_object(), host, port, threads=threads)
    except ServeError as exc:
        raise CommandError(str(exc)) from exc
    click.echo(f"网站已启动：http://{lan_address() if host in ('0.0.0.0', '::') else host}:{port}/ （按 Ctrl+C 停止）")
    server.run()
