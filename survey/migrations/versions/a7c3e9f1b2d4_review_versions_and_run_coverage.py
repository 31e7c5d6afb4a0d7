"""Review that holds: a version per statement and theme (optimistic concurrency), and what
each analysis run covered (kind, answers, the last response it read)

Revision ID: a7c3e9f1b2d4
Revises: a7c3e91b2d58
Create Date: 2026-11-30 03:50:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'a7c3e9f1b2d4'
down_revision = 'a7c3e91b2d58'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('statement', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
    with op.batch_alter_table('theme', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
    with op.batch_alter_table('analysis_run', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=16), server_default='full', nullable=False))
        batch_op.add_column(sa.Column('response_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('last_response_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('answers_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('analysis_run', schema=None) as batch_op:
        batch_op.drop_column('answers_at')
        batch_op.drop_column('last_response_id')
        batch_op.drop_column('response_count')
        batch_op.drop_column('kind')
    with op.batch_alter_table('theme', schema=None) as batch_op:
        batch_op.drop_column('version')
    with op.batch_alter_table('statement', schema=None) as batch_op:
        batch_op.drop_column('version')
