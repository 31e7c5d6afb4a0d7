"""`pingjia` management commands of the core: database, staff accounts, plans, sessions.

Declared in survey.cli (COMMANDS) with `serve` and `demo` (cli.serving) and registered on the
app's CLI from its `init_app`; each area does the same with its own (review, jobs, imports,
reports). Each command is a thin caller of the rules in survey.plans / survey.sessions /
survey.demo.
"""
from __future__ import annotations

import datetime as dt

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from analysis.plan import PlanError

from ..commandline import CommandError, migrate_to_latest, session_or_fail
from ..extensions import db
from ..limits import DISPLAY_NAME_MAX, PASSWORD_MAX, USERNAME_MAX
from ..models import SESSION_FORMS, EvaluationSession, StaffUser

MIN_PASSWORD = 8


@click.command("init-db", help="创建或升级数据库结构（执行全部数据库迁移）。可重复运行。")
@with_appcontext
def init_db() -> None:
    migrate_to_latest()
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
    from ..plans import sync_plan_file

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
    from ..plans import plan_dir, sync_plan_dir

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
@click.option("--anonymous", is_flag=True, help="匿名征集意见（如网上公开征求意见）：不问单位名称，单位类型可不填，可选“个人/群众”。")
def create_session(plan_id, title, form, organiser, starts_at, place, roster_file, open_now, anonymous) -> None:
    from ..roster import RosterError, load_file
    from ..sessions import SessionError
    from ..sessions import create_session as create

    try:
        roster = load_file(roster_file) if roster_file else []
        session = create(plan_id=plan_id, title=title, form=form, organiser=organiser,
                         starts_at=starts_at, place=place, roster=roster,
                         status="open" if open_now else "draft", anonymous=anonymous)
    except (RosterError, SessionError) as exc:
        db.session.rollback()
        raise CommandError(str(exc)) from exc
    db.session.commit()
    # an anonymous consultation has no roster: say what it is, not "参会单位 0 家"
    who = "匿名征求意见" if anonymous and not roster else f"参会单位 {len(roster)} 家"
    click.echo(f"已创建活动 {session.code}：{session.title}（{session.status_label}，{who}）")
    if not open_now:
        click.echo(f"开放填写：pingjia open-session {session.code}")


@click.command("open-session", help="开放一场活动，参会人员扫码后即可填写。")
@with_appcontext
@click.argument("code")
def open_session(code: str) -> None:
    from ..sessions import set_status

    session = session_or_fail(code)
    set_status(session, "open")
    db.session.commit()
    click.echo(f"已开放：{session.code} {session.title}")


@click.command("close-session", help="结束一场活动，之后不再接受填写。")
@with_appcontext
@click.argument("code")
def close_session(code: str) -> None:
    from ..sessions import set_status

    session = session_or_fail(code)
    set_status(session, "closed")
    db.session.commit()
    click.echo(f"已结束：{session.code} {session.title}")


@click.command("list-sessions", help="列出全部评价活动（代码、状态、意见数、时间、名称）。")
@with_appcontext
def list_sessions() -> None:
    from ..sessions import response_counts
    from ..timefmt import format_datetime

    sessions = db.session.scalars(select(EvaluationSession).order_by(EvaluationSession.starts_at.desc(),
                                                                     EvaluationSession.id.desc())).all()
    if not sessions:
        click.echo("还没有评价活动。新建：pingjia create-session --help")
        return
    counts = response_counts()
    for s in sessions:
        click.echo(f"{s.code}  {s.status_label:<4}  {counts.get(s.id, 0):>4} 份  "
                   f"{format_datetime(s.starts_at) or '时间待定':<16}  {s.title}")
