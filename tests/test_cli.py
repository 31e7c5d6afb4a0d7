"""The `pingjia` console script: app commands appear, and `analyze` is attached from analysis.cli."""
from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from survey.cli.main import cli


@pytest.fixture
def env(monkeypatch, tmp_path):
    # The console script builds its own app from the environment, as in production.
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    monkeypatch.setenv("PINGJIA_SECRET_KEY", "cli-test")
    return tmp_path


def test_help_lists_the_app_commands(env):
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0, result.output
    for name in ("init-db", "create-staff", "load-plan", "load-plans", "create-session", "open-session",
                 "close-session", "list-sessions", "demo", "db"):
        assert f"  {name} " in result.output, name


def test_console_script_runs_commands_against_the_configured_database(env):
    runner = CliRunner()
    assert runner.invoke(cli, ["init-db"]).exit_code == 0
    assert (env / "cli.sqlite3").exists()
    result = runner.invoke(cli, ["load-plans"])
    assert result.exit_code == 0 and "taian-ip-14th-fyp" in result.output


def test_analyze_is_attached_from_analysis_cli(env):
    from analysis.cli import analyze

    runner = CliRunner()
    assert "  analyze " in runner.invoke(cli, ["--help"]).output
    assert cli.get_command(click.Context(cli), "analyze") is analyze
    result = runner.invoke(cli, ["analyze", "--help"])
    assert result.exit_code == 0 and "--plan" in result.output


def test_analyze_reports_bad_input_in_chinese_with_status_2(env):
    result = CliRunner().invoke(cli, ["analyze", str(env / "missing.csv"), "--out", str(env / "out")])
    assert result.exit_code == 2 and result.output.startswith("错误：")
