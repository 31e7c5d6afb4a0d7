"""The Alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from survey.extensions import db


def _diffs() -> list:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_upgrade_on_empty_database_matches_models(empty_app):
    with empty_app.app_context():
        assert inspect(db.engine).get_table_names() == []
        upgrade()
        assert _diffs() == []
        tables = set(inspect(db.engine).get_table_names())
    assert set(db.metadata.tables) | {"alembic_version"} == tables


def test_downgrade_to_base_then_upgrade_again(empty_app):
    with empty_app.app_context():
        upgrade()
        downgrade(revision="base")
        assert inspect(db.engine).get_table_names() == ["alembic_version"]
        upgrade()
        assert _diffs() == []


def test_compare_detects_a_model_the_migrations_lack(empty_app):
    # Guards the guard: compare_metadata must notice a table missing from the migrations.
    from sqlalchemy import Column, Integer, MetaData, Table

    extra = MetaData()
    for table in db.metadata.tables.values():
        table.to_metadata(extra)
    Table("not_migrated", extra, Column("id", Integer, primary_key=True))
    with empty_app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            diffs = compare_metadata(MigrationContext.configure(conn), extra)
    assert [d[0] for d in diffs] == ["add_table"]


def test_theme_representatives_migration_keeps_existing_rows(empty_app):
    """c51f0e2a7d14 adds a column: themes (and everything else) stored before it stay, with an empty list."""
    import json

    from sqlalchemy import text

    with empty_app.app_context():
        upgrade(revision="bb9734052ea9")
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO plan (id, title, document_number, source_text, source_name, updated_at) "
                              "VALUES ('p', '规划', '', '', '', CURRENT_TIMESTAMP)"))
            conn.execute(text("INSERT INTO evaluation (id, code, plan_id, title, is_group, created_at) "
                              "VALUES (1, 'abcdefgh', 'p', '评价', false, CURRENT_TIMESTAMP)"))
            conn.execute(text("INSERT INTO theme (id, evaluation_id, category, machine_label, staff_label, label_words, "
                              "keywords, origin, created_at) VALUES (7, 1, 'other', '旧主题', '员工起的名', '[]', "
                              "'[\"专利\"]', 'machine', CURRENT_TIMESTAMP)"))
        upgrade()
        with db.engine.connect() as conn:
            row = conn.execute(text("SELECT staff_label, keywords, representatives FROM theme WHERE id = 7")).one()
        assert row[0] == "员工起的名"
        # SQLite hands JSON back as text, PostgreSQL as values.
        assert [json.loads(v) if isinstance(v, str) else v for v in row[1:]] == [["专利"], []]
        assert _diffs() == []


def _insert(conn, name: str, **values) -> None:
    """A row with the given values; every other NOT NULL column without a default gets a
    plain value of its type (the schema of an older revision, read from the database)."""
    import datetime as dt

    from sqlalchemy import JSON, Boolean, DateTime, Float, Integer, MetaData, Table

    table = Table(name, MetaData(), autoload_with=conn)
    for column in table.columns:
        if column.name in values or column.nullable or column.server_default is not None or column.primary_key:
            continue
        kind = column.type
        values[column.name] = (False if isinstance(kind, Boolean) else 1 if isinstance(kind, Integer)
                               else 0.5 if isinstance(kind, Float)
                               else dt.datetime(2023, 11, 15) if isinstance(kind, DateTime)
                               else [] if isinstance(kind, JSON) else "x")
    conn.execute(table.insert().values(**values))


def test_statement_kind_migration_keeps_the_audit_log(empty_app):
    """8c4f2b7e1a93 makes statement columns nullable, which SQLite does by rebuilding the table:
    with foreign keys on, dropping the old table would cascade into review_change (the audit
    log) and delete it. Every row stays, and existing statements become problems."""
    from sqlalchemy import text

    with empty_app.app_context():
        upgrade(revision="5d2e8a1c9f40")
        with db.engine.begin() as conn:
            _insert(conn, "plan", id="p")
            _insert(conn, "staff_user", id=1, username="wang")
            _insert(conn, "evaluation_session", id=1, code="abcdefgh", plan_id="p")
            _insert(conn, "response", id=1, session_id=1, submission_id="s1")
            _insert(conn, "evaluation", id=1, code="abcdefgh", plan_id="p")
            _insert(conn, "statement", id=5, evaluation_id=1, response_id=1, field="problems", position=0,
                    text="校企对接渠道不畅", category="other", machine_category="other", status="confirmed")
            _insert(conn, "review_action", id=3, evaluation_id=1, user_id=1, kind="confirm")
            _insert(conn, "review_change", id=4, action_id=3, statement_id=5, before={}, after={})
        upgrade()
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT statement_id FROM review_change")).scalars().all() == [5]
            assert conn.execute(text("SELECT kind, category FROM statement")).one() == ("problem", "other")
            assert conn.execute(text("SELECT count(*) FROM response")).scalar() == 1
        assert _diffs() == []


def test_answer_count_migration_counts_the_answers_there_are(empty_app):
    """9e4d2c7a1b60 gives each session the count of its answers (the cap's check reads it), filled
    from the answers already stored and kept by triggers from then on; downgrading removes both."""
    from sqlalchemy import text

    with empty_app.app_context():
        upgrade(revision="f3a9c2d7e5b1")
        with db.engine.begin() as conn:
            _insert(conn, "plan", id="p")
            for session_id, code in ((1, "aaaaaaaa"), (2, "bbbbbbbb"), (3, "cccccccc")):
                _insert(conn, "evaluation_session", id=session_id, code=code, plan_id="p")
            for answer_id, session_id in ((1, 1), (2, 1), (3, 1), (4, 2)):
                _insert(conn, "response", id=answer_id, session_id=session_id, submission_id=f"s{answer_id}")
        upgrade()
        count = text("SELECT id, answer_count FROM evaluation_session ORDER BY id")
        with db.engine.begin() as conn:
            assert conn.execute(count).all() == [(1, 3), (2, 1), (3, 0)]
            _insert(conn, "response", id=5, session_id=3, submission_id="s5")
            conn.execute(text("DELETE FROM response WHERE id = 1"))
            assert conn.execute(count).all() == [(1, 2), (2, 1), (3, 1)]
        assert _diffs() == []
        downgrade(revision="f3a9c2d7e5b1")
        with db.engine.begin() as conn:
            _insert(conn, "response", id=6, session_id=3, submission_id="s6")  # no trigger left to fail
            assert "answer_count" not in {c["name"] for c in inspect(conn).get_columns("evaluation_session")}
