"""`pingjia demo`: seed plan, demo session, ~40 fictional responses, a staff login — idempotently."""
from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest
from sqlalchemy import func, select

from analysis.resources import corpus_path
from survey.demo import DemoError, read_responses_file
from survey.extensions import db
from survey.models import EvaluationSession, Plan, Rating, Response, RosterEntry, StaffUser

MODELS = (Plan, EvaluationSession, RosterEntry, Response, Rating, StaffUser)


def counts() -> dict[str, int]:
    return {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in MODELS}


def demo_files() -> tuple[dict, dict]:
    read = lambda name: tomllib.loads(corpus_path("demo", name).read_text(encoding="utf-8"))  # noqa: E731
    return read("session.toml"), read("responses.toml")


def test_demo_installs_everything(app, runner):
    session_data, responses_data = demo_files()
    result = runner.invoke(args=["demo", "--no-serve", "--no-analyze"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        s = db.session.scalar(select(EvaluationSession))
        assert (s.is_demo, s.status, s.title, s.plan_id) == (True, "open", session_data["title"], session_data["plan"])
        assert s.starts_at == session_data["starts_at"]
        assert len(s.roster) == len(session_data["roster"])
        answers = responses_data["responses"]
        assert len(s.responses) == len(answers) >= 30
        assert all(r.is_demo for r in s.responses)
        unknown = sum(v == "不了解" for a in answers for v in a["ratings"].values())
        assert unknown > 0
        assert db.session.scalar(select(func.count()).select_from(Rating).where(Rating.score.is_(None))) == unknown
        assert counts()["Rating"] == sum(len(a["ratings"]) for a in answers)
        first = s.responses[0]
        assert (first.organisation, first.problems) == (answers[0]["organisation"], answers[0]["problems"])
        assert {r.goal_id: r.score for r in first.ratings} == answers[0]["ratings"]
        code = s.code
        # every bundled plan, not only the demo's: the second example is on the new-session form
        bundled = {p.stem for p in corpus_path("plans").glob("*.toml")}
        assert set(db.session.scalars(select(Plan.id))) == bundled and len(bundled) >= 2
    assert f"参会人员填写：http://127.0.0.1:5000/s/{code}" in result.output
    assert f"工作人员页面：http://127.0.0.1:5000/staff/sessions/{code}" in result.output
    password = re.search(r"用户名 staff，密码 (\S+)（", result.output).group(1)
    with app.app_context():
        assert db.session.scalar(select(StaffUser)).check_password(password)


def test_demo_twice_duplicates_nothing_and_keeps_the_password(app, runner):
    first = runner.invoke(args=["demo", "--no-serve"])
    with app.app_context():
        before = counts()
        db.session.scalar(select(EvaluationSession)).status = "closed"
        db.session.commit()
    second = runner.invoke(args=["demo", "--no-serve"])
    assert second.exit_code == 0, second.output
    with app.app_context():
        assert counts() == before
        assert db.session.scalar(select(EvaluationSession)).status == "open"
    assert "密码" in first.output and "账号已存在，密码未改变" in second.output
    assert "本次新增意见 0 份" in second.output
    # The first run analysed the answers; the second had nothing new to analyse.
    assert "分析结果：" in first.output and "分析结果：" not in second.output
    with app.app_context():
        code = db.session.scalar(select(EvaluationSession)).code
    result = json.loads((Path(app.instance_path) / "analysis" / code / "analysis.json").read_text(encoding="utf-8"))
    assert len({s["response_id"] for s in result["statements"]}) > 30  # stored statements, by answer
    assert {c["id"] for c in result["categories"]} >= {"enterprise-capability", "other"}


def test_demo_leaves_an_existing_staff_user_alone(app, runner):
    runner.invoke(args=["create-staff", "staff", "--password", "my own password"])
    result = runner.invoke(args=["demo", "--no-serve", "--no-analyze"])
    with app.app_context():
        assert db.session.scalar(select(StaffUser)).check_password("my own password")
    assert "账号已存在" in result.output


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fake_waitress(monkeypatch) -> list:
    """waitress.create_server recorded instead of binding; `run` is recorded when called."""
    calls = []

    class Server:
        def run(self):
            calls.append("run")

    monkeypatch.setattr("waitress.create_server", lambda app, **kw: calls.append(kw) or Server())
    return calls


def test_demo_serves_with_waitress_after_printing(app, runner, monkeypatch):
    from survey.limits import LIVE_STREAMS_MAX, SERVER_BODY_MAX

    calls = fake_waitress(monkeypatch)
    port = free_port()
    result = runner.invoke(args=["demo", "--host", "127.0.0.1", "--port", str(port), "--no-analyze"])
    assert result.exit_code == 0, result.output
    assert calls == [{"host": "127.0.0.1", "port": port, "threads": 8 + LIVE_STREAMS_MAX,  # + live streams
                      "max_request_body_size": SERVER_BODY_MAX}, "run"]
    assert f"http://127.0.0.1:{port}/s/" in result.output


def test_demo_on_a_busy_port_prints_one_chinese_line(app, runner):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = runner.invoke(args=["demo", "--port", str(port), "--no-analyze"])
    assert result.exit_code == 2
    assert result.output.startswith(f"错误：端口 {port} 已被占用") and "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)


def test_bad_demo_ratings_are_reported(app, tmp_path):
    bad = tmp_path / "responses.toml"
    bad.write_text('[[responses]]\norganisation = "甲"\norganisation_type = "企业"\n'
                   'ratings = { creation = 7 }\n', encoding="utf-8")
    with app.app_context():
        from survey.plans import sync_plan_file

        plan = sync_plan_file(corpus_path("plans", "taian-ip-14th-fyp.toml")).plan
        with pytest.raises(DemoError, match=r"responses\[0\]\.ratings\.creation: 应为 1-5"):
            read_responses_file(bad, plan.definition)


def test_demo_on_all_interfaces_prints_and_encodes_the_lan_address(app, runner, monkeypatch):
    monkeypatch.setattr("survey.cli.serving.lan_address", lambda: "192.168.1.20")
    calls = fake_waitress(monkeypatch)
    port = free_port()
    result = runner.invoke(args=["demo", "--host", "0.0.0.0", "--port", str(port), "--no-analyze"])
    assert f"参会人员填写：http://192.168.1.20:{port}/s/" in result.output
    assert calls[0]["host"] == "0.0.0.0"
    assert app.config["PUBLIC_BASE_URL"] == f"http://192.168.1.20:{port}"
