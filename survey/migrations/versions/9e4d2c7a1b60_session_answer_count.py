"""session answer count: the number of answers a session holds, kept by the database itself

The cap on a session's answers (SESSION_RESPONSE_MAX) was checked by counting the session's
answers under a lock on its row, with every answer stored: a count that grew with the session
(on PostgreSQL 0.3 ms of the server's CPU an answer at 2,000-4,000 answers, 1.1 ms at 6,000-8,000;
issue 25). The count is now a column of the session, filled from the answers there are and kept
by triggers on `response`: one up for an inserted answer, one down for a deleted one (by the phone
form, paper entry, an import, a staff deletion or a session's cascade alike), both for an answer
moved to another session. The trigger's update of the session's row takes the row lock the cap's
check took, in the inserting transaction, so simultaneous answers are counted one after another
as before; an insert that fails (an answer already stored) fires nothing.

On SQLite a later migration that rebuilds `response` (batch_alter_table's copy) drops its
triggers: it must create them again (tests/test_participant_limits.py checks the count follows).

Revision ID: 9e4d2c7a1b60
Revises: f3a9c2d7e5b1
Create Date: 2026-12-07 16:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9e4d2c7a1b60'
down_revision = 'f3a9c2d7e5b1'
branch_labels = None
depends_on = None

_POSTGRESQL_FUNCTION = """
CREATE OR REPLACE FUNCTION response_answer_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE evaluation_session SET answer_count = answer_count - 1 WHERE id = OLD.session_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE evaluation_session SET answer_count = answer_count + 1 WHERE id = NEW.session_id;
    END IF;
    RETURN NULL;
END$$
"""
_POSTGRESQL_TRIGGER = """
CREATE TRIGGER response_answer_count AFTER INSERT OR DELETE OR UPDATE OF session_id ON response
FOR EACH ROW EXECUTE FUNCTION response_answer_count()
"""
_SQLITE_TRIGGERS = (
    """CREATE TRIGGER response_answer_count_insert AFTER INSERT ON response BEGIN
        UPDATE evaluation_session SET answer_count = answer_count + 1 WHERE id = NEW.session_id; END""",
    """CREATE TRIGGER response_answer_count_delete AFTER DELETE ON response BEGIN
        UPDATE evaluation_session SET answer_count = answer_count - 1 WHERE id = OLD.session_id; END""",
    """CREATE TRIGGER response_answer_count_move AFTER UPDATE OF session_id ON response
        WHEN NEW.session_id IS NOT OLD.session_id BEGIN
        UPDATE evaluation_session SET answer_count = answer_count - 1 WHERE id = OLD.session_id;
        UPDATE evaluation_session SET answer_count = answer_count + 1 WHERE id = NEW.session_id; END""",
)


def upgrade():
    with op.batch_alter_table('evaluation_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('answer_count', sa.Integer(), server_default='0', nullable=False))
    op.execute("UPDATE evaluation_session SET answer_count = "
               "(SELECT count(*) FROM response WHERE response.session_id = evaluation_session.id)")
    if op.get_context().dialect.name == "postgresql":
        op.execute(_POSTGRESQL_FUNCTION)
        op.execute(_POSTGRESQL_TRIGGER)
    else:
        for trigger in _SQLITE_TRIGGERS:
            op.execute(trigger)


def downgrade():
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS response_answer_count ON response")
        op.execute("DROP FUNCTION IF EXISTS response_answer_count()")
    else:
        for name in ("insert", "delete", "move"):
            op.execute(f"DROP TRIGGER IF EXISTS response_answer_count_{name}")
    with op.batch_alter_table('evaluation_session', schema=None) as batch_op:
        batch_op.drop_column('answer_count')
