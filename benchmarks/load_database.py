"""What the load benchmarks (load.py, wall_load.py) share: a fresh database (SQLite in a temporary
folder, or a new schema of $TEST_DATABASE_URL dropped afterwards) with the migrated schema, the seed
plan and one open session; the throttles set far above a run's size; the texts the simulated phones
write; a free loopback port; and the integrity check read straight from the database afterwards."""
from __future__ import annotations

import os
import socket
import urllib.parse
import uuid
from dataclasses import dataclass
from pathlib import Path

HOST = "127.0.0.1"  # loopback only
PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
PLAN_ID = "taian-ip-14th-fyp"
NO_THROTTLE = {"PINGJIA_SUBMIT_ADDRESS_LIMIT": "1000000 per minute",
               "PINGJIA_SUBMIT_SESSION_ADDRESS_LIMIT": "1000000 per minute",
               "PINGJIA_SESSION_RESPONSE_MAX": "1000000",
               # the simulated phones draw their texts from a short list, all from 127.0.0.1:
               # the same text from one address would count once (survey/participate/repeats.py)
               "PINGJIA_REPEAT_WINDOW_SECONDS": "0"}
PROBLEMS = ["高校与企业之间缺乏有效的专利技术信息沟通，成果转化渠道不畅。",
            "知识产权质押融资门槛较高，中小企业难以获得贷款。",
            "基层知识产权执法力量不足，维权周期长、成本高。"]
SUGGESTIONS = ["建立常态化的校企对接平台。", "扩大知识产权质押融资风险补偿资金规模。", "加强快速维权中心建设。"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


@dataclass
class Database:
    backend: str
    url: str
    env: dict
    cleanup: callable = lambda: None


def fresh_database(backend: str, folder: Path) -> Database:
    env = {"PINGJIA_SECRET_KEY": "load-benchmark-" + uuid.uuid4().hex, **NO_THROTTLE}
    if backend == "sqlite":
        url = f"sqlite:///{folder / 'load.sqlite3'}"
        return Database(backend, url, {**env, "DATABASE_URL": url})
    from sqlalchemy import create_engine, text

    from survey.config import normalise_db_url

    schema = f"load_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    engine = create_engine(normalise_db_url(PG_URL))
    with engine.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in PG_URL else "?"
    url = f"{PG_URL}{sep}options={urllib.parse.quote('-csearch_path=' + schema)}"

    def drop():
        with engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        engine.dispose()

    return Database(backend, url, {**env, "DATABASE_URL": url}, drop)


def app_for(db: Database):
    from survey import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": db.url, "SECRET_KEY": db.env["PINGJIA_SECRET_KEY"]})


def prepare(db: Database) -> tuple[str, list[str]]:
    """Migrated schema, the seed plan, one open session: (session code, rating field names)."""
    import datetime as dt

    from flask_migrate import upgrade

    from analysis.resources import corpus_path
    from survey.answers import rating_field_name
    from survey.extensions import db as sqla
    from survey.plans import sync_plan_file
    from survey.sessions import create_session

    app = app_for(db)
    with app.app_context():
        upgrade()
        sync_plan_file(corpus_path("plans", f"{PLAN_ID}.toml"))
        session = create_session(plan_id=PLAN_ID, title="负载测试座谈会", form="专题座谈会",
                                 organiser="泰安市市场监管局", starts_at=dt.datetime(2023, 11, 15, 14, 30),
                                 place="一楼西会议室", roster=[], status="open")
        sqla.session.commit()
        code, goals = session.code, [rating_field_name(g.id) for g in session.plan.definition.goals]
        sqla.session.remove()
        sqla.engine.dispose()
    return code, goals


def check_database(db: Database, code: str) -> dict:
    """Stored submission ids and the integrity checks, read straight from the database."""
    from sqlalchemy import text

    from survey.extensions import db as sqla

    app = app_for(db)
    out: dict = {}
    with app.app_context():
        with sqla.engine.connect() as conn:
            sid = conn.execute(text("SELECT id FROM evaluation_session WHERE code = :c"), {"c": code}).scalar_one()
            ids = conn.execute(text("SELECT submission_id FROM response WHERE session_id = :s"),
                               {"s": sid}).scalars().all()
            out["ids"] = ids
            goals = conn.execute(text("SELECT count(*) FROM rating r JOIN response p ON p.id = r.response_id "
                                      "WHERE p.session_id = :s"), {"s": sid}).scalar_one()
            out["ratings"] = goals
            problems = []
            if db.backend == "sqlite":
                result = conn.execute(text("PRAGMA integrity_check")).scalars().all()
                if result != ["ok"]:
                    problems.append(f"integrity_check: {result[:3]}")
                fk = conn.execute(text("PRAGMA foreign_key_check")).all()
                if fk:
                    problems.append(f"foreign_key_check: {len(fk)} rows")
            orphans = conn.execute(text("SELECT count(*) FROM rating r LEFT JOIN response p ON p.id = r.response_id "
                                        "WHERE p.id IS NULL")).scalar_one()
            if orphans:
                problems.append(f"{orphans} ratings without a response")
            dupes = conn.execute(text("SELECT count(*) FROM (SELECT session_id, submission_id FROM response "
                                      "GROUP BY session_id, submission_id HAVING count(*) > 1) d")).scalar_one()
            if dupes:
                problems.append(f"{dupes} duplicated submission ids")
            if db.backend == "postgresql":
                # Constraints are enforced on insert; re-validating them reads every row again.
                for (name, table) in conn.execute(text(
                        "SELECT conname, conrelid::regclass::text FROM pg_constraint c "
                        "JOIN pg_namespace n ON n.oid = c.connamespace "
                        "WHERE n.nspname = current_schema() AND contype IN ('f', 'c')")).all():
                    conn.execute(text(f'ALTER TABLE {table} VALIDATE CONSTRAINT "{name}"'))
            out["problems"] = problems
        sqla.engine.dispose()
    return out


# ---------------------------------------------------------------- the simulated phones
