"""The app.cli management commands, run through app.test_cli_runner()."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect, select
from support.staff import PLAN_ID, make_session

from analysis.resources import corpus_path
from survey.extensions import db
from survey.models import EvaluationSession, Plan, StaffUser

SEED = str(corpus_path("plans", f"{PLAN_ID}.toml"))


def session_by_code(code: str) -> EvaluationSession:
    return db.session.scalar(select(EvaluationSession).where(EvaluationSession.code == code))


def test_init_db_builds_the_schema_and_can_run_twice(empty_app):
    runner = empty_app.test_cli_runner()
    for _ in range(2):
        result = runner.invoke(args=["init-db"])
        assert result.exit_code == 0, result.output
        assert "数据库已是最新结构" in result.output
    with empty_app.app_context():
        assert {"plan", "evaluation_session", "response", "alembic_version"} <= set(inspect(db.engine).get_table_names())


def test_create_staff_prompts_twice_and_hashes(app, runner):
    result = runner.invoke(args=["create-staff", "amy"], input="long enough\nlong enough\n")
    assert result.exit_code == 0, result.output
    assert "已创建工作人员 amy" in result.output
    assert "long enough" not in result.output  # hidden input
    with app.app_context():
        user = db.session.scalar(select(StaffUser).where(StaffUser.username == "amy"))
        assert user.password_hash != "long enough" and user.check_password("long enough")


def test_create_staff_rejects_mismatch_short_and_duplicate(app, runner):
    retried = runner.invoke(args=["create-staff", "amy"],
                            input="short\nlong enough\nsomething else\nlong enough\nlong enough\n")
    assert retried.exit_code == 0, retried.output
    assert "密码至少 8 位，请重新输入" in retried.output and "两次输入的密码不一致" in retried.output
    with app.app_context():
        assert db.session.scalar(select(StaffUser)).check_password("long enough")
    short = runner.invoke(args=["create-staff", "bob", "--password", "short"])
    assert short.exit_code != 0 and "密码至少 8 位" in short.output
    again = runner.invoke(args=["create-staff", "amy", "--password", "another one"])
    assert again.exit_code == 2 and "用户 amy 已存在" in again.output


def test_set_password(app, runner):
    runner.invoke(args=["create-staff", "amy", "--password", "long enough"])
    result = runner.invoke(args=["set-password", "amy"], input="brand new pw\nbrand new pw\n")
    assert result.exit_code == 0 and "已重设 amy 的密码" in result.output
    with app.app_context():
        assert db.session.scalar(select(StaffUser)).check_password("brand new pw")
    assert "找不到用户 bob" in runner.invoke(args=["set-password", "bob"]).output


def test_load_plan_adds_then_updates(app, runner, tmp_path):
    assert "已新增：taian-ip-14th-fyp" in runner.invoke(args=["load-plan", SEED]).output
    assert "无变化" in runner.invoke(args=["load-plan", SEED]).output
    edited = tmp_path / "edited.toml"
    edited.write_text(Path(SEED).read_text(encoding="utf-8").replace("知识产权保护和运用规划\"", "知识产权规划（修订）\"", 1),
                      encoding="utf-8")
    result = runner.invoke(args=["load-plan", str(edited)])
    assert "已更新：taian-ip-14th-fyp（泰安市“十四五”知识产权规划（修订））" in result.output
    with app.app_context():
        assert db.session.get(Plan, PLAN_ID).source_name == "edited.toml"


def test_load_plan_reports_file_field_reason(app, runner, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('id = "x"\n', encoding="utf-8")
    result = runner.invoke(args=["load-plan", str(bad)])
    assert result.exit_code == 2
    assert f"错误：{bad}: title: 缺少必填字段" in result.output


def test_load_plans_loads_the_bundled_folder(app, runner):
    result = runner.invoke(args=["load-plans"])
    assert result.exit_code == 0 and f"已新增：{PLAN_ID}" in result.output


def test_create_session_with_csv_roster(app, runner, tmp_path):
    runner.invoke(args=["load-plans"])
    roster = tmp_path / "roster.csv"
    roster.write_text("单位,姓名,类型\n山东科技大学,宋庆军,高校\n泰山学院,,高校/科研院所\n", encoding="utf-8")
    result = runner.invoke(args=[
        "create-session", "--plan", PLAN_ID, "--title", "专题座谈会", "--form", "专题座谈会",
        "--organiser", "市场监管局", "--starts-at", "2023-11-15 14:30", "--place", "西会议室",
        "--roster", str(roster)])
    assert result.exit_code == 0, result.output
    assert "参会单位 2 家" in result.output and "open-session" in result.output
    with app.app_context():
        s = db.session.scalar(select(EvaluationSession))
        assert (s.status, s.starts_at.isoformat(), s.place) == ("draft", "2023-11-15T14:30:00", "西会议室")
        assert [(e.organisation, e.organisation_type) for e in s.roster] == [
            ("山东科技大学", "高校/科研院所"), ("泰山学院", "高校/科研院所")]


def test_create_anonymous_session(app, runner):
    """A public consultation from the command line: no organisation asked, 个人/群众 offered."""
    runner.invoke(args=["load-plans"])
    result = runner.invoke(args=[
        "create-session", "--plan", PLAN_ID, "--title", "网上公开征求意见", "--form", "问卷调查",
        "--organiser", "市场监管局", "--starts-at", "2023-11-20 09:00", "--place", "网上", "--anonymous", "--open"])
    assert result.exit_code == 0, result.output
    assert "匿名征求意见" in result.output and "参会" not in result.output  # no "参会单位 0 家"
    with app.app_context():
        s = db.session.scalar(select(EvaluationSession))
        assert s.anonymous and "个人/群众" in s.type_names


def test_create_session_errors_are_chinese(app, runner, tmp_path):
    base = ["create-session", "--title", "t", "--organiser", "o", "--place", "p"]
    no_plan = runner.invoke(args=base + ["--plan", "nope", "--starts-at", "2023-11-15 14:30"])
    assert no_plan.exit_code == 2 and "找不到规划“nope”" in no_plan.output
    runner.invoke(args=["load-plans"])
    bad_date = runner.invoke(args=base + ["--plan", PLAN_ID, "--starts-at", "下午两点"])
    assert bad_date.exit_code == 2 and "应为 2023-11-15 14:30" in bad_date.output
    too_long = runner.invoke(args=["create-session", "--title", "长" * 201, "--organiser", "o", "--place", "p",
                                   "--plan", PLAN_ID, "--starts-at", "2023-11-15"])
    assert too_long.exit_code == 2 and "活动名称不超过 200 字" in too_long.output
    roster = tmp_path / "r.csv"
    roster.write_text("甲,学校\n", encoding="utf-8")
    bad_roster = runner.invoke(args=base + ["--plan", PLAN_ID, "--starts-at", "2023-11-15", "--roster", str(roster)])
    assert bad_roster.exit_code == 2 and "第 1 行：类型“学校”" in bad_roster.output
    with app.app_context():
        assert db.session.scalar(select(EvaluationSession)) is None


def test_open_close_and_list(app, runner):
    code = make_session(app)
    assert "已开放" in runner.invoke(args=["open-session", code.upper()]).output
    with app.app_context():
        assert session_by_code(code).status == "open"
    listing = runner.invoke(args=["list-sessions"]).output
    assert code in listing and "开放填写" in listing and "0 份" in listing
    assert "已结束" in runner.invoke(args=["close-session", code]).output
    with app.app_context():
        assert session_by_code(code).status == "closed"
    missing = runner.invoke(args=["open-session", "nosuch"])
    assert missing.exit_code == 2 and "找不到活动代码 nosuch" in missing.output


def test_list_sessions_when_empty(runner):
    assert "还没有评价活动" in runner.invoke(args=["list-sessions"]).output
