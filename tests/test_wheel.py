"""A built wheel carries everything the app reads at run time: templates, static files,
migrations and the corpus — and the path helpers find them inside the installed packages.

Offline on purpose: the wheel is built with the hatchling already installed here (no build
isolation), installed with --no-deps into a fresh venv, and that venv borrows this one's
dependencies through a .pth file (added after its own site-packages, so the installed
pingjia wins over the editable checkout).
"""
from __future__ import annotations

import importlib.util
import json
import os
import site
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(importlib.util.find_spec("hatchling") is None,
                                reason="hatchling is not installed, so the wheel can't be built offline")

PROBE = r"""
import json, sys, tempfile, os
from pathlib import Path
import analysis, survey
from analysis.resources import corpus_dir, bundled_plans
from survey.paths import MIGRATIONS_DIR, STATIC_DIR, templates_dir
from survey import create_app
from survey.extensions import db
from flask_migrate import upgrade

tmp = tempfile.mkdtemp()
app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/w.sqlite3"})
with app.app_context():
    upgrade()
    tables = sorted(db.metadata.tables)
login = app.test_client().get("/staff/login")
print(json.dumps({
    "survey": survey.__file__, "analysis": analysis.__file__,
    "templates": str(templates_dir()), "static": str(STATIC_DIR), "migrations": str(MIGRATIONS_DIR),
    "corpus": str(corpus_dir()), "plans": [p.name for p in bundled_plans()],
    "login_status": login.status_code, "login_has_chinese": "工作人员登录" in login.get_data(as_text=True),
    "tables": tables,
}))
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation",
                    "--no-index", "-q", "-w", str(out)], check=True, cwd=out)
    (built,) = out.glob("pingjia-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    env_dir = tmp_path_factory.mktemp("venv")
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    purelib = Path(subprocess.check_output([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                           text=True).strip())
    (purelib / "borrowed_deps.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index",
                    "-q", str(wheel)], check=True)
    return env_dir


def test_wheel_contains_templates_static_migrations_and_corpus(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    must = {
        "survey/templates/base.html", "survey/templates/staff/session.html", "survey/templates/staff/poster.html",
        "survey/templates/auth/login.html", "survey/static/css/app.css",
        "survey/migrations/env.py", "survey/migrations/alembic.ini", "survey/migrations/script.py.mako",
        "analysis/corpus/plans/taian-ip-14th-fyp.toml",
        "analysis/corpus/demo/session.toml", "analysis/corpus/demo/responses.toml",
    }
    assert must <= names, must - names
    assert any(n.startswith("survey/migrations/versions/") and n.endswith(".py") for n in names)
    assert not any("__pycache__" in n or n.endswith(".pyc") for n in names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "pingjia = survey.cli.main:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_installed_package_finds_its_own_files(installed, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "DATABASE_URL")}
    # Run outside the checkout so /work/main can't be picked up from the current directory.
    out = subprocess.run([installed / "bin" / "python", "-c", PROBE], capture_output=True, text=True,
                         cwd=tmp_path, env=env, check=True)
    info = json.loads(out.stdout.strip().splitlines()[-1])
    site_dir = str(Path(info["survey"]).parent.parent)
    assert site_dir.startswith(str(installed)), info["survey"]
    assert info["analysis"].startswith(site_dir)
    assert info["templates"] == f"{site_dir}/survey/templates"
    assert info["static"] == f"{site_dir}/survey/static"
    assert info["migrations"] == f"{site_dir}/survey/migrations"
    assert info["corpus"] == f"{site_dir}/analysis/corpus"
    assert "taian-ip-14th-fyp.toml" in info["plans"]
    assert info["login_status"] == 200 and info["login_has_chinese"]
    assert "evaluation_session" in info["tables"]


def test_installed_console_script(installed, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    env["PINGJIA_SECRET_KEY"] = "wheel-test"
    script = installed / "bin" / "pingjia"
    run = lambda *args: subprocess.run([script, *args], capture_output=True, text=True, cwd=tmp_path, env=env)  # noqa: E731
    assert "demo" in run("--help").stdout
    result = run("demo", "--no-serve")
    assert result.returncode == 0, result.stderr
    assert "/s/" in result.stdout and "用户名 staff" in result.stdout
